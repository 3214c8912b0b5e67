// Store selection (store/open.ts) and the composed PostgreSQL store (store/postgres/index.ts):
// which location opens which store, `eas-push migrate` and the CLI's --store / EAS_PUSH_STORE,
// and two nodes on one database waking each other through the bus.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import plainTest from 'ava';
import { openStoreAt, parseStoreLocation } from '../../store/open.js';
import { openPostgresStore } from '../../store/postgres/index.js';
import { PG_MIGRATIONS } from '../../store/postgres/migrations.js';
import { FolderType } from '../../store/types.js';
import { el } from '../../eas/wbxml/tree.js';
import { runCli } from '../cli/run.js';
import { createEasClient } from '../helpers/eas-client.js';
import { startTestServer } from '../helpers/server.js';
import { sendMail } from '../helpers/swaks.js';
import { pgDatabase, pgTest as test } from '../helpers/postgres.js';

plainTest('a location names SQLite (sqlite:PATH or a path) or PostgreSQL; an unknown scheme is refused', (t) => {
  t.deepEqual(parseStoreLocation('sqlite:data/eas-push.sqlite'), { kind: 'sqlite', file: 'data/eas-push.sqlite' });
  t.deepEqual(parseStoreLocation('sqlite:///var/lib/x.sqlite'), { kind: 'sqlite', file: '/var/lib/x.sqlite' });
  t.deepEqual(parseStoreLocation('/var/lib/x.sqlite'), { kind: 'sqlite', file: '/var/lib/x.sqlite' });
  t.deepEqual(parseStoreLocation('./x.sqlite'), { kind: 'sqlite', file: './x.sqlite' });
  t.deepEqual(parseStoreLocation('postgres://u@db/mail'), { kind: 'postgres', url: 'postgres://u@db/mail' });
  t.deepEqual(parseStoreLocation('postgresql://u@db/mail'), { kind: 'postgres', url: 'postgresql://u@db/mail' });
  t.throws(() => parseStoreLocation('mysql://u@db/mail'), { message: /unknown store "mysql:"/ });
  t.throws(() => parseStoreLocation('postgres:db'), { message: /unknown store/ });
  t.throws(() => parseStoreLocation('sqlite:'), { message: /names no file/ });
  t.throws(() => parseStoreLocation(' '), { message: /empty/ });
});

plainTest('sqlite:PATH opens the SQLite file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'eas-open-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'sub', 'x.sqlite');
  const store = await openStoreAt(`sqlite:${file}`);
  await store.createAccount('alice@example.com', 'pw');
  await store.close();
  t.true(existsSync(file));
  const again = await openStoreAt(file);
  t.is((await again.listAccounts()).length, 1);
  await again.close();
});

test('eas-push migrate and the user commands work on --store postgres:// and EAS_PUSH_STORE', async (t) => {
  const db = await pgDatabase(t);
  const migrated = await runCli(['migrate', '--store', db.url]);
  t.is(migrated.code, 0, migrated.stderr);
  t.regex(migrated.stdout, new RegExp(`schema version ${Math.max(...PG_MIGRATIONS.map((m) => m.version))}\\n$`));
  const added = await runCli(['user', 'add', 'alice@example.com', '--password-stdin', '--store', db.url], { input: 'a-long-password\n' });
  t.is(added.code, 0, added.stderr);
  const listed = await runCli(['user', 'list'], { env: { EAS_PUSH_STORE: db.url } });
  t.is(listed.code, 0, listed.stderr);
  t.regex(listed.stdout, /alice@example\.com/);
  const backup = await runCli(['backup', '/tmp/never-written.sqlite'], { env: { EAS_PUSH_STORE: db.url } });
  t.is(backup.code, 1);
  t.regex(backup.stderr, /backup copies a SQLite store; back up a PostgreSQL store with its own tools/);
  const bad = await runCli(['user', 'list', '--store', 'mysql://x/y']);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /^eas-push: unknown store "mysql:"/);
});

test('two nodes on one database: a write on one wakes a waiter on the other, and both read it', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const a = await openPostgresStore(db.url, { poolSize: 2, node: 'a' });
  t.teardown(() => a.close());
  const b = await openStoreAt(db.url, { poolSize: 2 });
  t.teardown(() => b.close());
  const account = await a.createAccount('alice@example.com', 'pw');
  const inbox = (await b.folderByType(account.id, FolderType.Inbox))!;
  const woken = new Promise<string>((resolve) => b.feed.subscribe(account.id, [inbox.id], (_f, kind) => resolve(kind)));
  const doc = await a.addDoc(account.id, inbox.id, { data: { v: 1 }, uid: 'u1', windowAt: '9999-12-31T23:59:59.999Z' }, null);
  t.is(await woken, 'add');
  t.deepEqual((await b.getItem(account.id, doc.id))?.id, doc.id);
  t.is(await a.publishExternalCommits(), 0);
  await a.close();
  await a.close();
});

test('two servers on one PostgreSQL store: mail delivered over SMTP to one answers a Ping parked on the other', async (t) => {
  const db = await pgDatabase(t);
  const a = await startTestServer({ store: db.url });
  t.teardown(() => a.stop());
  const b = await startTestServer({ store: db.url });
  t.teardown(() => b.stop());
  await a.addUser('erin@example.com', 'pw-for-tests');
  const phone = createEasClient({ port: b.httpPort, user: 'erin@example.com', password: 'pw-for-tests', deviceId: 'erinphone1' });
  const inbox = await phone.inboxId();
  const ping = phone.post(
    'Ping',
    el('Ping:Ping', [el('Ping:HeartbeatInterval', 600), el('Ping:Folders', [el('Ping:Folder', [el('Ping:Id', inbox), el('Ping:Class', 'Email')])])]),
  );
  while (b.server.push.size() !== 1) await new Promise((resolve) => setTimeout(resolve, 10));
  t.is((await sendMail({ port: a.smtpPort, to: 'erin@example.com', subject: 'wake up', body: 'now' })).code, 0);
  const res = await ping;
  t.is(res.body?.textOf('Ping:Status'), '2');
  t.deepEqual(res.body?.path('Ping:Folders')?.all('Ping:Folder').map((f) => f.text), [inbox]);
});
