// EAS 2.5 mail out and attachments in (docs/clients.md rules 28 and 47), the whole server on
// port 0 and a 2.5 client over HTTP: SendMail, SmartReply and SmartForward carry the
// message/rfc822 body itself with SaveInSent=T, ItemId and CollectionId in the query
// (MS-ASCMD 2.2.1.17, 2.2.1.19, 2.2.1.20), and GetAttachment (2.2.1.8) fetches by AttachmentName.
// Success is an empty 200; checked where a user sees it: the recipients' Inbox, the Sent Items.

import test, { type ExecutionContext } from 'ava';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { mail, sid } from '../helpers/items.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PW = 'windows-mobile-6';
const MIME = 'message/rfc822';

async function boot(t: ExecutionContext): Promise<TestServer> {
  const s = await startTestServer({ parseWorkers: 0 });
  t.teardown(() => s.stop());
  for (const who of ['alice', 'bob', 'carol']) await s.addUser(`${who}@example.test`, PW);
  return s;
}

function phone(s: TestServer, who: string): EasClient {
  return createEasClient({ port: s.httpPort, user: `${who}@example.test`, password: PW, deviceId: `WM${who.toUpperCase()}0001`, deviceType: 'SmartPhone', version: '2.5' });
}

/** Messages in a default folder of an account, newest first, with their stored bytes. */
async function folder(s: TestServer, who: string, type: number) {
  const account = (await s.store.findAccount(`${who}@example.test`))!;
  const f = (await s.store.folderByType(account.id, type))!;
  return Promise.all(
    (await s.store.listItems(account.id, f.id)).map(async (i) => {
      const m = mail(i);
      return { item: m, subject: m.summary.subject, raw: (await s.store.getBody(account.id, m.id))!.raw.toString('utf8') };
    }),
  );
}

const message = (lines: string[]) => Buffer.from([...lines, ''].join('\r\n'));

test('SendMail at 2.5: the MIME body is delivered, and copied to Sent Items only with SaveInSent=T', async (t) => {
  const s = await boot(t);
  const alice = phone(s, 'alice');
  const kept = await alice.post('SendMail', message(['From: alice@example.test', 'To: bob@example.test', 'Subject: Kept', '', 'In Sent Items too.']), {
    contentType: MIME,
    params: { SaveInSent: 'T' },
  });
  t.is(kept.status, 200);
  t.is(kept.raw.length, 0, 'an empty 200 means sent');
  const notKept = await alice.post('SendMail', message(['From: alice@example.test', 'To: bob@example.test, carol@example.test', 'Subject: Not kept', '', 'Only sent.']), {
    contentType: MIME,
  });
  t.is(notKept.status, 200);

  t.deepEqual((await folder(s, 'bob', FolderType.Inbox)).map((m) => m.subject).sort(), ['Kept', 'Not kept']);
  t.deepEqual((await folder(s, 'carol', FolderType.Inbox)).map((m) => m.subject), ['Not kept']);
  t.deepEqual((await folder(s, 'alice', FolderType.SentItems)).map((m) => m.subject), ['Kept']);
  t.regex((await folder(s, 'bob', FolderType.Inbox)).find((m) => m.subject === 'Kept')!.raw, /In Sent Items too\./);
});

test('SendMail at 2.5 that cannot be sent is an HTTP error, nothing is delivered', async (t) => {
  const s = await boot(t);
  const alice = phone(s, 'alice');
  const empty = await alice.post('SendMail', Buffer.alloc(0), { contentType: MIME, params: { SaveInSent: 'T' } });
  t.is(empty.status, 400);
  const remote = await alice.post('SendMail', message(['From: alice@example.test', 'To: bob@example.test, dan@elsewhere.test', 'Subject: Nope', '', 'x']), {
    contentType: MIME,
    params: { SaveInSent: 'T' },
  });
  t.is(remote.status, 400, 'a remote recipient without a smarthost: no Status element at 2.5, so HTTP');
  t.deepEqual((await folder(s, 'bob', FolderType.Inbox)), []);
  t.deepEqual((await folder(s, 'alice', FolderType.SentItems)), []);
});

async function withOriginal(t: ExecutionContext) {
  const s = await boot(t);
  await s.server.deps.deliverLocal(
    { from: 'carol@example.test', to: ['alice@example.test'] },
    message(['From: Carol <carol@example.test>', 'To: alice@example.test', 'Subject: Lunch plans', 'Message-ID: <lunch-1@example.test>', 'Content-Type: text/plain; charset=utf-8', '', 'Thai or pizza on Friday?']),
  );
  const inbox = await folder(s, 'alice', FolderType.Inbox);
  const account = (await s.store.findAccount('alice@example.test'))!;
  const inboxId = String((await s.store.folderByType(account.id, FolderType.Inbox))!.id);
  return { s, original: inbox[0]!.item, inboxId };
}

