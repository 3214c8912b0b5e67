// Folders on PostgreSQL (store/postgres/folders.ts), part by part: what the Store contract tests
// (test/store/folders.test.ts, run on both stores) do not reach: the journal, the feed (folder
// kinds reach the journal only; an emptied folder wakes its waiters once the write has
// committed), non-ASCII name folding, and two nodes creating one name at once.
import type { ExecutionContext } from 'ava';
import { createChangeFeed } from '../../store/change-feed.js';
import { createPgAccounts } from '../../store/postgres/accounts.js';
import type { PgStoreContext } from '../../store/postgres/context.js';
import { createPgFolders, createSystemFolders } from '../../store/postgres/folders.js';
import { listLiveItems, tombstoneFolderItems } from '../../store/postgres/items.js';
import { createPgWriter } from '../../store/postgres/writer.js';
import { StoreError, type ChangeKind } from '../../store/types.js';
import { pgDatabase, pgTest as test, type PgTestDatabase } from '../helpers/postgres.js';

function node(t: ExecutionContext, db: PgTestDatabase, name = 'a') {
  const pool = db.pool(4);
  const feed = createChangeFeed((err) => t.fail(String(err)));
  const ctx: PgStoreContext = { pool, write: createPgWriter(pool, feed, name), feed, node: name };
  return { pool, feed, ...createPgAccounts(ctx, createSystemFolders), ...createPgFolders(ctx, tombstoneFolderItems, listLiveItems) };
}

async function setup(t: ExecutionContext) {
  const db = await pgDatabase(t, { migrated: true });
  const store = node(t, db);
  const accountId = (await store.createAccount('alice@example.com', 'pw')).id;
  return { db, store, accountId };
}

/** A live message item in the folder, written as a delivery would (items are P1's module). */
async function putItem(store: ReturnType<typeof node>, accountId: number, folderId: number): Promise<number> {
  const m = await store.pool.query<{ id: number }>(
    `INSERT INTO messages (account_id, raw, size, subject, from_json, to_json, cc_json, reply_to_json, date, references_json,
       importance, has_attachments, attachment_count, preview, malformed)
     VALUES ($1, '\\x00', 1, 's', '[]', '[]', '[]', '[]', 'd', '[]', 1, 0, 0, '', 0) RETURNING id`,
    [accountId],
  );
  const i = await store.pool.query<{ id: number }>(
    `INSERT INTO items (account_id, folder_id, message_id, received_at, created_modseq, modseq)
     VALUES ($1, $2, $3, '2024-01-01T00:00:00.000Z', 1, 1) RETURNING id`,
    [accountId, folderId, m.rows[0]!.id],
  );
  return i.rows[0]!.id;
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

test('sibling names fold non-ASCII letters too (lower() on PostgreSQL); the origin is stored', async (t) => {
  const { store, accountId } = await setup(t);
  t.is(await code(store.createFolder(accountId, null, 'ÉTÉ', 12, null)), 'no error');
  t.is(await code(store.createFolder(accountId, null, 'été', 12, null)), 'folder-exists');
  const sub = await store.createFolder(accountId, null, 'Eas', 12, 7);
  const origin = await store.pool.query<{ origin: number }>('SELECT origin FROM folders WHERE id = $1', [sub.id]);
  t.is(origin.rows[0]?.origin, 7);
});

test('two nodes creating the same name at once: one folder, the other call gets folder-exists', async (t) => {
  const { db, store, accountId } = await setup(t);
  const other = node(t, db, 'b');
  const results = await Promise.allSettled([
    store.createFolder(accountId, null, 'Reports', 12, null),
    other.createFolder(accountId, null, 'REPORTS', 12, null),
  ]);
  t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
  t.is(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined)?.reason as StoreError).code, 'folder-exists');
});

test('a deleted subtree is journaled one folder-delete row per folder', async (t) => {
  const { store, accountId } = await setup(t);
  const z = await store.createFolder(accountId, null, 'Z', 12, null);
  await store.createFolder(accountId, z.id, 'X', 12, null);
  const before = await store.headModseq(accountId);
  await store.deleteFolder(accountId, z.id, null);
  const journal = await store.pool.query<{ kind: string; modseq: number }>(
    `SELECT kind, modseq FROM changes WHERE account_id = $1 AND modseq > $2 ORDER BY id`,
    [accountId, before],
  );
  t.deepEqual(journal.rows.map((r) => [r.kind, r.modseq]), [['folder-delete', before + 1], ['folder-delete', before + 1]]);
});

test('deleting a folder tombstones its items and subfolders and frees its name', async (t) => {
  const { store, accountId } = await setup(t);
  const f = await store.createFolder(accountId, null, 'Old', 12, null);
  const child = await store.createFolder(accountId, f.id, 'Child', 12, null);
  const item = await putItem(store, accountId, child.id);
  await store.deleteFolder(accountId, f.id, null);
  const row = await store.pool.query<{ deleted_modseq: number | null }>('SELECT deleted_modseq FROM items WHERE id = $1', [item]);
  t.is(row.rows[0]?.deleted_modseq, await store.headModseq(accountId));
  const tomb = await store.pool.query<{ deleted_at: string | null }>('SELECT deleted_at FROM folders WHERE id = $1', [child.id]);
  t.regex(tomb.rows[0]?.deleted_at ?? '', /Z$/);
  t.truthy(await store.createFolder(accountId, null, 'Old', 12, null));
});

test('emptyFolder with subfolders removes them too; its item deletes wake the waiters after the commit', async (t) => {
  const { store, accountId } = await setup(t);
  const deleted = (await store.folderByType(accountId, 4))!.id;
  const sub = await store.createFolder(accountId, deleted, 'Sub', 12, null);
  const subsub = await store.createFolder(accountId, sub.id, 'SubSub', 12, null);
  await putItem(store, accountId, deleted);
  await putItem(store, accountId, subsub.id);
  const woken: [number, ChangeKind][] = [];
  const unsubscribe = store.feed.subscribe(accountId, [deleted, subsub.id], (folderId, kind) => woken.push([folderId, kind]));
  t.teardown(unsubscribe);
  t.is(await store.emptyFolder(accountId, deleted, null, false), 1);
  t.deepEqual(woken, [[deleted, 'delete']]);
  t.truthy(await store.getFolder(accountId, subsub.id));
  t.is(await store.emptyFolder(accountId, deleted, null, true), 1);
  t.is(await store.getFolder(accountId, sub.id), null);
  t.is(await store.getFolder(accountId, subsub.id), null);
  t.truthy(await store.getFolder(accountId, deleted));
  t.is(await code(store.emptyFolder(accountId, 9999, null)), 'no-such-folder');
});

test('a failing write leaves nothing: no folder, no journal row, no modseq taken', async (t) => {
  const { store, accountId } = await setup(t);
  const head = await store.headModseq(accountId);
  t.is(await code(store.createFolder(accountId, 9999, 'X', 12, null)), 'bad-parent');
  t.is(await store.headModseq(accountId), head);
  const n = await store.pool.query<{ n: number }>('SELECT count(*) AS n FROM changes WHERE account_id = $1', [accountId]);
  t.is(n.rows[0]?.n, 10);
});
