// Mail at protocol 2.5 (docs/sync.md §11, docs/clients.md rules 40–43): a 2.5 device syncs the
// Inbox after a swaks delivery and gets MS-ASEMAIL's 2.5 forms: Email:Body/BodyTruncated/BodySize
// sized by AirSync:Truncation (characters, MS-ASCMD 2.2.3.185), Email:MIMEData/MIMETruncated/
// MIMESize with MIMESupport, Email:Attachments whose AttName GetAttachment takes, and nothing of
// AirSyncBase. Its Options are sticky; what 2.5 lacks (empty Sync, Partial, Wait,
// HeartbeatInterval) is Status 4, and a Sync with nothing new is answered in full.

import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { el } from '../../eas/wbxml/tree.js';
import { sendMail } from '../helpers/swaks.js';
import { bodyPreference, syncRequest } from '../eas-sync/wire.js';
import { allTags, checkedBody, device, only, options25, server25, start, sync25, USER } from './sync-25.js';
import type { TestServer } from '../helpers/server.js';
import type { EasClient } from '../helpers/eas-client.js';

async function deliver(t: { is(a: unknown, b: unknown, m?: string): void }, s: TestServer, subject: string, body: string, extra: string[] = []): Promise<void> {
  const r = await sendMail({ port: s.smtpPort, to: USER, subject, body, args: ['--header', 'Content-Type: text/plain; charset=utf-8', ...extra] });
  t.is(r.code, 0, `swaks delivered ${subject}`);
}

/** The whole plain text a 16.1 phone is given for the item (AirSyncBase:Body Type 1, untruncated). */
async function wholeText(s: TestServer, subject: string): Promise<string> {
  const phone = device(s, `PHONE161-${subject.replace(/\W/g, '')}`, '16.1');
  const inbox = await phone.inboxId();
  const zero = only((await phone.post('Sync', syncRequest([{ syncKey: '0', collectionId: inbox }]))).body);
  const page = only((await phone.post('Sync', syncRequest([{ syncKey: zero.syncKey, collectionId: inbox, options: [el('AirSync:Options', [bodyPreference(1)])] }]))).body);
  const add = page.adds.find((a) => a.data?.textOf('Email:Subject') === subject);
  const data = add?.data?.child('AirSyncBase:Body')?.textOf('AirSyncBase:Data');
  if (data === undefined) throw new Error(`the 16.1 phone did not get ${subject}`);
  return data;
}

async function firstPage(c: EasClient, options: Record<string, number>) {
  const inbox = await c.inboxId();
  const key = await start(c, 'Email', inbox);
  const res = await c.post('Sync', sync25([{ cls: 'Email', syncKey: key, collectionId: inbox, options: [options25(options)] }]));
  return { inbox, res };
}

test('Truncation cuts Email:Body by characters, with BodyTruncated and BodySize; no AirSyncBase at 2.5', async (t) => {
  const s = await server25(t);
  // 300 two-byte characters first: 512 characters are well over 512 bytes.
  const text = `${'ü'.repeat(300)}\n${'x'.repeat(400)}\n`;
  await deliver(t, s, 'Long', text);
  await deliver(t, s, 'Short', 'Brief.');
  const c = device(s, 'WM25TRUNC');
  const { res } = await firstPage(c, { FilterType: 0, Truncation: 1 });
  const body = checkedBody(t, res, 'Sync page');
  const col = only(body);
  t.is(col.status, 1);
  t.is(body.path('Collections', 'Collection')?.textOf('Class'), 'Email', 'the 2.5 answer echoes Class');
  const long = col.adds.find((a) => a.data?.textOf('Email:Subject') === 'Long')!.data!;
  const whole = await wholeText(s, 'Long');
  const cut = long.textOf('Email:Body')!;
  t.is(Array.from(cut).length, 512, 'Truncation 1 is 512 characters');
  t.true(Buffer.byteLength(cut, 'utf8') > 512, 'characters, not bytes');
  t.is(cut, Array.from(whole).slice(0, 512).join(''), 'the start of the very text a 16.1 phone gets');
  t.is(long.textOf('Email:BodyTruncated'), '1');
  t.is(long.intOf('Email:BodySize'), Array.from(whole).length, 'BodySize is the whole body in characters');

  const short = col.adds.find((a) => a.data?.textOf('Email:Subject') === 'Short')!.data!;
  t.is(short.textOf('Email:Body')?.trimEnd(), 'Brief.');
  t.is(short.textOf('Email:BodyTruncated'), '0');
  t.false(short.has('Email:BodySize'), 'BodySize only with BodyTruncated 1 (MS-ASEMAIL 2.2.2.12)');

  const tags = allTags(body);
  t.false(tags.some((tag) => tag.startsWith('AirSyncBase:')), 'AirSyncBase does not exist at 2.5');
  for (const newer of ['Email:Flag', 'Email:ContentClass', 'Email2:ConversationId']) t.false(tags.includes(newer), `${newer} is not 2.5's`);
  t.true(tags.includes('Email:MessageClass') && tags.includes('Email:DateReceived'));

  // Truncation 0: nothing of the body, but the phone knows there is one.
  const none = device(s, 'WM25ZERO');
  const zero = only((await firstPage(none, { Truncation: 0 })).res.body).adds.find((a) => a.data?.textOf('Email:Subject') === 'Long')!.data!;
  t.false(zero.has('Email:Body'));
  t.is(zero.textOf('Email:BodyTruncated'), '1');
  t.is(zero.intOf('Email:BodySize'), Array.from(whole).length);
});

