// SMTP and LMTP delivery into the store, driven by the real swaks client (issue #3).

import test from 'ava';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { join } from 'node:path';
import { FolderType, type ChangeKind } from '../../store/types.js';
import { sendMail, swaks } from '../helpers/swaks.js';
import { FIXTURES, fixture, startDelivery, swaksWire, withMda } from './setup.js';
import { mail } from '../helpers/items.js';

test('SMTP: a message to a local account is stored byte for byte behind Return-Path and Delivered-To', async (t) => {
  const f = await startDelivery();
  t.teardown(() => f.close());
  const bob = await f.store.createAccount('bob@example.com', 'secret');

  const res = await sendMail({ port: f.port, to: 'bob@example.com', from: 'alice@example.org', data: `@${join(FIXTURES, 'plain.eml')}` });
  t.is(res.code, 0, res.stdout + res.stderr);
  t.regex(res.stdout, /<- {1,2}250 2\.6\.0 Delivered/);

  const items = await f.inbox(bob);
  t.is(items.length, 1);
  const body = (await f.store.getBody(bob.id, items[0]!.id))!;
  t.deepEqual(body.raw, withMda(swaksWire('plain.eml'), 'alice@example.org', 'bob@example.com'));
  t.is(mail(items[0]).summary.subject, 'Lunch on Friday?');
  t.is(mail(items[0]).summary.importance, 2);
  t.true(f.log.lines.some((l) => l.msg === 'delivered' && l.fields.from === 'alice@example.org' && typeof l.fields.ms === 'number' && l.fields.size === swaksWire('plain.eml').length));
});

test('EHLO advertises PIPELINING, 8BITMIME, SMTPUTF8 and SIZE, and a pipelined session delivers', async (t) => {
  const f = await startDelivery({ maxMessageSize: 4096 });
  t.teardown(() => f.close());
  await f.store.createAccount('bob@example.com', 'secret');

  const res = await sendMail({ port: f.port, to: 'bob@example.com', body: 'pipelined', args: ['--pipeline'] });
  t.is(res.code, 0, res.stdout);
  for (const ext of ['PIPELINING', '8BITMIME', 'SMTPUTF8', 'SIZE 4096']) t.regex(res.stdout, new RegExp(`250[- ]${ext}\\r?\\n`));
  t.notRegex(res.stdout, /AUTH|STARTTLS/, 'no login and no TLS offered without a certificate');
});

test('LMTP: delivers and answers once per recipient', async (t) => {
  const f = await startDelivery({ lmtp: true });
  t.teardown(() => f.close());
  const bob = await f.store.createAccount('bob@example.com', 'secret');
  const carol = await f.store.createAccount('carol@example.com', 'secret');

  const res = await sendMail({ port: f.port, lmtp: true, to: ['bob@example.com', 'Carol@Example.com'], data: `@${join(FIXTURES, 'alternative.eml')}` });
  t.is(res.code, 0, res.stdout);
  t.is(res.stdout.match(/<- {1,2}250 2\.6\.0 <[^>]+> delivered/g)?.length, 2, res.stdout);
  t.deepEqual((await f.store.getBody(bob.id, (await f.inbox(bob))[0]!.id))!.raw, withMda(swaksWire('alternative.eml'), 'sender@example.org', 'bob@example.com'));
  t.deepEqual((await f.store.getBody(carol.id, (await f.inbox(carol))[0]!.id))!.raw, withMda(swaksWire('alternative.eml'), 'sender@example.org', 'Carol@Example.com'));
});

test('unknown recipient: 550 5.1.1 and nothing stored', async (t) => {
  const f = await startDelivery();
  t.teardown(() => f.close());
  const bob = await f.store.createAccount('bob@example.com', 'secret');

  const res = await sendMail({ port: f.port, to: 'nobody@example.com', body: 'hello?' });
  t.is(res.code, 24, 'swaks: no recipient accepted');
  t.regex(res.stdout, /<\*\* {1,2}550 5\.1\.1 <nobody@example\.com>: no such user here/);
  t.is((await f.inbox(bob)).length, 0);
});

test('several recipients get one copy each; two addresses of one mailbox get one; unknown ones are refused', async (t) => {
  const f = await startDelivery();
  t.teardown(() => f.close());
  const bob = await f.store.createAccount('bob@example.com', 'secret');
  const carol = await f.store.createAccount('carol@example.com', 'secret');

  const res = await sendMail({ port: f.port, to: ['bob@example.com', 'BOB+lists@example.com', 'carol@example.com', 'ghost@example.com'], body: 'to all' });
  t.is(res.code, 0, res.stdout);
  t.regex(res.stdout, /550 5\.1\.1 <ghost@example\.com>/);
  t.is((await f.inbox(bob)).length, 1);
  t.is((await f.inbox(carol)).length, 1);
});

