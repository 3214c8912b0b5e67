// The directory and the console's admin flag on PostgreSQL (store/postgres/directory.ts,
// admins.ts): the expectations of test/eas-gal/directory.test.ts, and a profile or an admin flag
// changed through one node seen by another at once.
import type { ExecutionContext } from 'ava';
import { createChangeFeed } from '../../store/change-feed.js';
import { createPgAccounts } from '../../store/postgres/accounts.js';
import { createPgAdmins } from '../../store/postgres/admins.js';
import type { PgStoreContext } from '../../store/postgres/context.js';
import { createPgDirectory } from '../../store/postgres/directory.js';
import { createSystemFolders } from '../../store/postgres/folders.js';
import { createPgWriter } from '../../store/postgres/writer.js';
import { StoreError } from '../../store/types.js';
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

const q = (text: string, domain: string | null = null, offset = 0, limit = 10) => ({ text, domain, offset, limit });
const emails = (r: { entries: { address: string }[] }) => r.entries.map((e) => e.address);

test('prefixes of name words, names, alias and address; wildcards are literal; domain scope; paging', async (t) => {
  const { store } = await setup(t);
  t.deepEqual(emails(await store.searchDirectory(q('z'))), ['max@b.test', 'zoe@a.test'], 'a word of "Max Zorn", and Zoë');
  t.deepEqual(emails(await store.searchDirectory(q('Z'))), ['max@b.test', 'zoe@a.test'], 'case folded');
  t.deepEqual(emails(await store.searchDirectory(q('z', 'A.test'))), ['zoe@a.test']);
  t.deepEqual(emails(await store.searchDirectory(q('%'))), [], '% is not a wildcard');
  t.deepEqual(emails(await store.searchDirectory(q('100%'))), ['per_cent@a.test']);
  t.deepEqual(emails(await store.searchDirectory(q('per_'))), ['per_cent@a.test']);
  t.deepEqual(emails(await store.searchDirectory(q('pe_'))), [], '_ is not a wildcard');
  t.deepEqual(emails(await store.searchDirectory(q('  '))), []);
  t.deepEqual(emails(await store.searchDirectory(q('ång'))), ['zoe@a.test'], 'a word of the name, non-ASCII');
  const mia = (await store.findAccount('mia@a.test'))!;
  await store.updateDirectoryEntry(mia.id, { firstName: 'Amelia', alias: 'mh' });
  t.deepEqual(emails(await store.searchDirectory(q('amel'))), ['mia@a.test']);
  t.deepEqual(emails(await store.searchDirectory(q('MH'))), ['mia@a.test']);
  const page = await store.searchDirectory(q('m', null, 1, 1));
  t.is(page.total, 2, 'Max Zorn and mia (address and alias): the total of every page');
  t.deepEqual(emails(page), ['mia@a.test']);
  t.deepEqual(await store.searchDirectory(q('m', null, 0, 0)), { total: 2, entries: [] });
});

test('a picture over 100 KB and an unknown account are refused; null clears a field; others keep theirs', async (t) => {
  const { store } = await setup(t);
  const zoe = (await store.findAccount('zoe@a.test'))!;
  const err = await t.throwsAsync(store.updateDirectoryEntry(zoe.id, { picture: Buffer.alloc(102_401) }), { instanceOf: StoreError });
  t.is(err?.code, 'invalid-profile');
  t.is(await store.directoryPicture(zoe.id), null);
  t.is((await t.throwsAsync(store.updateDirectoryEntry(99_999, { title: 'x' }), { instanceOf: StoreError }))?.code, 'no-such-account');
  t.is((await t.throwsAsync(store.updateDirectoryEntry(99_999, {}), { instanceOf: StoreError }))?.code, 'no-such-account');
  const set = await store.updateDirectoryEntry(zoe.id, { title: 'CTO', mobilePhone: '+1 555', picture: Buffer.from([0xff, 0xd8, 0xff]) });
  t.like(set, { title: 'CTO', mobilePhone: '+1 555', pictureSize: 3, displayName: 'Zoë Ångström' });
  t.deepEqual(await store.directoryPicture(zoe.id), Buffer.from([0xff, 0xd8, 0xff]));
  t.deepEqual(await store.directoryEntry(zoe.id), set);
  t.deepEqual(await store.updateDirectoryEntry(zoe.id, {}), set, 'nothing given: nothing changes');
  const cleared = await store.updateDirectoryEntry(zoe.id, { title: null, picture: null, displayName: 'Zoë A.' });
  t.like(cleared, { title: null, pictureSize: 0, mobilePhone: '+1 555', displayName: 'Zoë A.' });
  t.is(await store.directoryEntry(99_999), null);
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
