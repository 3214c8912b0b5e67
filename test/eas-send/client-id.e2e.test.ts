// No duplicate sends (MS-ASCMD 2.2.3.28.1 ClientId, docs/clients.md rule 36): a resend with the
// same ClientId is answered Status 118 and not sent again, also across a restart of the server
// on the same data dir; a failed send does not block its retry. Real sockets, a real EAS client.

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { createEasClient } from '../helpers/eas-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { mail } from '../helpers/items.js';

const PASSWORD = 'correct horse battery';

async function boot(t: { teardown(fn: () => Promise<void> | void): void }, dataDir?: string): Promise<TestServer> {
  const server = await startTestServer({ enforceProvisioning: false, ...(dataDir ? { dataDir } : {}) });
  t.teardown(() => server.stop());
  return server;
}

function client(server: TestServer, user: string, deviceId = 'phone1', version = '16.1') {
  return createEasClient({ port: server.httpPort, user, password: PASSWORD, deviceId, version });
}

async function subjects(server: TestServer, address: string, type: number): Promise<string[]> {
  const account = (await server.store.findAccount(address))!;
  const folder = (await server.store.folderByType(account.id, type))!;
  return (await server.store.listItems(account.id, folder.id)).map((i) => mail(i).summary.subject);
}

function sendMail(clientId: string, mime: string) {
  return el('ComposeMail:SendMail', [
    el('ComposeMail:ClientId', clientId),
    el('ComposeMail:SaveInSentItems'),
    el('ComposeMail:Mime', new Uint8Array(Buffer.from(mime))),
  ]);
}

const MESSAGE = 'From: alice@example.test\r\nTo: bob@example.test\r\nSubject: Only once\r\n\r\nSent from a train.';

test('SendMail twice with one ClientId: one message at the recipient, one in Sent Items, the resend answered 118', async (t) => {
  const server = await boot(t);
  await server.addUser('alice@example.test', PASSWORD);
  await server.addUser('bob@example.test', PASSWORD);
  const alice = client(server, 'alice@example.test');
  const first = await alice.post('SendMail', sendMail('outbox-17', MESSAGE));
  t.is(first.status, 200);
  t.is(first.raw.length, 0, 'the first send is an empty 200');
  const again = await alice.post('SendMail', sendMail('outbox-17', MESSAGE));
  t.is(again.status, 200);
  t.is(again.body?.tag, 'ComposeMail:SendMail');
  t.is(again.body?.intOf('Status'), 118);
  t.deepEqual(await subjects(server, 'bob@example.test', FolderType.Inbox), ['Only once']);
  t.deepEqual(await subjects(server, 'alice@example.test', FolderType.SentItems), ['Only once']);

  // Another ClientId is another message.
  const next = await alice.post('SendMail', sendMail('outbox-18', MESSAGE.replace('Only once', 'Second one')));
  t.is(next.raw.length, 0);
  t.deepEqual((await subjects(server, 'bob@example.test', FolderType.Inbox)).sort(), ['Only once', 'Second one']);
});

test('the resend after a restart on the same data dir is still a duplicate', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-push-clientid-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const before = await boot(t, dataDir);
  await before.addUser('alice@example.test', PASSWORD);
  await before.addUser('bob@example.test', PASSWORD);
  const first = await client(before, 'alice@example.test').post('SendMail', sendMail('42', MESSAGE));
  t.is(first.raw.length, 0);
  await before.stop();

  const after = await boot(t, dataDir);
  const again = await client(after, 'alice@example.test').post('SendMail', sendMail('42', MESSAGE));
  t.is(again.status, 200);
  t.is(again.body?.intOf('Status'), 118);
  t.deepEqual(await subjects(after, 'bob@example.test', FolderType.Inbox), ['Only once']);
  t.deepEqual(await subjects(after, 'alice@example.test', FolderType.SentItems), ['Only once']);
});

