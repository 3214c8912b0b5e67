// SendMail, SmartReply/SmartForward, Search and ResolveRecipients end to end: the whole server
// on port 0, a real EAS client over HTTP, and a second SMTP server as the smarthost.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { createEasClient } from '../helpers/eas-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startSmarthost } from './smarthost.js';
import { mail } from '../helpers/items.js';

const PASSWORD = 'correct horse battery';

async function boot(t: { teardown(fn: () => Promise<void> | void): void }, smarthostPort?: number): Promise<TestServer> {
  const server = await startTestServer({
    enforceProvisioning: false,
    ...(smarthostPort ? { smarthost: `smtp://127.0.0.1:${smarthostPort}` } : {}),
  });
  t.teardown(() => server.stop());
  return server;
}

function client(server: TestServer, user: string, version = '16.1') {
  return createEasClient({ port: server.httpPort, user, password: PASSWORD, deviceId: `dev${user.replace(/\W/g, '')}`, version });
}

async function folderSubjects(server: TestServer, address: string, type: number): Promise<string[]> {
  const account = (await server.store.findAccount(address))!;
  const folder = (await server.store.folderByType(account.id, type))!;
  return (await server.store.listItems(account.id, folder.id)).map((i) => mail(i).summary.subject);
}

function sendMailBody(mime: string) {
  return el('ComposeMail:SendMail', [
    el('ComposeMail:ClientId', `c-${Date.now()}-${Math.random()}`),
    el('ComposeMail:SaveInSentItems'),
    el('ComposeMail:Mime', new Uint8Array(Buffer.from(mime))),
  ]);
}

test('the real Nine SendMail capture over HTTP: empty 200, Inbox of the recipient, Sent Items of the sender', async (t) => {
  const server = await boot(t);
  await server.addUser('t1@mail.fd', PASSWORD);
  await server.addUser('t2@mail.fd', PASSWORD);
  const wire = readFileSync(new URL('../fixtures/eas-send/nine-sendmail.req.wbxml', import.meta.url));
  const res = await client(server, 't1@mail.fd').post('SendMail', wire);
  t.is(res.status, 200);
  t.is(res.raw.length, 0);
  t.deepEqual(await folderSubjects(server, 't2@mail.fd', FolderType.Inbox), ['Subject']);
  t.deepEqual(await folderSubjects(server, 't1@mail.fd', FolderType.SentItems), ['Subject']);
});

test('a remote recipient without a smarthost: Status 120 in a 200, nothing delivered anywhere', async (t) => {
  const server = await boot(t);
  await server.addUser('alice@example.test', PASSWORD);
  await server.addUser('bob@example.test', PASSWORD);
  const res = await client(server, 'alice@example.test').post(
    'SendMail',
    sendMailBody('From: alice@example.test\r\nTo: bob@example.test, carol@remote.test\r\nSubject: Hi\r\n\r\nHello'),
  );
  t.is(res.status, 200);
  t.is(res.body?.tag, 'ComposeMail:SendMail');
  t.is(res.body?.intOf('Status'), 120);
  t.deepEqual(await folderSubjects(server, 'bob@example.test', FolderType.Inbox), []);
  t.deepEqual(await folderSubjects(server, 'alice@example.test', FolderType.SentItems), []);
});

test('with a smarthost the remote recipient gets the message without the Bcc header', async (t) => {
  const smarthost = await startSmarthost();
  t.teardown(() => smarthost.close());
  const server = await boot(t, smarthost.port);
  await server.addUser('alice@example.test', PASSWORD);
  await server.addUser('bob@example.test', PASSWORD);
  const res = await client(server, 'alice@example.test').post(
    'SendMail',
    sendMailBody('From: alice@example.test\r\nTo: carol@remote.test\r\nBcc: bob@example.test, dan@remote.test\r\nSubject: Party\r\n\r\nSaturday'),
  );
  t.is(res.status, 200);
  t.is(res.raw.length, 0);
  t.is(smarthost.received.length, 1);
  const relayed = smarthost.received[0]!;
  t.is(relayed.from, 'alice@example.test');
  t.deepEqual([...relayed.to].sort(), ['carol@remote.test', 'dan@remote.test']);
  t.notRegex(relayed.raw.toString(), /^bcc:/im);
  t.notRegex(relayed.raw.toString(), /bob@example\.test/);
  t.deepEqual(await folderSubjects(server, 'bob@example.test', FolderType.Inbox), ['Party'], 'the local Bcc recipient gets it too');
});

test('SendMail in the 12.1 form: message/rfc822 body and SaveInSent=T', async (t) => {
  const server = await boot(t);
  await server.addUser('alice@example.test', PASSWORD);
  await server.addUser('bob@example.test', PASSWORD);
  const res = await client(server, 'alice@example.test', '12.1').post(
    'SendMail',
    Buffer.from('From: alice@example.test\r\nTo: bob@example.test\r\nSubject: From an old phone\r\n\r\nHi'),
    { contentType: 'message/rfc822', params: { SaveInSent: 'T' } },
  );
  t.is(res.status, 200);
  t.deepEqual(await folderSubjects(server, 'bob@example.test', FolderType.Inbox), ['From an old phone']);
  t.deepEqual(await folderSubjects(server, 'alice@example.test', FolderType.SentItems), ['From an old phone']);
});