test('SmartReply at 2.5: ItemId and CollectionId in the query, the original quoted and threaded', async (t) => {
  const { s, original, inboxId } = await withOriginal(t);
  const res = await phone(s, 'alice').post('SmartReply', message(['From: alice@example.test', 'To: carol@example.test', 'Subject: Re: Lunch plans', '', 'Thai, please.']), {
    contentType: MIME,
    params: { ItemId: sid(original), CollectionId: inboxId, SaveInSent: 'T' },
  });
  t.is(res.status, 200);
  t.is(res.raw.length, 0);
  const [reply] = await folder(s, 'carol', FolderType.Inbox);
  t.is(reply?.subject, 'Re: Lunch plans');
  t.regex(reply!.raw, /Thai, please\./);
  t.regex(reply!.raw, /Thai or pizza on Friday\?/, 'the original is quoted');
  t.regex(reply!.raw, /^In-Reply-To: <lunch-1@example\.test>\r?$/m);
  t.deepEqual((await folder(s, 'alice', FolderType.SentItems)).map((m) => m.subject), ['Re: Lunch plans']);
});

test('SmartForward at 2.5: the original goes along to the new recipient', async (t) => {
  const { s, original, inboxId } = await withOriginal(t);
  const res = await phone(s, 'alice').post('SmartForward', message(['From: alice@example.test', 'To: bob@example.test', 'Subject: Fw: Lunch plans', '', 'Coming along?']), {
    contentType: MIME,
    params: { ItemId: sid(original), CollectionId: inboxId },
  });
  t.is(res.status, 200);
  const [fwd] = (await folder(s, 'bob', FolderType.Inbox));
  t.is(fwd?.subject, 'Fw: Lunch plans');
  t.regex(fwd!.raw, /Coming along\?/);
  t.regex(fwd!.raw, /Thai or pizza on Friday\?/, 'the original is attached');
  t.deepEqual((await folder(s, 'alice', FolderType.SentItems)), [], 'no SaveInSent, no copy');
});

test('SmartReply at 2.5 to an item that is not there (or not in that folder): 400, nothing sent', async (t) => {
  const { s, original } = await withOriginal(t);
  const alice = phone(s, 'alice');
  const body = message(['From: alice@example.test', 'To: carol@example.test', 'Subject: Re: ?', '', 'x']);
  const gone = await alice.post('SmartReply', body, { contentType: MIME, params: { ItemId: '999:999', CollectionId: '999' } });
  t.is(gone.status, 400);
  const elsewhere = await alice.post('SmartReply', body, { contentType: MIME, params: { ItemId: sid(original), CollectionId: '424242' } });
  t.is(elsewhere.status, 400);
  t.deepEqual((await folder(s, 'carol', FolderType.Inbox)), []);
});

test('GetAttachment at 2.5: the bytes by AttachmentName, with their own type; unknown names 404', async (t) => {
  const s = await boot(t);
  const pdf = Buffer.from('%PDF-1.4\n% not really a pdf, but bytes that must come back exactly \u00ff\n', 'latin1');
  await s.server.deps.deliverLocal(
    { from: 'bob@example.test', to: ['alice@example.test'] },
    Buffer.from(
      [
        'From: bob@example.test',
        'To: alice@example.test',
        'Subject: The report',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'Attached.',
        '--b1',
        'Content-Type: application/pdf; name="report.pdf"',
        'Content-Disposition: attachment; filename="report.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        pdf.toString('base64'),
        '--b1--',
        '',
      ].join('\r\n'),
    ),
  );
  // The name is the email:AttName the 2.5 phone was given by Sync (MS-ASEMAIL 2.2.2.6).
  const alice = phone(s, 'alice');
  const inbox = await alice.inboxId();
  const collection = (key: string) =>
    el('AirSync:Sync', [
      el('AirSync:Collections', [
        el('AirSync:Collection', [el('AirSync:Class', 'Email'), el('AirSync:SyncKey', key), el('AirSync:CollectionId', inbox), key !== '0' && el('AirSync:GetChanges')]),
      ]),
    ]);
  const first = await alice.post('Sync', collection('0'));
  const key = first.body?.path('Collections', 'Collection')?.textOf('SyncKey');
  t.truthy(key, '2.5 Sync hands out a SyncKey');
  const changes = await alice.post('Sync', collection(key!));
  const attachments = changes.body?.path('Collections', 'Collection', 'Commands', 'Add', 'ApplicationData', 'Email:Attachments');
  const attachment = attachments?.all('Email:Attachment').find((a) => a.textOf('Email:DisplayName') === 'report.pdf');
  const attName = attachment?.textOf('Email:AttName');
  t.truthy(attName, 'the 2.5 Add names the attachment in email:AttName');

  const res = await alice.post('GetAttachment', null, { params: { AttachmentName: attName! } });
  t.is(res.status, 200);
  t.is(res.headers['content-type'], 'application/pdf');
  t.deepEqual(res.raw, pdf);

  t.is((await alice.post('GetAttachment', null, { params: { AttachmentName: '999999_1' } })).status, 404);
  t.is((await phone(s, 'bob').post('GetAttachment', null, { params: { AttachmentName: attName! } })).status, 404, "another account's attachment");
});
