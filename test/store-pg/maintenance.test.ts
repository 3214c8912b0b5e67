// store/postgres/maintenance.ts: the rules of store/maintenance.ts (test/store/maintenance.test.ts)
// on PostgreSQL, over rows written with plain SQL: tombstones go once every state of the folder
// (N and N-1) has passed them, or after the retention where no device syncs; a stale device's
// states stop pinning; deleted folders go by the hierarchy cursors, subfolders first; a message
// goes with the last item that referenced it; the account's head does not move.
import type { SyncState } from '../../store/types.js';
import { HEAD_ITEM } from '../../store/item-changes.js';
import { createPgMaintenance } from '../../store/postgres/maintenance.js';
import { createPgSyncStates } from '../../store/postgres/sync-state.js';
import { pgTest as test } from '../helpers/postgres.js';
import { fixture, type Fixture } from './sync-fixtures.js';

const DAY = 86_400_000;

async function setup(t: Parameters<typeof fixture>[0]) {
  const f = await fixture(t);
  const { maintenance } = createPgMaintenance(f.ctx);
  const states = createPgSyncStates(f.ctx);
  const a = await f.account('alice@example.com');
  const inbox = await f.folder(a, 'Inbox', 2);
  const d1 = await f.device(a, 'PHONE1');
  const d2 = await f.device(a, 'PHONE2');
  /** The device is at the account's head in the folder: its next key, as Sync saves it. */
  const syncToHead = async (device: number, folder: number) => {
    const latest = await states.latestSyncState(device, folder);
    const s: SyncState = {
      deviceRowId: device, collectionId: folder, syncKey: (latest?.syncKey ?? 0) + 1,
      cursor: { modseq: await f.head(a), itemId: HEAD_ITEM }, filterType: 0, replay: null,
    };
    await states.saveSyncState(s);
  };
  /** FolderSync's state (collection 0): cursor = head. */
  const folderSync = async (device: number) => {
    const latest = await states.latestSyncState(device, 0);
    await states.saveSyncState({ deviceRowId: device, collectionId: 0, syncKey: (latest?.syncKey ?? 0) + 1, cursor: { modseq: await f.head(a), itemId: 0 }, filterType: 0, replay: null });
  };
  return { f, maintenance, a, inbox, d1, d2, syncToHead, folderSync };
}

/** A mail item (a message row of its own, or the given one's: a moved copy); returns both ids. */
async function mail(f: Fixture, accountId: number, folderId: number, messageId?: number): Promise<{ item: number; message: number }> {
  return f.ctx.write(async (tx) => {
    const m = await tx.modseq(accountId);
    const message =
      messageId ??
      (
        await tx.client.query<{ id: number }>(
          `INSERT INTO messages (account_id, raw, size, subject, from_json, to_json, cc_json, reply_to_json, date, references_json,
             importance, has_attachments, attachment_count, preview, malformed)
           VALUES ($1, '\\x00', 1, 's', '[]', '[]', '[]', '[]', '2026-01-01T00:00:00.000Z', '[]', 1, 0, 0, '', 0) RETURNING id`,
          [accountId],
        )
      ).rows[0]!.id;
    if (messageId === undefined) await tx.client.query(`INSERT INTO messages_fts (message_id, document) VALUES ($1, 'word'::tsvector)`, [message]);
    const item = (
      await tx.client.query<{ id: number }>(
        `INSERT INTO items (account_id, folder_id, message_id, received_at, created_modseq, modseq) VALUES ($1, $2, $3, '2026-01-01T00:00:00.000Z', $4, $4) RETURNING id`,
        [accountId, folderId, message, m],
      )
    ).rows[0]!.id;
    await tx.journal(accountId, folderId, item, 'add', null);
    return { item, message };
  });
}

test('a device that has not synced keeps its deletes; once every device passed them (N and N-1) they go', async (t) => {
  const { f, maintenance, a, inbox, d1, d2, syncToHead } = await setup(t);
  const doomed = await mail(f, a, inbox);
  await mail(f, a, inbox);
  await syncToHead(d1, inbox);
  await syncToHead(d2, inbox);
  await f.remove(a, doomed.item);
  await syncToHead(d1, inbox);
  await syncToHead(d1, inbox);
  const head = await f.head(a);
  t.like(await maintenance(), { tombstones: 0, messages: 0 });
  await syncToHead(d2, inbox);
  t.like(await maintenance(), { tombstones: 0 }, "d2's previous key may still be retried");
  await syncToHead(d2, inbox);
  const journalBefore = await f.count('changes');
  t.like(await maintenance(), { tombstones: 1, messages: 1, folders: 0 });
  t.true((await f.count('changes')) < journalBefore);
  t.is(await f.count('items'), 1);
  t.is(await f.count('messages'), 1);
  t.is(await f.head(a), head, 'maintenance takes no modseq');
  t.like(await maintenance(), { tombstones: 0, messages: 0, journal: 0 });
});

test('a folder nobody syncs keeps its tombstones for the retention period; a moved message stays', async (t) => {
  const { f, maintenance, a, inbox } = await setup(t);
  const archive = await f.folder(a, 'Archive');
  const old = await mail(f, a, archive);
  const moved = await mail(f, a, archive);
  await mail(f, a, inbox, moved.message);
  await f.remove(a, old.item);
  await f.remove(a, moved.item);
  t.like(await maintenance(), { tombstones: 0 });
  t.like(await maintenance({ now: new Date(Date.now() + 29 * DAY) }), { tombstones: 0 });
  t.like(await maintenance({ now: new Date(Date.now() + 31 * DAY) }), { tombstones: 2, messages: 1 });
  t.is(await f.count('messages'), 1);
  t.is(await f.count(`changes WHERE folder_id = ${archive}`), 0, 'no tombstone left: its whole journal goes');
});

