// store/copy (eas-push copy) on a store filled through the Store API: every row arrives as it
// was, ids handed out after the copy continue past SQLite's AUTOINCREMENT high-water marks, a
// folder moved under a newer one arrives with its parent, and the copy refuses what it must
// refuse (a target that holds data, another schema version, a table it does not know, a store
// in use) without writing anything.

import type { ExecutionContext } from 'ava';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyStore, type CopyReport } from '../../store/copy/index.js';
import { parseMessage } from '../../plugin/parse.js';
import { openStore } from '../../store/index.js';
import { migrate, MIGRATIONS } from '../../store/migrations.js';
import { openPostgresStore } from '../../store/postgres/index.js';
import { FolderType, type Store } from '../../store/types.js';
import { mail } from '../helpers/items.js';
import { pgDatabase, pgTest as test, type PgTestDatabase } from '../helpers/postgres.js';
import { dumpPg, dumpSqlite, sqliteColumns } from './copy-fixture.js';

const WINDOW_AT = '2026-01-01T00:00:00.000Z';

function tempFile(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-copy-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'eas-push.sqlite');
}

/** A SQLite store with two accounts, nested folders (one moved under a newer one), documents. */
async function populated(t: ExecutionContext): Promise<string> {
  const file = tempFile(t);
  const store = openStore(file);
  try {
    const alice = await store.createAccount('alice@example.com', 'alice-password', 'Alice');
    await store.createAccount('bob@example.com', 'bob-password');
    await store.setAdmin(alice.id, true);
    await store.updateDirectoryEntry(alice.id, { title: 'Keeper', picture: Buffer.from([0, 1, 2, 255]) });
    const older = await store.createFolder(alice.id, null, 'Projects', FolderType.UserMail, null);
    const newer = await store.createFolder(alice.id, null, 'Archive', FolderType.UserMail, null);
    // Projects (lower id) now lives under Archive (higher id): ids alone do not order parents first.
    await store.updateFolder(alice.id, older.id, newer.id, 'Projects', null);
    await store.createFolder(alice.id, older.id, 'Lighthouse', FolderType.UserMail, null);
    const contacts = (await store.folderByType(alice.id, FolderType.Contacts))!;
    for (const name of ['Ada', 'Grace', 'Edsger']) await store.addDoc(alice.id, contacts.id, { data: { FirstName: name }, uid: `uid-${name}`, windowAt: WINDOW_AT }, null);
    const gone = await store.addDoc(alice.id, contacts.id, { data: { FirstName: 'Gone' }, uid: null, windowAt: WINDOW_AT }, null);
    await store.deleteItem(alice.id, gone.id, null);
  } finally {
    await store.close();
  }
  return file;
}

async function pgStore(t: ExecutionContext, db: PgTestDatabase): Promise<Store> {
  const store = await openPostgresStore(db.url);
  t.teardown(() => store.close());
  return store;
}

