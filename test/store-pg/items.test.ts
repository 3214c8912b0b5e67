// Item writes on PostgreSQL (store/postgres/items.ts): flags and read state, deletes, moves,
// drafts replaced in place, folders emptied: the expectations of test/store/changes.test.ts and
// own-changes.test.ts for these calls, and the ones only concurrent writers can show (two
// nodes changing one item, a no-op that must not take a modseq while it holds the lock).
import { withTransaction } from '../../store/postgres/connect.js';
import { tombstoneFolderItems } from '../../store/postgres/items.js';
import type { ChangeKind } from '../../store/types.js';
import { StoreError } from '../../store/types.js';
import { pgTest as test } from '../helpers/postgres.js';
import { mail } from '../helpers/items.js';
import { parsed, rawOf } from '../store/helpers.js';
import { itemsFixture, type ItemsFixture, type TestAccount } from './items-fixture.js';

async function deliver(f: ItemsFixture, a: TestAccount, n = 1): Promise<number[]> {
  return (await f.store.deliver(Array.from({ length: n }, () => ({ accountId: a.id, raw: rawOf() })), parsed())).map((d) => d.itemId);
}

test('updateItem changes read, flag and categories with the next modseq; a no-op takes none', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const [x] = await deliver(f, a);
  const kinds: ChangeKind[] = [];
  f.feed.subscribe(a.id, [a.inbox], (_folder, kind) => kinds.push(kind));
  const head = await f.head(a.id);
  const updated = (await f.store.updateItem(a.id, x!, { read: true, flag: { status: 2, flagType: 'Follow up' }, categories: ['Blue'] }, 7))!;
  t.true(updated.read);
  t.deepEqual(updated.flag, { status: 2, flagType: 'Follow up' });
  t.deepEqual(updated.categories, ['Blue']);
  t.is(updated.modseq, head + 1);
  t.is(await f.head(a.id), head + 1);
  t.deepEqual(kinds, ['change']);

  const same = (await f.store.updateItem(a.id, x!, { read: true, categories: ['Blue'] }, 7))!;
  t.deepEqual(same, updated);
  t.is(await f.head(a.id), head + 1, 'a no-op change takes no modseq');
  t.deepEqual(kinds, ['change']);
  const cleared = (await f.store.updateItem(a.id, x!, { flag: null }, null))!;
  t.is(cleared.flag, null);
  t.is(await f.store.updateItem(a.id, 999_999, { read: true }, null), null);
  const journal = await f.journal(a.id);
  t.deepEqual(journal.slice(-2).map((j) => [j.kind, j.item_id]), [['change', x], ['change', x]]);
});

test('deleteItem leaves a tombstone and journals a delete; a second delete finds nothing', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const [x] = await deliver(f, a);
  t.true(await f.store.deleteItem(a.id, x!, null));
  t.is(await f.store.getItem(a.id, x!), null);
  t.is(await f.store.getBody(a.id, x!), null);
  const row = (await f.pool.query('SELECT deleted_modseq, modseq, deleted_at FROM items WHERE id = $1', [x])).rows[0];
  t.is(row.deleted_modseq, await f.head(a.id));
  t.is(row.modseq, row.deleted_modseq);
  t.regex(row.deleted_at, /^\d{4}-\d\d-\d\dT/);
  t.false(await f.store.deleteItem(a.id, x!, null));
  t.deepEqual((await f.journal(a.id)).map((j) => j.kind), ['add', 'delete']);
  const err = await t.throwsAsync(() => f.store.deleteItem(999_999, x!, null), { instanceOf: StoreError });
  t.is(err?.code, 'no-such-account', 'as SQLite: the modseq of an unknown account');
});

test('moves: a tombstone in the source, a new item in the destination with the same message and state', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const archive = await f.folder(a.id, 'Archive');
  const [x] = await deliver(f, a);
  await f.store.updateItem(a.id, x!, { read: true, categories: ['Blue'], flag: { status: 2 } }, null);
  const before = (await f.store.getItem(a.id, x!))!;
  const feed: string[] = [];
  f.feed.subscribe(a.id, [a.inbox, archive], (folder, kind) => feed.push(`${folder === a.inbox ? 'inbox' : 'archive'}:${kind}`));

  const moved = (await f.store.moveItem(a.id, x!, archive, 5))!;
  t.not(moved.id, x);
  t.is(moved.folderId, archive);
  t.is(mail(moved).messageId, mail(before).messageId);
  t.true(moved.read);
  t.deepEqual(moved.categories, ['Blue']);
  t.deepEqual(moved.flag, { status: 2 });
  t.is(moved.receivedAt, before.receivedAt, 'a move keeps the date it arrived');
  t.is(await f.store.getItem(a.id, x!), null);
  t.true((await f.store.getBody(a.id, moved.id))!.raw.equals(rawOf()));
  t.deepEqual(feed.sort(), ['archive:move-in', 'inbox:move-out']);
  const rows = await f.pool.query('SELECT id, created_origin FROM items WHERE id = $1', [moved.id]);
  t.is(rows.rows[0].created_origin, 5, 'the mover knows the new id');
  t.is(await f.store.moveItem(a.id, x!, archive, 5), null, 'a moved-away item is gone');
  // Into its own folder: nothing happens, no modseq.
  const head = await f.head(a.id);
  t.is((await f.store.moveItem(a.id, moved.id, archive, 5))!.id, moved.id);
  t.is(await f.head(a.id), head);
  // A Sync delete-as-move tells the mover nothing: the new item is nobody's.
  const trashed = (await f.store.moveItem(a.id, moved.id, a.deleted, 5, { moverKnows: false }))!;
  t.is((await f.pool.query('SELECT created_origin FROM items WHERE id = $1', [trashed.id])).rows[0].created_origin, null);
  const err = await t.throwsAsync(() => f.store.moveItem(a.id, trashed.id, 999_999, null), { instanceOf: StoreError });
  t.is(err?.code, 'no-such-folder');
});