test('oversized: 552 after DATA (not only advertised) and nothing stored', async (t) => {
  const f = await startDelivery({ maxMessageSize: 2000 });
  t.teardown(() => f.close());
  const bob = await f.store.createAccount('bob@example.com', 'secret');

  const res = await sendMail({ port: f.port, to: 'bob@example.com', body: 'x'.repeat(5000) });
  t.is(res.code, 26, res.stdout);
  t.regex(res.stdout, /<\*\* {1,2}552 5\.3\.4 /);
  t.is((await f.inbox(bob)).length, 0);

  // The connection is still usable: a small message right after goes through.
  const ok = await sendMail({ port: f.port, to: 'bob@example.com', body: 'small' });
  t.is(ok.code, 0);
  t.is((await f.inbox(bob)).length, 1);
});

test('a store failure on the second recipient answers 451 and stores nothing for anyone', async (t) => {
  const f = await startDelivery();
  t.teardown(() => f.close());
  const bob = await f.store.createAccount('bob@example.com', 'secret');
  const carol = await f.store.createAccount('carol@example.com', 'secret');
  // A second connection, as a failing disk would: carol's insert aborts inside the transaction.
  const other = new Database(f.file);
  other.exec(`CREATE TRIGGER fail_carol AFTER INSERT ON items WHEN NEW.account_id = ${carol.id} BEGIN SELECT RAISE(ABORT, 'simulated I/O error'); END`);
  other.close();
  const events: number[] = [];
  f.store.feed.subscribe(bob.id, [(await f.store.folderByType(bob.id, FolderType.Inbox))!.id], (folderId) => events.push(folderId));

  for (const lmtp of [false, true]) {
    const server = lmtp ? await startDelivery({ lmtp: true, wrapStore: () => f.store }) : null;
    if (server) t.teardown(() => server.close());
    const res = await sendMail({ port: server?.port ?? f.port, lmtp, to: ['bob@example.com', 'carol@example.com'], body: 'all or none' });
    t.not(res.code, 0);
    t.is(res.stdout.match(/<\*\* {1,2}451 4\.3\.0 /g)?.length, lmtp ? 2 : 1, res.stdout);
  }
  t.is((await f.inbox(bob)).length, 0);
  t.is((await f.inbox(carol)).length, 0);
  t.deepEqual(events, [], 'no push for a rolled-back delivery');
  t.true(f.log.lines.some((l) => l.level === 'error' && l.msg === 'delivery failed' && l.fields.stage === 'store'));
});

test('the change feed fires once per committed delivery, for each recipient inbox, as an add', async (t) => {
  const f = await startDelivery();
  t.teardown(() => f.close());
  const bob = await f.store.createAccount('bob@example.com', 'secret');
  const carol = await f.store.createAccount('carol@example.com', 'secret');
  const seen: Array<{ account: string; folderId: number; kind: ChangeKind }> = [];
  for (const account of [bob, carol]) {
    const folderIds = (await f.store.listFolders(account.id)).map((folder) => folder.id);
    f.store.feed.subscribe(account.id, folderIds, (folderId, kind) => seen.push({ account: account.address, folderId, kind }));
  }

  t.is((await sendMail({ port: f.port, to: ['bob@example.com', 'carol@example.com'], body: 'one' })).code, 0);
  t.is((await sendMail({ port: f.port, to: 'bob@example.com', body: 'two' })).code, 0);

  const inboxOf = async (id: number): Promise<number> => (await f.store.folderByType(id, FolderType.Inbox))!.id;
  t.deepEqual(seen, [
    { account: 'bob@example.com', folderId: await inboxOf(bob.id), kind: 'add' },
    { account: 'carol@example.com', folderId: await inboxOf(carol.id), kind: 'add' },
    { account: 'bob@example.com', folderId: await inboxOf(bob.id), kind: 'add' },
  ]);
});

test('SMTPUTF8: internationalised envelope and raw UTF-8 headers', async (t) => {
  const f = await startDelivery();
  t.teardown(() => f.close());
  const bob = await f.store.createAccount('bob@example.com', 'secret');
  const raw = fixture('utf8-headers.eml');

  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: f.port, secure: false, ignoreTLS: true });
  t.teardown(() => transport.close());
  const info = await transport.sendMail({ envelope: { from: 'zoë@exämple.org', to: ['bob@example.com'] }, raw });
  t.regex(String(info.response), /^250/);

  const [item] = await f.inbox(bob);
  t.deepEqual((await f.store.getBody(bob.id, item!.id))!.raw, withMda(raw, 'zoë@exämple.org', 'bob@example.com'));
  t.is(mail(item).summary.subject, 'Привет 👋 from SMTPUTF8');
  t.deepEqual(mail(item).summary.from, [{ name: 'Zoë Ångström', address: 'zoë@exämple.org' }]);
  t.is(mail(item).summary.preview, 'Ünïcödé body ✓');
});

test('the null sender (bounces) is delivered with an empty Return-Path', async (t) => {
  const f = await startDelivery();
  t.teardown(() => f.close());
  const bob = await f.store.createAccount('bob@example.com', 'secret');
  const res = await swaks(['--server', '127.0.0.1', '--port', String(f.port), '--to', 'bob@example.com', '--from', '<>', '--body', 'bounce']);
  t.is(res.code, 0, res.stdout);
  const raw = (await f.store.getBody(bob.id, (await f.inbox(bob))[0]!.id))!.raw.toString();
  t.true(raw.startsWith('Return-Path: <>\r\nDelivered-To: bob@example.com\r\n'));
});
