// Folders on PostgreSQL (store/postgres/folders.ts): the expectations of test/store/folders.test.ts,
// the journal and the feed (folder kinds reach the journal only; an emptied folder wakes its
// waiters once the write has committed), and two nodes creating one name at once.
import type { ExecutionContext } from 'ava';
import { createChangeFeed } from '../../store/change-feed.js';
import { createPgAccounts } from '../../store/postgres/accounts.js';
import type { PgStoreContext } from '../../store/postgres/context.js';
import { createPgFolders, createSystemFolders } from '../../store/postgres/folders.js';
import { tombstoneFolderItems } from '../../store/postgres/items.js';
import { createPgWriter } from '../../store/postgres/writer.js';
import { StoreError, type ChangeKind } from '../../store/types.js';
import { pgDatabase, pgTest as test, type PgTestDatabase } from '../helpers/postgres.js';

function node(t: ExecutionContext, db: PgTestDatabase, name = 'a') {
  const pool = db.pool(4);
  const feed = createChangeFeed((err) => t.fail(String(err)));
  const ctx: PgStoreContext = { pool, write: createPgWriter(pool, feed, name), feed, node: name };
  return { pool, feed, ...createPgAccounts(ctx, createSystemFolders), ...createPgFolders(ctx, tombstoneFolderItems) };
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

test('user folders nest, and sibling names are unique case-insensitively', async (t) => {
  const { store, accountId } = await setup(t);
  const projects = await store.createFolder(accountId, null, 'Projects', 12, null);
  const sub = await store.createFolder(accountId, projects.id, ' Eas ', 12, 7);
  t.is(sub.parentId, projects.id);
  t.is(sub.name, 'Eas', 'trimmed');
  t.false(sub.system);
  t.deepEqual(await store.getFolder(accountId, sub.id), sub);
  t.is(await code(store.createFolder(accountId, projects.id, 'EAS', 12, null)), 'folder-exists');
  t.is(await code(store.createFolder(accountId, null, 'inbox', 12, null)), 'folder-exists');
  t.is(await code(store.createFolder(accountId, null, 'ÉTÉ', 12, null)), 'no error');
  t.is(await code(store.createFolder(accountId, null, 'été', 12, null)), 'folder-exists', 'non-ASCII letters fold too');
  t.truthy(await store.createFolder(accountId, null, 'Eas', 12, null)); // other parent: fine
  t.is(await code(store.createFolder(accountId, 9999, 'X', 12, null)), 'bad-parent');
  t.is(await code(store.createFolder(accountId, null, '  ', 12, null)), 'invalid-folder');
  t.is(await code(store.createFolder(accountId, null, 'a\u0001b', 12, null)), 'invalid-folder');
  t.is(await code(store.createFolder(accountId, null, 'Second inbox', 2, null)), 'invalid-folder');
  // No such account: the same errors as SQLite, whose checks run before the modseq is taken.
  t.is(await code(store.createFolder(424242, null, 'X', 12, null)), 'no-such-account');
  t.is(await code(store.createFolder(424242, projects.id, 'X', 12, null)), 'bad-parent');
  t.is(await code(store.deleteFolder(424242, projects.id, null)), 'no-such-folder');
  t.is(await code(store.emptyFolder(424242, projects.id, null)), 'no-such-folder');
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

test('system folders cannot be renamed or deleted', async (t) => {
  const { store, accountId } = await setup(t);
  const inbox = (await store.folderByType(accountId, 2))!;
  t.is(await code(store.updateFolder(accountId, inbox.id, null, 'Mail', null)), 'system-folder');
  t.is(await code(store.deleteFolder(accountId, inbox.id, null)), 'system-folder');
  t.is(await code(store.deleteFolder(accountId, 9999, null)), 'no-such-folder');
});

test('updateFolder renames and moves, but never under itself', async (t) => {
  const { store, accountId } = await setup(t);
  const a = await store.createFolder(accountId, null, 'A', 12, null);
  const b = await store.createFolder(accountId, a.id, 'B', 12, null);
  const c = await store.createFolder(accountId, b.id, 'C', 12, null);
  const renamed = await store.updateFolder(accountId, a.id, null, 'Alpha', null);
  t.is(renamed.name, 'Alpha');
  t.true(renamed.modseq > a.modseq);
  t.is(await code(store.updateFolder(accountId, a.id, c.id, 'Alpha', null)), 'bad-parent');
  t.is(await code(store.updateFolder(accountId, a.id, a.id, 'Alpha', null)), 'bad-parent');
  t.is(await code(store.updateFolder(accountId, a.id, 9999, 'Alpha', null)), 'bad-parent');
  t.is(await code(store.updateFolder(accountId, b.id, null, 'alpha', null)), 'folder-exists');
  t.is((await store.updateFolder(accountId, a.id, null, 'ALPHA', null)).name, 'ALPHA', 'its own name in another case');
  const moved = await store.updateFolder(accountId, b.id, null, 'B', null);
  t.is(moved.parentId, null);
});

test('folderChanges is a cursor over adds, changes and deletes', async (t) => {
  const { store, accountId } = await setup(t);
  const initial = await store.folderChanges(accountId, 0);
  t.is(initial.added.length, 10);
  t.deepEqual(initial.changed, []);
  t.deepEqual(initial.deleted, []);
  t.is(initial.head, await store.headModseq(accountId));

  const x = await store.createFolder(accountId, null, 'X', 12, null);
  const y = await store.createFolder(accountId, null, 'Y', 12, null);
  const k1 = await store.folderChanges(accountId, initial.head);
  t.deepEqual(k1.added.map((f) => f.name), ['X', 'Y']);

  // Moved under a folder created later: the parent must still come first.
  const z = await store.createFolder(accountId, null, 'Z', 12, null);
  await store.updateFolder(accountId, x.id, z.id, 'X', null);
  t.deepEqual((await store.folderChanges(accountId, k1.head)).added.map((f) => f.name), ['Z']);
  t.deepEqual((await store.folderChanges(accountId, k1.head)).changed.map((f) => f.name), ['X']);
  const names = (await store.folderChanges(accountId, initial.head)).added.map((f) => f.name);
  t.deepEqual([...names].sort(), ['X', 'Y', 'Z']);
  t.true(names.indexOf('Z') < names.indexOf('X'));

  const k2 = (await store.folderChanges(accountId, k1.head)).head;
  await store.deleteFolder(accountId, z.id, null); // takes X with it
  const k3 = await store.folderChanges(accountId, k2);
  t.deepEqual(k3.deleted.sort(), [x.id, z.id].sort());
  t.deepEqual(k3.added, []);
  t.is(await store.getFolder(accountId, x.id), null);
  const fromK1 = await store.folderChanges(accountId, k1.head);
  t.deepEqual(fromK1.deleted, [x.id]);
  t.deepEqual(fromK1.added, []);
  t.deepEqual(await store.folderChanges(accountId, k3.head), { added: [], changed: [], deleted: [], head: k3.head });
  t.deepEqual((await store.listFolders(accountId)).filter((f) => !f.system).map((f) => f.id), [y.id]);
  // Folder kinds are journaled with the folder's modseq, one row per folder.
  const journal = await store.pool.query<{ folder_id: number; kind: string }>(
    `SELECT folder_id, kind FROM changes WHERE account_id = $1 AND modseq > $2 ORDER BY id`,
    [accountId, k2],
  );
  t.deepEqual(journal.rows.map((r) => r.kind), ['folder-delete', 'folder-delete']);
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

test("another account's folders behave as not found", async (t) => {
  const { store, accountId } = await setup(t);
  const bob = (await store.createAccount('bob@example.com', 'pw')).id;
  const mine = await store.createFolder(accountId, null, 'Mine', 12, null);
  t.is(await store.getFolder(bob, mine.id), null);
  t.is(await code(store.updateFolder(bob, mine.id, null, 'Stolen', null)), 'no-such-folder');
  t.is(await code(store.deleteFolder(bob, mine.id, null)), 'no-such-folder');
  t.is(await code(store.createFolder(bob, mine.id, 'Child', 12, null)), 'bad-parent');
  t.is(await code(store.emptyFolder(bob, mine.id, null)), 'no-such-folder');
  t.is((await store.getFolder(accountId, mine.id))?.name, 'Mine');
  t.false((await store.folderChanges(bob, 0)).added.some((f) => f.id === mine.id));
});