test('replaceMessage changes a draft in place and drops the old message when nothing references it', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const draft = await f.store.addItem(a.id, a.drafts, rawOf('First'), parsed({ subject: 'First', text: 'first words' }), 3, true);
  t.true(draft.read);
  t.is((await f.pool.query('SELECT created_origin FROM items WHERE id = $1', [draft.id])).rows[0].created_origin, 3);
  const edited = (await f.store.replaceMessage(a.id, draft.id, rawOf('Second'), parsed({ subject: 'Second', text: 'second words' }), 3))!;
  t.is(edited.id, draft.id);
  t.is(edited.summary.subject, 'Second');
  t.true(edited.read);
  t.not(edited.messageId, draft.messageId);
  t.true((await f.store.getBody(a.id, draft.id))!.raw.equals(rawOf('Second')));
  t.is((await f.pool.query('SELECT 1 FROM messages WHERE id = $1', [draft.messageId])).rowCount, 0, 'the old message is gone');
  t.is((await f.pool.query('SELECT 1 FROM messages_fts WHERE message_id = $1', [draft.messageId])).rowCount, 0, 'and its index entry');
  t.is(await f.store.replaceMessage(a.id, 999_999, rawOf(), parsed(), 3), null);
  const err = await t.throwsAsync(() => f.store.addItem(a.id, 999_999, rawOf(), parsed(), null), { instanceOf: StoreError });
  t.is(err?.code, 'no-such-folder');

  // A moved message keeps its old placement's tombstone referencing it: not dropped then.
  const moved = (await f.store.moveItem(a.id, draft.id, a.inbox, null))!;
  await f.store.replaceMessage(a.id, moved.id, rawOf('Third'), parsed({ subject: 'Third' }), null);
  t.is((await f.pool.query('SELECT 1 FROM messages WHERE id = $1', [edited.messageId])).rowCount, 1);
});

test('tombstoneFolderItems deletes every live item of a folder in the caller\'s write, one event for all', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const ids = await deliver(f, a, 4);
  const [kept] = await f.store.deliver([{ accountId: a.id, raw: rawOf(), folderId: a.drafts }], parsed());
  const kinds: ChangeKind[] = [];
  f.feed.subscribe(a.id, [a.inbox], (_folder, kind) => kinds.push(kind));
  const n = await f.ctx.write((tx) => tombstoneFolderItems(tx, a.id, a.inbox, null));
  t.is(n, 4);
  t.deepEqual(kinds, ['delete']);
  t.is(await f.store.countItems(a.id, a.inbox), 0);
  t.is(await f.store.countItems(a.id, a.drafts), 1);
  t.truthy(await f.store.getItem(a.id, kept!.itemId));
  const deletes = (await f.journal(a.id)).filter((j) => j.kind === 'delete');
  t.deepEqual(deletes.map((j) => j.item_id).sort(), [...ids].sort());
  t.is(new Set(deletes.map((j) => j.modseq)).size, 1);
  t.is(await f.ctx.write((tx) => tombstoneFolderItems(tx, a.id, a.inbox, null)), 0);
});

test('concurrent changes of one account from two nodes each take their own modseq, in commit order', async (t) => {
  const f = await itemsFixture(t);
  const other = f.node('node-b');
  const a = await f.account('alice@example.com');
  const ids = await deliver(f, a, 10);
  const head = await f.head(a.id);
  // Each item read then written by one node or the other, all at once.
  await Promise.all(ids.map((id, i) => (i % 2 ? other.store : f.store).updateItem(a.id, id, { read: true, categories: [`c${i}`] }, null)));
  t.is(await f.head(a.id), head + 10);
  const modseqs = (await f.journal(a.id)).filter((j) => j.kind === 'change').map((j) => j.modseq);
  t.deepEqual(modseqs, Array.from({ length: 10 }, (_, i) => head + 1 + i));
  // The same item flipped from both nodes at once: every write saw the one before it.
  const [x] = ids;
  await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? other.store : f.store).updateItem(a.id, x!, { categories: [`k${i}`] }, null)));
  const changes = (await f.journal(a.id)).filter((j) => j.item_id === x && j.kind === 'change');
  t.is(changes.length, 9);
  t.is((await f.store.getItem(a.id, x!))!.modseq, changes.at(-1)!.modseq);
});

test('a write waits for the account lock before it reads: a no-op decided on stale data cannot happen', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const [x] = await deliver(f, a);
  // Another transaction holds the account's lock and marks the item read, then commits late.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const other = f.node('node-b');
  const holder = withTransaction(other.pool, async (c) => {
    await c.query('UPDATE accounts SET modseq = modseq + 1 WHERE id = $1', [a.id]);
    await c.query('UPDATE items SET read = 1 WHERE id = $1', [x]);
    locked();
    await held;
  });
  await isLocked;
  // Unread is a change now, not a no-op; it must see the read = 1 that commits first.
  const pending = f.store.updateItem(a.id, x!, { read: false }, null);
  await new Promise((r) => setTimeout(r, 100));
  release();
  await holder;
  const after = (await pending)!;
  t.false(after.read);
  t.is(after.modseq, await f.head(a.id), 'it wrote, with the modseq after the holder\'s');
});
