// Accounts on PostgreSQL (store/postgres/accounts.ts), part by part: what the Store contract tests
// (test/store/accounts.test.ts, run on both stores) do not reach. What two nodes on one database
// add: a password change or a removal through one node is seen by the other's credential cache at
// once, and two nodes creating one address make one account; addresses sort by bytes whatever the
// column's collation.
import type { ExecutionContext } from 'ava';
import { createChangeFeed } from '../../store/change-feed.js';
import { createPgAccounts } from '../../store/postgres/accounts.js';
import type { PgStoreContext } from '../../store/postgres/context.js';
import { createPgFolders, createSystemFolders } from '../../store/postgres/folders.js';
import { listLiveItems, tombstoneFolderItems } from '../../store/postgres/items.js';
import { createPgWriter } from '../../store/postgres/writer.js';
import { StoreError } from '../../store/types.js';
import { pgDatabase, pgTest as test, type PgTestDatabase } from '../helpers/postgres.js';

/** One node's accounts and folders over the test database. */
function node(t: ExecutionContext, db: PgTestDatabase, name = 'a') {
  const pool = db.pool(4);
  const feed = createChangeFeed((err) => t.fail(String(err)));
  const ctx: PgStoreContext = { pool, write: createPgWriter(pool, feed, name), feed, node: name };
  return {
    pool,
    ...createPgAccounts(ctx, createSystemFolders),
    ...createPgFolders(ctx, tombstoneFolderItems, listLiveItems),
  };
}

async function open(t: ExecutionContext) {
  const db = await pgDatabase(t, { migrated: true });
  return { db, store: node(t, db) };
}

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

test('listAccounts sorts by address bytes, as SQLite does', async (t) => {
  const { store } = await open(t);
  // The test cluster is made with the C.UTF-8 locale, which sorts by bytes anyway: give the column
  // a locale collation, as a database created with en_US.UTF-8 (or any ICU locale) would have.
  await store.pool.query('ALTER TABLE accounts ALTER COLUMN address TYPE text COLLATE "und-x-icu"');
  for (const address of ['b@x.org', 'a-b@x.org', 'ab@x.org', 'a.b@x.org', 'z@x.org', 'a_b@x.org']) await store.createAccount(address, 'pw');
  // A locale collation would ignore the punctuation ("a.b" between "ab" and "b"); byte order does not.
  t.deepEqual((await store.listAccounts()).map((a) => a.address), ['a-b@x.org', 'a.b@x.org', 'a_b@x.org', 'ab@x.org', 'b@x.org', 'z@x.org']);
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