test('Search by subject over HTTP, then SmartReply to the found LongId', async (t) => {
  const server = await boot(t);
  await server.addUser('alice@example.test', PASSWORD);
  await server.addUser('bob@example.test', PASSWORD);
  const alice = client(server, 'alice@example.test');
  const bob = client(server, 'bob@example.test');
  const first = await alice.post(
    'SendMail',
    sendMailBody('From: alice@example.test\r\nTo: bob@example.test\r\nSubject: Budget draft\r\nMessage-ID: <budget-1@example.test>\r\n\r\nNumbers inside.'),
  );
  t.is(first.status, 200);

  const found = await bob.post(
    'Search',
    el('Search:Search', [
      el('Search:Store', [
        el('Search:Name', 'Mailbox'),
        el('Search:Query', [el('Search:And', [el('AirSync:Class', 'Email'), el('Search:FreeText', 'budget')])]),
        el('Search:Options', [el('Search:Range', '0-9')]),
      ]),
    ]),
  );
  t.is(found.status, 200);
  const store = found.body!.path('Response', 'Store')!;
  t.is(store.intOf('Status'), 1);
  t.is(store.intOf('Total'), 1);
  const longId = store.child('Result')!.textOf('LongId')!;
  t.is(store.child('Result')!.path('Properties')!.textOf('Email:Subject'), 'Budget draft');

  const reply = await bob.post(
    'SmartReply',
    el('ComposeMail:SmartReply', [
      el('ComposeMail:ClientId', 'r1'),
      el('ComposeMail:SaveInSentItems'),
      el('ComposeMail:Source', [el('ComposeMail:LongId', longId)]),
      el('ComposeMail:Mime', new Uint8Array(Buffer.from('From: bob@example.test\r\nTo: alice@example.test\r\nSubject: Re: Budget draft\r\n\r\nLooks fine.'))),
    ]),
  );
  t.is(reply.status, 200);
  t.is(reply.raw.length, 0);
  const aliceAccount = (await server.store.findAccount('alice@example.test'))!;
  const inbox = (await server.store.folderByType(aliceAccount.id, FolderType.Inbox))!;
  const got = mail((await server.store.listItems(aliceAccount.id, inbox.id))[0]);
  t.is(got.summary.inReplyTo, '<budget-1@example.test>');
  const text = (await server.store.getBody(aliceAccount.id, got.id))!.text ?? '';
  t.regex(text, /Looks fine\.[\s\S]*> Numbers inside\./);

  // Alice cannot reply to Bob's item by its id: it is not hers.
  const foreign = await alice.post(
    'SmartForward',
    el('ComposeMail:SmartForward', [
      el('ComposeMail:ClientId', 'f1'),
      el('ComposeMail:Source', [el('ComposeMail:LongId', longId)]),
      el('ComposeMail:Mime', new Uint8Array(Buffer.from('From: alice@example.test\r\nTo: alice@example.test\r\nSubject: Fwd\r\n\r\nx'))),
    ]),
  );
  t.is(foreign.status, 200);
  t.is(foreign.body?.intOf('Status'), 150);
});

test('ResolveRecipients over HTTP: a local account resolves, an unknown one does not', async (t) => {
  const server = await boot(t);
  await server.addUser('alice@example.test', PASSWORD);
  await server.addUser('bob@example.test', PASSWORD);
  const res = await client(server, 'alice@example.test').post(
    'ResolveRecipients',
    el('ResolveRecipients:ResolveRecipients', [
      el('ResolveRecipients:To', 'bob@example.test'),
      el('ResolveRecipients:To', 'stranger@remote.test'),
    ]),
  );
  t.is(res.status, 200);
  const [bob, stranger] = res.body!.all('Response');
  t.is(bob!.intOf('Status'), 1);
  t.is(bob!.path('Recipient')!.textOf('EmailAddress'), 'bob@example.test');
  t.is(stranger!.intOf('Status'), 4);
});

test('malformed bodies get a Status, never a 500', async (t) => {
  const server = await boot(t);
  await server.addUser('alice@example.test', PASSWORD);
  const alice = client(server, 'alice@example.test');
  const garbage = await alice.post('SendMail', Buffer.from([0x03, 0x01, 0x6a, 0x00, 0x00, 0x15, 0x45, 0xff, 0xff]));
  t.is(garbage.status, 200);
  t.is(garbage.body?.intOf('Status'), 102);
  const notMime = await alice.post('SmartReply', Buffer.from('hello there'));
  t.is(notMime.status, 200);
  t.true([107, 150].includes(notMime.body?.intOf('Status') ?? 0));
  const search = await alice.post('Search', el('Search:Search', [el('Search:Store', [el('Search:Name', 'Mailbox')])]));
  t.is(search.status, 200);
  t.is(search.body?.path('Response', 'Store')?.intOf('Status'), 2);
  const rr = await alice.post('ResolveRecipients', el('ResolveRecipients:ResolveRecipients', []));
  t.is(rr.status, 200);
  t.is(rr.body?.intOf('Status'), 5);
});