test('SmartReply and SmartForward resent with their ClientId are answered 118 and sent once', async (t) => {
  const server = await boot(t);
  await server.addUser('alice@example.test', PASSWORD);
  await server.addUser('bob@example.test', PASSWORD);
  const alice = client(server, 'alice@example.test');
  const bob = client(server, 'bob@example.test');
  t.is((await alice.post('SendMail', sendMail('a1', MESSAGE))).raw.length, 0);
  const inbox = await bob.inboxId();
  const bobAccount = (await server.store.findAccount('bob@example.test'))!;
  const original = (await server.store.listItems(bobAccount.id, Number(inbox)))[0]!;
  const source = el('ComposeMail:Source', [el('ComposeMail:FolderId', inbox), el('ComposeMail:ItemId', `${inbox}:${original.id}`)]);

  for (const kind of ['SmartReply', 'SmartForward'] as const) {
    const body = el(`ComposeMail:${kind}`, [
      el('ComposeMail:ClientId', `bob-${kind}`),
      el('ComposeMail:SaveInSentItems'),
      source,
      el('ComposeMail:Mime', new Uint8Array(Buffer.from(`From: bob@example.test\r\nTo: alice@example.test\r\nSubject: ${kind}\r\n\r\nSee below.`))),
    ]);
    const first = await bob.post(kind, body);
    t.is(first.status, 200);
    t.is(first.raw.length, 0, `${kind} sent`);
    const again = await bob.post(kind, body);
    t.is(again.body?.tag, `ComposeMail:${kind}`);
    t.is(again.body?.intOf('Status'), 118, `${kind} resend`);
  }
  t.deepEqual((await subjects(server, 'alice@example.test', FolderType.Inbox)).sort(), ['SmartForward', 'SmartReply']);
  t.deepEqual((await subjects(server, 'bob@example.test', FolderType.SentItems)).sort(), ['SmartForward', 'SmartReply']);
});

test('a failed send does not block the retry with the same ClientId', async (t) => {
  const server = await boot(t);
  await server.addUser('alice@example.test', PASSWORD);
  await server.addUser('bob@example.test', PASSWORD);
  const alice = client(server, 'alice@example.test');
  // No smarthost: a remote recipient fails the whole send (Status 120), nothing is delivered.
  const failed = await alice.post('SendMail', sendMail('retry-1', MESSAGE.replace('To: bob@example.test', 'To: bob@example.test, carol@remote.test')));
  t.is(failed.body?.intOf('Status'), 120);
  t.deepEqual(await subjects(server, 'bob@example.test', FolderType.Inbox), []);
  // The user fixes the recipients in the Outbox; the phone sends it again with the same ClientId.
  const retried = await alice.post('SendMail', sendMail('retry-1', MESSAGE));
  t.is(retried.status, 200);
  t.is(retried.raw.length, 0);
  t.deepEqual(await subjects(server, 'bob@example.test', FolderType.Inbox), ['Only once']);
  t.is((await alice.post('SendMail', sendMail('retry-1', MESSAGE))).body?.intOf('Status'), 118);
});

test('ClientIds are the device\'s own: another phone of the account may use the same counter', async (t) => {
  const server = await boot(t);
  await server.addUser('alice@example.test', PASSWORD);
  await server.addUser('bob@example.test', PASSWORD);
  const phone = client(server, 'alice@example.test', 'phone1');
  const tablet = client(server, 'alice@example.test', 'tablet1');
  t.is((await phone.post('SendMail', sendMail('1', MESSAGE))).raw.length, 0);
  t.is((await tablet.post('SendMail', sendMail('1', MESSAGE.replace('Only once', 'From the tablet')))).raw.length, 0);
  t.deepEqual((await subjects(server, 'bob@example.test', FolderType.Inbox)).sort(), ['From the tablet', 'Only once']);
});

test('12.1 message/rfc822 form: a resend of the same Message-ID is an empty 200 and is not sent again', async (t) => {
  const server = await boot(t);
  await server.addUser('alice@example.test', PASSWORD);
  await server.addUser('bob@example.test', PASSWORD);
  const old = client(server, 'alice@example.test', 'oldphone', '12.1');
  const mime = Buffer.from('From: alice@example.test\r\nTo: bob@example.test\r\nMessage-ID: <m-77@old.example>\r\nSubject: Old phone\r\n\r\nHi');
  const send = () => old.post('SendMail', mime, { contentType: 'message/rfc822', params: { SaveInSent: 'T' } });
  const first = await send();
  t.is(first.status, 200);
  const again = await send();
  t.is(again.status, 200);
  t.is(again.raw.length, 0, 'below 14.0 there is no Status: the resend is acknowledged as sent');
  t.deepEqual(await subjects(server, 'bob@example.test', FolderType.Inbox), ['Old phone']);
  t.deepEqual(await subjects(server, 'alice@example.test', FolderType.SentItems), ['Old phone']);
});
