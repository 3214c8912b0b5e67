// Accounts on PostgreSQL (store/postgres/accounts.ts): the expectations of test/store/accounts.test.ts,
// and what two nodes on one database add: a password change or a removal through one node is
// seen by the other's credential cache at once, and two nodes creating one address make one account.
import type { ExecutionContext } from 'ava';
import { createChangeFeed } from '../../store/change-feed.js';
import { createPgAccounts } from '../../store/postgres/accounts.js';
import type { PgStoreContext } from '../../store/postgres/context.js';
import { createPgDevices } from '../../store/postgres/devices.js';
import { createPgFolders, createSystemFolders } from '../../store/postgres/folders.js';
import { tombstoneFolderItems } from '../../store/postgres/items.js';
import { createPgWriter } from '../../store/postgres/writer.js';
import { StoreError } from '../../store/types.js';
import { pgDatabase, pgTest as test, type PgTestDatabase } from '../helpers/postgres.js';

/** One node's accounts, folders and devices over the test database. */
function node(t: ExecutionContext, db: PgTestDatabase, name = 'a') {
  const pool = db.pool(4);
  const feed = createChangeFeed((err) => t.fail(String(err)));
  const ctx: PgStoreContext = { pool, write: createPgWriter(pool, feed, name), feed, node: name };
  return {
    pool,
    ...createPgAccounts(ctx, createSystemFolders),
    ...createPgFolders(ctx, tombstoneFolderItems),
    ...createPgDevices(ctx),
  };
}

async function open(t: ExecutionContext) {
  const db = await pgDatabase(t, { migrated: true });
  return { db, store: node(t, db) };
}

const code = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof StoreError) return err.code;
    throw err;
  }
  return 'no error';
};