test('MIMESupport 2 gives Email:MIMEData, cut at MIMETruncation with MIMETruncated and MIMESize', async (t) => {
  const s = await server25(t);
  await deliver(t, s, 'Big', `${'y'.repeat(70)}\n`.repeat(100));
  await deliver(t, s, 'Small', 'Tiny message.');
  const phone = device(s, 'PHONE161MIME', '16.1');
  const inbox = await phone.inboxId();
  const zero = only((await phone.post('Sync', syncRequest([{ syncKey: '0', collectionId: inbox }]))).body);
  const mimeOpts = el('AirSync:Options', [el('AirSync:MIMESupport', 2), bodyPreference(4)]);
  const mimes = only((await phone.post('Sync', syncRequest([{ syncKey: zero.syncKey, collectionId: inbox, options: [mimeOpts] }]))).body);
  const mimeOf = (subject: string) => mimes.adds.find((a) => a.data?.textOf('Email:Subject') === subject)!.data!.child('AirSyncBase:Body')!.textOf('AirSyncBase:Data')!;

  const c = device(s, 'WM25MIME');
  const { res } = await firstPage(c, { MIMESupport: 2, MIMETruncation: 1 });
  const col = only(checkedBody(t, res, 'MIME page'));
  const big = col.adds.find((a) => a.data?.textOf('Email:Subject') === 'Big')!.data!;
  const bigMime = mimeOf('Big');
  t.true(Buffer.byteLength(bigMime) > 4096);
  t.is(big.textOf('Email:MIMETruncated'), '1');
  t.is(big.intOf('Email:MIMESize'), Buffer.byteLength(bigMime), 'MIMESize: the whole message');
  t.is(big.textOf('Email:MIMEData'), Buffer.from(bigMime).subarray(0, 4096).toString('utf8'), 'MIMETruncation 1: the first 4,096');
  t.false(big.has('Email:Body'), 'MIME instead of the text body');

  const small = col.adds.find((a) => a.data?.textOf('Email:Subject') === 'Small')!.data!;
  t.is(small.textOf('Email:MIMETruncated'), '0');
  t.is(small.textOf('Email:MIMEData'), mimeOf('Small'));
  t.regex(small.textOf('Email:MIMEData')!, /^[\s\S]*Subject: Small\r\n[\s\S]*\r\n\r\nTiny message\./);

  // MIMESupport 1 is S/MIME only: a plain message still comes as its text.
  const smimeOnly = device(s, 'WM25SMIME');
  const plainCol = only((await firstPage(smimeOnly, { MIMESupport: 1 })).res.body);
  const plain = plainCol.adds.find((a) => a.data?.textOf('Email:Subject') === 'Small')!.data!;
  t.false(plain.has('Email:MIMEData'));
  t.is(plain.textOf('Email:Body')?.trimEnd(), 'Tiny message.');
});