test('every row of every table arrives as it was; new ids continue past SQLite\'s high-water marks', async (t) => {
  const file = await populated(t);
  // As after purged rows: AUTOINCREMENT remembers ids no row holds any more.
  const raw = new Database(file);
  raw.exec("UPDATE sqlite_sequence SET seq = seq + 100 WHERE name IN ('items', 'folders')");
  const seq = Object.fromEntries(raw.prepare<[], { name: string; seq: number }>('SELECT name, seq FROM sqlite_sequence').all().map((r) => [r.name, r.seq]));
  raw.close();

  const db = await pgDatabase(t);
  const tables: string[] = [];
  // One row per statement: a parent in a later statement than its child would break the foreign key.
  const report: CopyReport = await copyStore(file, db.url, { limits: { rows: 1, bytes: 1 << 20 }, onTable: (r) => tables.push(r.name) });
  t.is(report.accounts, 2);
  t.is(report.devices, 0);
  t.true(report.items >= 4);
  t.deepEqual(report.untouched.filter((n) => n === 'schema_version'), []);
  t.true(tables.indexOf('accounts') < tables.indexOf('folders') && tables.indexOf('folders') < tables.indexOf('items'), 'referenced tables first');

  const columns = sqliteColumns(file);
  t.deepEqual(await dumpPg(db.pool(1), columns), dumpSqlite(file, columns));

  const store = await pgStore(t, db);
  const alice = (await store.findAccount('alice@example.com'))!;
  t.truthy(await store.verifyPassword('alice@example.com', 'alice-password'), 'the password hash as it was');
  t.true(await store.isAdmin(alice.id));
  t.deepEqual(await store.directoryPicture(alice.id), Buffer.from([0, 1, 2, 255]));
  const folders = await store.listFolders(alice.id);
  const archive = folders.find((f) => f.name === 'Archive')!;
  t.is(folders.find((f) => f.name === 'Projects')!.parentId, archive.id);

  const head = await store.headModseq(alice.id);
  const contacts = (await store.folderByType(alice.id, FolderType.Contacts))!;
  const added = await store.addDoc(alice.id, contacts.id, { data: { FirstName: 'Barbara' }, uid: null, windowAt: WINDOW_AT }, null);
  t.true(added.id > seq.items!, `item id ${added.id} after SQLite's ${seq.items}`);
  const folder = await store.createFolder(alice.id, null, 'After', FolderType.UserMail, null);
  t.true(folder.id > seq.folders!, `folder id ${folder.id} after SQLite's ${seq.folders}`);
  t.is(await store.headModseq(alice.id), head + 2, 'the account\'s modseq goes on from where it was');
});

test('a target that already holds accounts is refused and left as it was', async (t) => {
  const file = await populated(t);
  const db = await pgDatabase(t);
  await copyStore(file, db.url);
  const columns = sqliteColumns(file);
  const before = await dumpPg(db.pool(1), columns);
  const err = await t.throwsAsync(copyStore(file, db.url));
  t.regex(err!.message, /already holds 2 accounts.*never merges/);
  t.deepEqual(await dumpPg(db.pool(1), columns), before);
});

test('a SQLite store at an older schema version is refused with what to run first', async (t) => {
  const file = tempFile(t);
  const old = new Database(file);
  migrate(old, MIGRATIONS.filter((m) => m.version <= 10));
  old.close();
  const db = await pgDatabase(t);
  const err = await t.throwsAsync(copyStore(file, db.url));
  t.regex(err!.message, /schema version 10.*run "eas-push migrate --store sqlite:.*" on it first/);
});

test('a SQLite store from a newer eas-push is refused', async (t) => {
  const file = await populated(t);
  const raw = new Database(file);
  raw.pragma('user_version = 99');
  raw.close();
  const db = await pgDatabase(t);
  const err = await t.throwsAsync(copyStore(file, db.url));
  t.regex(err!.message, /schema version 99, from a newer eas-push/);
});

test('a SQLite table the copy does not know stops it before anything is written', async (t) => {
  const file = await populated(t);
  const raw = new Database(file);
  raw.exec("CREATE TABLE notes_of_a_future_migration (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes_of_a_future_migration (text) VALUES ('keep me')");
  raw.close();
  const db = await pgDatabase(t);
  const err = await t.throwsAsync(copyStore(file, db.url));
  t.regex(err!.message, /table notes_of_a_future_migration that the PostgreSQL schema lacks.*nothing copied/);
  t.is((await db.pool(1).query('SELECT count(*)::int AS n FROM accounts')).rows[0].n, 0);
});

test('a SQLite store some process holds open (a running server) is refused', async (t) => {
  const file = await populated(t);
  const running = openStore(file);
  t.teardown(() => running.close());
  const db = await pgDatabase(t);
  const err = await t.throwsAsync(copyStore(file, db.url));
  t.regex(err!.message, /in use by another process.*stop the server first/);
  const server = await running.listAccounts();
  t.is(server.length, 2, 'the running store is untouched');
});

