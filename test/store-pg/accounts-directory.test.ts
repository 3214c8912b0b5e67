// The directory and the console's admin flag on PostgreSQL (store/postgres/directory.ts,
// admins.ts), where it goes beyond test/eas-gal/directory.test.ts (run on both stores):
// non-ASCII folding, byte order whatever the collation, an admin flag seen by another node.
import type { ExecutionContext } from 'ava';
import { createChangeFeed } from '../../store/change-feed.js';
import { createPgAccounts } from '../../store/postgres/accounts.js';
import { createPgAdmins } from '../../store/postgres/admins.js';
import type { PgStoreContext } from '../../store/postgres/context.js';
import { createPgDirectory } from '../../store/postgres/directory.js';
import { createSystemFolders } from '../../store/postgres/folders.js';
import { createPgWriter } from '../../store/postgres/writer.js';
import { emails, q } from '../eas-gal/directory-query.js';
import { pgDatabase, pgTest as test, type PgTestDatabase } from '../helpers/postgres.js';

function node(t: ExecutionContext, db: PgTestDatabase, name = 'a') {
  const pool = db.pool(4);
  const feed = createChangeFeed((err) => t.fail(String(err)));
  const ctx: PgStoreContext = { pool, write: createPgWriter(pool, feed, name), feed, node: name };
  return { pool, ...createPgAccounts(ctx, createSystemFolders), ...createPgDirectory(ctx), ...createPgAdmins(ctx) };
}

async function setup(t: ExecutionContext) {
  const db = await pgDatabase(t, { migrated: true });
  const store = node(t, db);
  for (const [a, n] of [['zoe@a.test', 'Zoë Ångström'], ['per_cent@a.test', '100% Sales'], ['max@b.test', 'Max Zorn'], ['mia@a.test', null]] as const) {
    await store.createAccount(a, 'pw-123456', n ?? undefined);
  }
  return { db, store };
}

test('a word of a name is found with non-ASCII letters folded (SQLite folds ASCII only)', async (t) => {
  const { store } = await setup(t);
  t.deepEqual(emails(await store.searchDirectory(q('ång'))), ['zoe@a.test']);
});

test('the admin flag: set, cleared, false for an unknown account, seen by another node at once', async (t) => {
  const { db, store } = await setup(t);
  const other = node(t, db, 'b');
  const zoe = (await store.findAccount('zoe@a.test'))!;
  t.false(await store.isAdmin(zoe.id));
  t.true(await other.setAdmin(zoe.id, true));
  t.true(await store.isAdmin(zoe.id));
  t.true(await other.setAdmin(zoe.id, false));
  t.false(await store.isAdmin(zoe.id));
  t.false(await store.setAdmin(99_999, true));
  t.false(await store.isAdmin(99_999));
});

test('pages sort by lower-cased name bytes, as SQLite does, whatever the database’s collation', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const store = node(t, db);
  // The test cluster's C.UTF-8 locale sorts by bytes anyway: give the columns a locale collation,
  // as a database created with en_US.UTF-8 (or any ICU locale) would have.
  await store.pool.query('ALTER TABLE accounts ALTER COLUMN display_name TYPE text COLLATE "und-x-icu", ALTER COLUMN address TYPE text COLLATE "und-x-icu"');
  for (const [a, n] of [['ma@x.test', 'Ma'], ['mu@x.test', 'M_Z'], ['mz@x.test', 'M-Z'], ['m.c@x.test', null]] as const) {
    await store.createAccount(a, 'pw-123456', n ?? undefined);
  }
  // Bytes: '-' < '.' < '_' < letters. A locale collation orders punctuation its own way ('_' first in ICU's root).
  t.deepEqual(emails(await store.searchDirectory(q('m'))), ['mz@x.test', 'm.c@x.test', 'mu@x.test', 'ma@x.test']);
});