test('an attachment is listed in the Email namespace, and GetAttachment fetches it by AttName', async (t) => {
  const s = await server25(t);
  const dir = mkdtempSync(join(tmpdir(), 'eas25-att-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const content = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
  const file = join(dir, 'report.bin');
  writeFileSync(file, content);
  const r = await sendMail({ port: s.smtpPort, to: USER, subject: 'With file', body: 'See attached.', attach: [file] });
  t.is(r.code, 0);

  const c = device(s, 'WM25ATT');
  const { res } = await firstPage(c, { Truncation: 9 });
  const add = only(checkedBody(t, res, 'attachment page')).adds[0]!.data!;
  const atts = add.child('Email:Attachments')?.all('Email:Attachment') ?? [];
  t.is(atts.length, 1);
  const att = atts[0]!;
  t.is(att.intOf('Email:AttMethod'), 1);
  t.is(att.intOf('Email:AttSize'), content.length);
  t.is(att.textOf('Email:DisplayName'), 'report.bin');
  const name = att.textOf('Email:AttName')!;
  t.truthy(name);
  t.is(add.textOf('Email:Body')?.trimEnd(), 'See attached.', 'Truncation 9: not truncated');
  t.is(add.textOf('Email:BodyTruncated'), '0');

  const got = await c.post('GetAttachment', null, { params: { AttachmentName: name } });
  t.is(got.status, 200);
  t.deepEqual(got.raw, content, 'the bytes that were attached');
});

test('2.5 Options are sticky; empty, Partial, Wait and HeartbeatInterval are Status 4; a quiet Sync is answered in full', async (t) => {
  const s = await server25(t);
  await deliver(t, s, 'One', 'z'.repeat(700));
  const c = device(s, 'WM25STICKY');
  const { inbox, res } = await firstPage(c, { FilterType: 0, Truncation: 1, MIMETruncation: 8, Conflict: 1 });
  const first = only(res.body);
  t.is(first.adds[0]!.data!.textOf('Email:BodyTruncated'), '1');

  // Nothing new: 2.5 has no empty Sync response (it comes with the 12.1 empty request), so the
  // collection is answered with its next key, which works.
  const quiet = await c.post('Sync', sync25([{ cls: 'Email', syncKey: first.syncKey, collectionId: inbox }]));
  t.is(quiet.status, 200);
  const q = only(checkedBody(t, quiet, 'quiet Sync'));
  t.is(q.status, 1);
  t.deepEqual(q.adds, []);
  t.not(q.syncKey, first.syncKey);

  // A Sync without Options keeps Truncation 1 (docs/sync.md §8).
  await deliver(t, s, 'Two', 'w'.repeat(700));
  const next = only((await c.post('Sync', sync25([{ cls: 'Email', syncKey: q.syncKey, collectionId: inbox }]))).body);
  t.is(next.status, 1);
  t.is(next.adds.length, 1);
  t.is(Array.from(next.adds[0]!.data!.textOf('Email:Body')!).length, 512);
  t.is(next.adds[0]!.data!.textOf('Email:BodyTruncated'), '1');

  // Out of range: Truncation 10 (the table ends at 9) is Status 4 and changes nothing.
  const bad = only((await c.post('Sync', sync25([{ cls: 'Email', syncKey: next.syncKey, collectionId: inbox, options: [options25({ Truncation: 10 })] }]))).body);
  t.is(bad.status, 4);

  const empty = await c.post('Sync', null);
  t.is(empty.status, 200);
  t.is(empty.body?.intOf('Status'), 4, 'the empty Sync request is 12.1+');
  t.is((await c.post('Sync', el('AirSync:Sync', [el('AirSync:Partial')]))).body?.intOf('Status'), 4, 'Partial is 12.1+');
  const collections = el('AirSync:Collections', [el('AirSync:Collection', [el('AirSync:Class', 'Email'), el('AirSync:SyncKey', next.syncKey), el('AirSync:CollectionId', inbox)])]);
  t.is((await c.post('Sync', el('AirSync:Sync', [collections, el('AirSync:Wait', 1)]))).body?.intOf('Status'), 4, 'Wait is 12.1+');
  t.is((await c.post('Sync', el('AirSync:Sync', [collections, el('AirSync:HeartbeatInterval', 60)]))).body?.intOf('Status'), 4, 'HeartbeatInterval is 14.0+');

  // The key still works after all of that, Truncation still sticky.
  await deliver(t, s, 'Three', 'v'.repeat(700));
  const after = only((await c.post('Sync', sync25([{ cls: 'Email', syncKey: next.syncKey, collectionId: inbox }]))).body);
  t.is(after.status, 1);
  t.is(after.adds.length, 1);
  t.is(after.adds[0]!.data!.textOf('Email:BodyTruncated'), '1');
});

test('GetItemEstimate in its 2.5 form: Class, CollectionId, FilterType and SyncKey in the Collection', async (t) => {
  const s = await server25(t);
  const c = device(s, 'WM25EST');
  const inbox = await c.inboxId();
  const key = await start(c, 'Email', inbox);
  await deliver(t, s, 'Counted 1', 'a');
  await deliver(t, s, 'Counted 2', 'b');
  const estimate = (collectionId: string, cls: string, syncKey: string) =>
    el('GetItemEstimate:GetItemEstimate', [
      el('GetItemEstimate:Collections', [
        el('GetItemEstimate:Collection', [
          el('GetItemEstimate:Class', cls),
          el('GetItemEstimate:CollectionId', collectionId),
          el('AirSync:FilterType', 0),
          el('AirSync:SyncKey', syncKey),
        ]),
      ]),
    ]);
  const res = checkedBody(t, await c.post('GetItemEstimate', estimate(inbox, 'Email', key)), 'GetItemEstimate');
  t.is(res.path('Response')?.intOf('Status'), 1);
  t.is(res.path('Response', 'Collection')?.textOf('CollectionId'), inbox);
  t.is(res.path('Response', 'Collection')?.intOf('Estimate'), 2);

  // Notes do not exist at 2.5 (MS-ASNOTE: 14.0 and later): not a collection this client has.
  const notes = await c.folderIdOfType(10);
  const noteRes = await c.post('GetItemEstimate', estimate(notes, 'Notes', '1'));
  t.is(noteRes.body?.path('Response')?.intOf('Status'), 2);
});