test('a missing file and an unreachable database are one clear line each', async (t) => {
  const db = await pgDatabase(t);
  const missing = await t.throwsAsync(copyStore(join(tmpdir(), 'no-such-dir-eas-push', 'eas-push.sqlite'), db.url));
  t.regex(missing!.message, /no such file/);
  const file = await populated(t);
  const unreachable = await t.throwsAsync(copyStore(file, 'postgres://nobody@127.0.0.1:1/nothing'));
  t.regex(unreachable!.message, /^the target database: .*ECONNREFUSED/);
});

test('a mail with NUL characters in its subject and text arrives without them, its raw bytes exact, still found', async (t) => {
  const file = tempFile(t);
  const store = openStore(file);
  const alice = await store.createAccount('alice@example.com', 'alice-password');
  const inbox = (await store.folderByType(alice.id, FolderType.Inbox))!;
  const raw = Buffer.concat([Buffer.from('From: a@example.org\r\nTo: alice@example.com\r\nSubject: broken\x00subject\r\n\r\nbody with '), Buffer.from([0]), Buffer.from(' a lighthouse\r\n')]);
  const item = await store.addItem(alice.id, inbox.id, raw, await parseMessage(raw), null);
  await store.close();

  const db = await pgDatabase(t);
  const report = await copyStore(file, db.url);
  t.is(report.tables.find((r) => r.name === 'messages')!.nulsRemoved, 2, 'the subject and the text');
  const pg = await pgStore(t, db);
  t.is(mail(await pg.getItem(alice.id, item.id)).summary.subject, 'brokensubject');
  const stored = await db.pool(1).query<{ raw: Buffer }>('SELECT raw FROM messages');
  t.deepEqual(stored.rows.map((r) => r.raw), [raw]);
  const found = await pg.search({ accountId: alice.id, text: 'lighthouse', rangeStart: 0, rangeEnd: 9 });
  t.deepEqual(found.items.map((i) => i.id), [item.id]);
});

test('a copy that fails half-way leaves the target empty, and running it again after the fix completes it', async (t) => {
  const file = await populated(t);
  // A value PostgreSQL refuses, in a table copied after accounts, folders and messages.
  const raw = new Database(file);
  raw.exec("UPDATE items SET flag_status = 'not a number' WHERE id = (SELECT max(id) FROM items)");
  raw.close();
  const db = await pgDatabase(t);
  const err = await t.throwsAsync(copyStore(file, db.url, { limits: { rows: 1, bytes: 1 << 20 } }));
  t.regex(err!.message, /^copying table items failed near row \d+: invalid input syntax for type integer: "not a number"; nothing copied$/);
  const pool = db.pool(1);
  for (const table of ['accounts', 'folders', 'items', 'changes']) {
    t.is((await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, 0, `${table} empty after the failure`);
  }

  const fixed = new Database(file);
  fixed.exec("UPDATE items SET flag_status = NULL WHERE flag_status = 'not a number'");
  fixed.close();
  const report = await copyStore(file, db.url);
  t.is(report.accounts, 2);
  const columns = sqliteColumns(file);
  t.deepEqual(await dumpPg(pool, columns), dumpSqlite(file, columns));
});

test('a target some session is writing to is refused as in use, and nothing is copied', async (t) => {
  const file = await populated(t);
  const db = await pgDatabase(t, { migrated: true });
  const writer = await db.client();
  await writer.query('BEGIN');
  await writer.query('LOCK TABLE accounts IN ROW EXCLUSIVE MODE');
  const err = await t.throwsAsync(copyStore(file, db.url, { lockTimeoutMs: 200 }));
  t.regex(err!.message, /target database is in use.*stop it first/);
  await writer.query('ROLLBACK');
  t.is((await writer.query('SELECT count(*)::int AS n FROM accounts')).rows[0].n, 0);
});