test('a device not seen for long stops pinning tombstones', async (t) => {
  const { f, maintenance, a, inbox, d1, syncToHead } = await setup(t);
  const stale = await f.device(a, 'LOST', new Date(Date.now() - DAY).toISOString());
  const x = await mail(f, a, inbox);
  await syncToHead(stale, inbox);
  await f.remove(a, x.item);
  for (let i = 0; i < 2; i++) await syncToHead(d1, inbox);
  t.like(await maintenance({ now: new Date(Date.now() + 100 * DAY) }), { tombstones: 0 });
  t.like(await maintenance({ now: new Date(Date.now() + 200 * DAY) }), { tombstones: 1 });
  t.is(await f.count(`sync_states WHERE device_id = ${stale}`), 0);
});

test('a deleted folder goes once every device FolderSynced past it, with its items and subfolders', async (t) => {
  const { f, maintenance, a, d1, d2, folderSync } = await setup(t);
  const archive = await f.folder(a, 'Archive');
  const year = (await f.pool.query<{ id: number }>(
    'INSERT INTO folders (account_id, parent_id, name, type, created_modseq, modseq) VALUES ($1, $2, $3, 12, 0, 0) RETURNING id',
    [a, archive, '2024'],
  )).rows[0]!.id;
  await mail(f, a, year);
  await mail(f, a, archive);
  await folderSync(d1);
  await folderSync(d2);
  const folderRows = await f.count('folders');
  // deleteFolder as store/folders.ts does it: tombstone the items, then the folders, one modseq.
  await f.ctx.write(async (tx) => {
    const m = await tx.modseq(a);
    await tx.client.query('UPDATE items SET deleted_modseq = $1, deleted_at = $2, modseq = $1 WHERE folder_id = ANY($3::bigint[])', [m, new Date().toISOString(), [archive, year]]);
    await tx.client.query('UPDATE folders SET deleted_modseq = $1, deleted_at = $2, modseq = $1 WHERE id = ANY($3::bigint[])', [m, new Date().toISOString(), [archive, year]]);
    await tx.journal(a, archive, null, 'folder-delete', null);
  });
  await folderSync(d1);
  t.like(await maintenance(), { folders: 0 });
  await folderSync(d2);
  t.like(await maintenance(), { folders: 0 }, 'the key before the delete (N-1) may be retried');
  await f.folder(a, 'Projects').then(() => f.ctx.write((tx) => tx.modseq(a)));
  await folderSync(d1);
  await folderSync(d2);
  t.like(await maintenance(), { folders: 2, tombstones: 2, messages: 2 });
  t.is(await f.count('folders'), folderRows - 2 + 1, 'both gone, Projects added');
  t.is(await f.count('items'), 0);
  t.is(await f.count('messages'), 0);
  t.is(await f.count('messages_fts'), 0);
  t.is(await f.count(`changes WHERE folder_id IN (${archive}, ${year})`), 0);
  t.like(await maintenance(), { folders: 0, tombstones: 0, messages: 0 });
});

test('in an account nobody FolderSyncs, deleted folders are kept for the retention period', async (t) => {
  const { f, maintenance, a } = await setup(t);
  const archive = await f.folder(a, 'Archive');
  await mail(f, a, archive);
  await f.ctx.write(async (tx) => {
    const m = await tx.modseq(a);
    await tx.client.query('UPDATE items SET deleted_modseq = $1, deleted_at = $2, modseq = $1 WHERE folder_id = $3', [m, new Date().toISOString(), archive]);
    await tx.client.query('UPDATE folders SET deleted_modseq = $1, deleted_at = $2, modseq = $1 WHERE id = $3', [m, new Date().toISOString(), archive]);
  });
  t.like(await maintenance({ now: new Date(Date.now() + 29 * DAY) }), { folders: 0, tombstones: 0 });
  t.like(await maintenance({ now: new Date(Date.now() + 31 * DAY) }), { folders: 1, tombstones: 1, messages: 1 });
});

test('batch bounds the rows deleted per folder and run', async (t) => {
  const { f, maintenance, a } = await setup(t);
  const archive = await f.folder(a, 'Archive');
  for (let i = 0; i < 5; i++) await f.remove(a, (await mail(f, a, archive)).item);
  const later = new Date(Date.now() + 31 * DAY);
  t.like(await maintenance({ now: later, batch: 2 }), { tombstones: 2, messages: 2 });
  t.like(await maintenance({ now: later, batch: 2 }), { tombstones: 2, messages: 2 });
  t.like(await maintenance({ now: later, batch: 2 }), { tombstones: 1, messages: 1 });
  t.is(await f.count('items'), 0);
});

test('a writer of the account waits for maintenance, and maintenance for it', async (t) => {
  const { f, maintenance, a } = await setup(t);
  const archive = await f.folder(a, 'Archive');
  await f.remove(a, (await mail(f, a, archive)).item);
  // A write holding the account's row lock: maintenance of that account cannot run meanwhile.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const writer = f.ctx.write(async (tx) => {
    await tx.modseq(a);
    locked();
    await held;
  });
  await isLocked;
  let done = false;
  const run = maintenance({ now: new Date(Date.now() + 31 * DAY) }).then((r) => ((done = true), r));
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.false(done);
  release();
  await writer;
  t.like(await run, { tombstones: 1 });
});