test('createAccount stores a lower-case address, makes the system folders and journals them', async (t) => {
  const { store } = await open(t);
  const a = await store.createAccount('Alice@Example.COM', 'secret', 'Alice');
  t.is(a.address, 'alice@example.com');
  t.is(a.displayName, 'Alice');
  t.regex(a.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.deepEqual(
    (await store.listFolders(a.id)).map((f) => [f.name, f.type, f.system, f.parentId]),
    [
      ['Inbox', 2, true, null],
      ['Drafts', 3, true, null],
      ['Deleted Items', 4, true, null],
      ['Sent Items', 5, true, null],
      ['Outbox', 6, true, null],
      ['Junk Email', 12, true, null],
      ['Calendar', 8, true, null],
      ['Contacts', 9, true, null],
      ['Tasks', 7, true, null],
      ['Notes', 10, true, null],
    ],
  );
  t.is((await store.folderByType(a.id, 12))?.name, 'Junk Email');
  // One modseq for the whole creation, one folder-add journal row per folder.
  t.is(await store.headModseq(a.id), 1);
  const journal = await store.pool.query<{ kind: string; modseq: number }>('SELECT kind, modseq FROM changes WHERE account_id = $1', [a.id]);
  t.is(journal.rows.length, 10);
  t.true(journal.rows.every((r) => r.kind === 'folder-add' && r.modseq === 1));
});

test('createAccount refuses duplicates whatever the case, and invalid addresses', async (t) => {
  const { store } = await open(t);
  await store.createAccount('alice@example.com', 'one');
  t.is(await code(store.createAccount('ALICE@example.com', 'two')), 'account-exists');
  for (const bad of ['', 'alice', '@example.com', 'alice@', 'a b@example.com', 'al+ice@example.com', 'a..b@x.org', 'alice@-x.org']) {
    t.is(await code(store.createAccount(bad, 'pw')), 'invalid-address', bad);
  }
  t.deepEqual((await store.listAccounts()).map((a) => a.address), ['alice@example.com']);
  // The refused duplicate left no folders behind.
  const folders = await store.pool.query<{ n: number }>('SELECT count(*) AS n FROM folders');
  t.is(folders.rows[0]?.n, 10);
});

test('two nodes creating the same address at once: one account, the other call gets account-exists', async (t) => {
  const { db, store: a } = await open(t);
  const b = node(t, db, 'b');
  const results = await Promise.allSettled([a.createAccount('bob@example.com', 'x'), b.createAccount('Bob@example.com', 'y')]);
  t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
  const failed = results.find((r) => r.status === 'rejected');
  t.is((failed?.reason as StoreError | undefined)?.code, 'account-exists');
  const ids = await a.pool.query<{ n: number }>('SELECT count(*) AS n FROM folders');
  t.is(ids.rows[0]?.n, 10, 'one set of system folders');
});

test('findAccount is case-insensitive and folds +tag; getAccount by id', async (t) => {
  const { store } = await open(t);
  const a = await store.createAccount('alice@example.com', 'pw');
  t.is((await store.findAccount('ALICE@Example.com'))?.id, a.id);
  t.is((await store.findAccount(' Alice+X@EXAMPLE.com '))?.id, a.id);
  t.is(await store.findAccount('bob@example.com'), null);
  t.deepEqual(await store.getAccount(a.id), a);
  t.is(await store.getAccount(a.id + 100), null);
});

test('listAccounts sorts by address bytes, as SQLite does', async (t) => {
  const { store } = await open(t);
  // The test cluster is made with the C.UTF-8 locale, which sorts by bytes anyway: give the column
  // a locale collation, as a database created with en_US.UTF-8 (or any ICU locale) would have.
  await store.pool.query('ALTER TABLE accounts ALTER COLUMN address TYPE text COLLATE "und-x-icu"');
  for (const address of ['b@x.org', 'a-b@x.org', 'ab@x.org', 'a.b@x.org', 'z@x.org', 'a_b@x.org']) await store.createAccount(address, 'pw');
  // A locale collation would ignore the punctuation ("a.b" between "ab" and "b"); byte order does not.
  t.deepEqual((await store.listAccounts()).map((a) => a.address), ['a-b@x.org', 'a.b@x.org', 'a_b@x.org', 'ab@x.org', 'b@x.org', 'z@x.org']);
});

test('verifyPassword and verifyPasswordAsync accept the right password only; knownCredentials never hashes', async (t) => {
  const { store } = await open(t);
  const a = await store.createAccount('alice@example.com', 'correct horse');
  t.is(await store.knownCredentials('alice@example.com', 'correct horse'), null, 'not verified yet');
  t.is((await store.verifyPassword('alice@example.com', 'correct horse'))?.id, a.id);
  t.is((await store.knownCredentials('Alice+tag@example.com', 'correct horse'))?.id, a.id, 'remembered');
  t.is((await store.verifyPasswordAsync('Alice@example.com', 'correct horse'))?.id, a.id);
  t.is(await store.verifyPassword('alice@example.com', 'correct horsE'), null);
  t.is(await store.verifyPasswordAsync('alice@example.com', ''), null);
  t.is(await store.verifyPasswordAsync('nobody@example.com', 'correct horse'), null);
  t.is(await store.knownCredentials('alice@example.com', 'wrong'), null);
});

test('a password change or a removal through another node ends this node’s cached login at once', async (t) => {
  const { db, store: a } = await open(t);
  const b = node(t, db, 'b');
  const alice = await a.createAccount('alice@example.com', 'old');
  t.is((await a.verifyPasswordAsync('alice@example.com', 'old'))?.id, alice.id);
  t.truthy(await a.knownCredentials('alice@example.com', 'old'));

  await b.setPassword('alice@example.com', 'new');
  t.is(await a.knownCredentials('alice@example.com', 'old'), null);
  t.is(await a.verifyPasswordAsync('alice@example.com', 'old'), null);
  t.is((await a.verifyPasswordAsync('alice@example.com', 'new'))?.id, alice.id);

  await b.removeAccount('alice@example.com');
  t.is(await a.knownCredentials('alice@example.com', 'new'), null);
  t.is(await a.verifyPasswordAsync('alice@example.com', 'new'), null);
  t.is(await a.findAccount('alice@example.com'), null);

  // Created through the other node while this one runs: seen at once.
  const bob = await b.createAccount('bob@example.com', 'pw');
  t.is((await a.findAccount('bob@example.com'))?.id, bob.id);
});

test('a stored hash scrypt refuses matches nothing and throws nothing', async (t) => {
  const { store } = await open(t);
  await store.createAccount('alice@example.com', 'pw');
  await store.pool.query("UPDATE accounts SET password_hash = 'scrypt$1000$8$1$c2FsdA==$aGFzaA==' WHERE address = $1", ['alice@example.com']);
  t.is(await store.verifyPasswordAsync('alice@example.com', 'pw'), null);
  t.is(await store.verifyPassword('alice@example.com', 'pw'), null);
});

test('failed logins do not block the event loop', async (t) => {
  const { store } = await open(t);
  await store.createAccount('alice@example.com', 'right');
  const events: string[] = [];
  setImmediate(() => events.push('tick'));
  const logins = ['alice@example.com', 'nobody@example.com'].flatMap((address) => [
    store.verifyPasswordAsync(address, 'wrong').then((x) => events.push(x === null ? 'refused' : 'accepted')),
    store.verifyPassword(address, 'wrong').then((x) => events.push(x === null ? 'refused' : 'accepted')),
  ]);
  events.push('all started');
  await Promise.all(logins);
  t.deepEqual(events, ['all started', 'tick', 'refused', 'refused', 'refused', 'refused']);
});

test('setPassword, removeAccount and setOof of an unknown account fail with no-such-account', async (t) => {
  const { store } = await open(t);
  t.is(await code(store.setPassword('x@example.com', 'pw')), 'no-such-account');
  t.is(await code(store.removeAccount('x@example.com')), 'no-such-account');
  t.is(await code(store.setOof(12345, { state: 1 })), 'no-such-account');
});

test('removeAccount removes its folders, devices and journal; the address is free again with a new id', async (t) => {
  const { store } = await open(t);
  const a = await store.createAccount('alice@example.com', 'pw');
  await store.touchDevice(a.id, 'DEV1', { deviceType: 'iPhone', userAgent: null, protocolVersion: '16.1' });
  await store.removeAccount('ALICE@example.com');
  t.deepEqual(await store.listDevices(a.id), []);
  t.deepEqual(await store.listFolders(a.id), []);
  const journal = await store.pool.query<{ n: number }>('SELECT count(*) AS n FROM changes WHERE account_id = $1', [a.id]);
  t.is(journal.rows[0]?.n, 0);
  t.is(await store.headModseq(a.id), 0);
  const again = await store.createAccount('alice@example.com', 'pw');
  t.not(again.id, a.id);
});

test('oof settings round-trip per account', async (t) => {
  const { store } = await open(t);
  const a = await store.createAccount('alice@example.com', 'pw');
  const b = await store.createAccount('bob@example.com', 'pw');
  t.is(await store.getOof(a.id), null);
  await store.setOof(a.id, { state: 1, message: 'away' });
  t.deepEqual(await store.getOof(a.id), { state: 1, message: 'away' });
  t.is(await store.getOof(b.id), null);
});
