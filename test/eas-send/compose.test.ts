// SendMail / SmartReply / SmartForward through the command handlers with a real store, the
// real parser and the real local delivery path (and a real SMTP smarthost where one is needed).

import test from 'ava';
import { readFileSync } from 'node:fs';
import { decode } from '../../eas/wbxml/index.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { sendMail } from '../../eas/commands/send-mail.js';
import { FolderType, type Account } from '../../store/types.js';
import type { CommandResult } from '../../eas/commands/types.js';
import { createHarness, smarthostRelay, type Harness } from './context.js';
import { startSmarthost } from './smarthost.js';
import { mail } from '../helpers/items.js';

function mime(lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

function composeRequest(kind: string, message: Buffer, extra: (WbxmlElement | false)[] = [], save = true): WbxmlElement {
  return el(`ComposeMail:${kind}`, [
    el('ComposeMail:ClientId', `client-${Math.random()}`),
    save && el('ComposeMail:SaveInSentItems'),
    ...extra,
    el('ComposeMail:Mime', new Uint8Array(message)),
  ]);
}

function statusOf(result: CommandResult): number | null {
  if (result.kind === 'empty') return null;
  if (result.kind !== 'wbxml') throw new Error('unexpected bytes answer');
  return result.body.intOf('Status') ?? NaN;
}

async function folderItems(h: Harness, a: Account, type: number) {
  const folder = (await h.store.folderByType(a.id, type))!;
  return await Promise.all((await h.store.listItems(a.id, folder.id)).map(async (item) => ({ item: mail(item), raw: (await h.store.getBody(a.id, item.id))!.raw.toString('utf8') })));
}

const inbox = async (h: Harness, a: Account) => await folderItems(h, a, FolderType.Inbox);
const sent = async (h: Harness, a: Account) => await folderItems(h, a, FolderType.SentItems);

test('SendMail to a local account lands in its Inbox and in the sender\'s Sent Items', async (t) => {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test', 'Alice');
  const bob = await h.account('bob@example.test');
  const msg = mime(['From: Alice <alice@example.test>', 'To: Bob <BOB@example.test>', 'Subject: Lunch?', '', 'At noon.', '']);
  const result = await h.run(sendMail.handler, alice, { request: composeRequest('SendMail', msg) });
  t.is(result.kind, 'empty');
  const got = await inbox(h, bob);
  t.is(got.length, 1);
  t.is(got[0]!.item.summary.subject, 'Lunch?');
  t.regex(got[0]!.raw, /At noon\./);
  t.regex(got[0]!.raw, /^Message-ID: <.+@example\.test>$/im, 'a Message-ID is added when the client gave none');
  const copy = await sent(h, alice);
  t.is(copy.length, 1);
  t.true(copy[0]!.item.read);
  t.is(copy[0]!.item.summary.subject, 'Lunch?');
  t.is((await inbox(h, alice)).length, 0);
});

test('a remote recipient without a smarthost: Status 120 and nothing delivered anywhere', async (t) => {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test');
  const bob = await h.account('bob@example.test');
  const msg = mime(['From: alice@example.test', 'To: bob@example.test, carol@elsewhere.test', 'Subject: x', '', 'y']);
  const result = await h.run(sendMail.handler, alice, { request: composeRequest('SendMail', msg) });
  t.is(statusOf(result), 120);
  t.is((await inbox(h, bob)).length, 0);
  t.is((await sent(h, alice)).length, 0);
});

test('with a smarthost the remote recipient gets it, Bcc is in the envelope but in no header', async (t) => {
  const smarthost = await startSmarthost();
  t.teardown(() => smarthost.close());
  const h = createHarness({ relay: smarthostRelay(smarthost.port) });
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test');
  const bob = await h.account('bob@example.test');
  const msg = mime([
    'From: alice@example.test',
    'To: carol@elsewhere.test',
    'Cc: bob@example.test',
    'Bcc: dave@elsewhere.test,',
    ' bob+hidden@example.test',
    'Subject: Plans',
    '',
    'Secret plans.',
  ]);
  const result = await h.run(sendMail.handler, alice, { request: composeRequest('SendMail', msg) });
  t.is(result.kind, 'empty');
  t.is(smarthost.received.length, 1);
  const relayed = smarthost.received[0]!;
  t.is(relayed.from, 'alice@example.test');
  t.deepEqual([...relayed.to].sort(), ['carol@elsewhere.test', 'dave@elsewhere.test']);
  t.notRegex(relayed.raw.toString(), /^bcc:/im);
  t.notRegex(relayed.raw.toString(), /dave@elsewhere|hidden/);
  t.regex(relayed.raw.toString(), /Secret plans\./);
  const got = await inbox(h, bob);
  t.is(got.length, 1, 'bob is Cc and Bcc (as bob+hidden) but gets one copy');
  t.notRegex(got[0]!.raw, /^bcc:/im);
  t.notRegex((await sent(h, alice))[0]!.raw, /^bcc:/im, 'the Sent Items copy has no Bcc either');
});

test('a smarthost refusing a recipient fails the send with Status 120 and delivers nothing locally', async (t) => {
  const smarthost = await startSmarthost({ refuse: ['nobody@elsewhere.test'] });
  t.teardown(() => smarthost.close());
  const h = createHarness({ relay: smarthostRelay(smarthost.port) });
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test');
  const bob = await h.account('bob@example.test');
  const msg = mime(['From: alice@example.test', 'To: nobody@elsewhere.test, bob@example.test', 'Subject: x', '', 'y']);
  const result = await h.run(sendMail.handler, alice, { request: composeRequest('SendMail', msg) });
  t.is(statusOf(result), 120);
  t.is((await inbox(h, bob)).length, 0);
  t.is((await sent(h, alice)).length, 0);
});

test('SendMail below 14.0: the message/rfc822 body with SaveInSent=T', async (t) => {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test');
  const bob = await h.account('bob@example.test');
  const msg = mime(['From: alice@example.test', 'To: bob@example.test', 'Subject: Old school', '', 'Hi from 12.1']);
  const result = await h.run(sendMail.handler, alice, { raw: msg, version: '12.1', saveInSent: true });
  t.is(result.kind, 'empty');
  t.is((await inbox(h, bob))[0]?.item.summary.subject, 'Old school');
  t.is((await sent(h, alice)).length, 1);
  const noSave = await h.run(sendMail.handler, alice, { raw: msg, version: '12.1', saveInSent: false });
  t.is(noSave.kind, 'empty');
  t.is((await sent(h, alice)).length, 1, 'no copy without SaveInSent');
  t.is((await inbox(h, bob)).length, 2);
});

test('below 14.0 a failure is an HTTP error (no Status element exists there), not a 500', async (t) => {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test');
  const msg = mime(['From: alice@example.test', 'To: carol@elsewhere.test', 'Subject: x', '', 'y']);
  const err = await t.throwsAsync(h.run(sendMail.handler, alice, { raw: msg, version: '12.1' }));
  t.is((err as unknown as { status: number }).status, 400);
});

test('the real Nine SendMail capture (OPAQUE MIME, <SaveInSentItems/>) is sent', async (t) => {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const t1 = await h.account('t1@mail.fd');
  const t2 = await h.account('t2@mail.fd');
  const request = decode(readFileSync(new URL('../fixtures/eas-send/nine-sendmail.req.wbxml', import.meta.url)));
  const result = await h.run(sendMail.handler, t1, { request });
  t.is(result.kind, 'empty');
  const got = await inbox(h, t2);
  t.is(got.length, 1);
  t.is(got[0]!.item.summary.subject, 'Subject');
  t.regex(got[0]!.item.summary.messageId ?? '', /27c3dffe-49a7-4559-909c-24324768d258@mail\.fd/);
  t.is((await sent(h, t1)).length, 1);
});

test('mixed CRLF/LF MIME (as Nine sends) is stored with CRLF line ends only', async (t) => {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test');
  const bob = await h.account('bob@example.test');
  const msg = Buffer.from('From: alice@example.test\nTo: bob@example.test\r\nSubject: mixed\n\nline one\r\nline two\n', 'utf8');
  const result = await h.run(sendMail.handler, alice, { request: composeRequest('SendMail', msg) });
  t.is(result.kind, 'empty');
  const raw = (await inbox(h, bob))[0]!.raw;
  t.is((await inbox(h, bob))[0]!.item.summary.subject, 'mixed');
  t.notRegex(raw, /[^\r]\n/);
  t.regex(raw, /line one\r\nline two\r\n/);
});

test('a From naming another local account is refused (Status 130); another address is allowed', async (t) => {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test');
  const bob = await h.account('bob@example.test');
  const spoof = mime(['From: Bob <bob@example.test>', 'To: alice@example.test', 'Subject: I am bob', '', 'y']);
  t.is(statusOf(await h.run(sendMail.handler, alice, { request: composeRequest('SendMail', spoof) })), 130);
  t.is((await inbox(h, alice)).length, 0);
  const tagged = mime(['From: alice+news@EXAMPLE.test', 'To: bob@example.test', 'Subject: tagged', '', 'y']);
  t.is((await h.run(sendMail.handler, alice, { request: composeRequest('SendMail', tagged) })).kind, 'empty');
  t.is((await inbox(h, bob)).length, 1);
});

test('bad requests get a Status, never an exception', async (t) => {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test');
  const noRcpt = mime(['From: alice@example.test', 'Subject: to nobody', '', 'y']);
  t.is(statusOf(await h.run(sendMail.handler, alice, { request: composeRequest('SendMail', noRcpt) })), 119);
  const badRcpt = mime(['From: alice@example.test', 'To: not an address', 'Subject: x', '', 'y']);
  t.is(statusOf(await h.run(sendMail.handler, alice, { request: composeRequest('SendMail', badRcpt) })), 116);
  const noMime = el('ComposeMail:SendMail', [el('ComposeMail:ClientId', '1')]);
  t.is(statusOf(await h.run(sendMail.handler, alice, { request: noMime })), 101);
  const wrongRoot = el('ComposeMail:SmartReply', [el('ComposeMail:ClientId', '1')]);
  t.is(statusOf(await h.run(sendMail.handler, alice, { request: wrongRoot })), 103);
  const garbageWbxml = Buffer.from([0x03, 0x01, 0x6a, 0x00, 0x00, 0x15, 0x45, 0x51, 0xff]);
  t.is(statusOf(await h.run(sendMail.handler, alice, { raw: garbageWbxml })), 102);
  const noHeaders = el('ComposeMail:SendMail', [el('ComposeMail:ClientId', '1'), el('ComposeMail:Mime', '\r\n\r\njust a body')]);
  t.is(statusOf(await h.run(sendMail.handler, alice, { request: noHeaders })), 107);
});

test('empty attachment entries (iOS 16) are dropped; the rest of the message is untouched', async (t) => {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test');
  const bob = await h.account('bob@example.test');
  const pdf = Buffer.from('%PDF-1.4 real').toString('base64');
  const msg = mime([
    'From: alice@example.test',
    'To: bob@example.test',
    'Subject: files',
    'Content-Type: multipart/mixed; boundary="XYZ"',
    '',
    '--XYZ',
    'Content-Type: text/plain',
    '',
    'two files',
    '--XYZ',
    'Content-Type: image/jpeg; name="IMG_0001.jpg"',
    'Content-Disposition: attachment; filename="IMG_0001.jpg"',
    'Content-Transfer-Encoding: base64',
    '',
    '',
    '--XYZ',
    'Content-Type: application/pdf; name="a.pdf"',
    'Content-Disposition: attachment; filename="a.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    pdf,
    '--XYZ--',
    '',
  ]);
  t.is((await h.run(sendMail.handler, alice, { request: composeRequest('SendMail', msg) })).kind, 'empty');
  const got = (await inbox(h, bob))[0]!;
  t.deepEqual(got.item.attachments.map((a) => a.fileName), ['a.pdf']);
  t.notRegex(got.raw, /IMG_0001/);
  t.regex(got.raw, /--XYZ\r\nContent-Type: text\/plain\r\n\r\ntwo files\r\n--XYZ\r\nContent-Type: application\/pdf/);
});
