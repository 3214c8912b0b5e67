// Keeping the journal bounded (docs/sync.md §7: a tombstone stays "until every device has synced past
// it"). Per folder of each account, a horizon below which nothing can be needed any more:
//  - a folder some device syncs: the lowest cursor modseq among the sync states of that folder
//    (N and N-1 alike: a retry of N-1 is answered from its cursor). Tombstones and journal
//    rows below it are dropped; a device that has not synced since a delete keeps it pending.
//  - a folder no device syncs: a device can only start it at SyncKey 0, which needs no
//    tombstone, so they go once `retentionDays` (default 30) have passed since the delete;
//    the margin covers a state being reset and a device's first sync racing this.
// States of deleted folders (the device gets Status 12 and never uses them again) and of
// devices not seen for `staleDeviceDays` (default 180; such a device gets Status 3 and resyncs
// when it comes back) are dropped first, so a lost phone does not pin its folders forever.
// Messages that no item row references any more go with the last tombstone that did.
// Deleted folders (FolderSync Deletes, read through the hierarchy cursor: collection 0) follow
// the same rules account-wide: a folder row goes once the lowest hierarchy cursor of the
// account's devices (N and N-1) is at or past its delete; a device without a hierarchy state
// can only FolderSync from key 0, which reports no Deletes, so when no device has one they go
// after the retention. Hierarchy states are never dropped as stale (a FolderSync reset makes a
// phone rebuild every mailbox), so a lost phone keeps one small row per deleted folder until
// `device remove`. Before the row go its item tombstones (no device reaches them any more: a
// Sync of the folder is Status 12), their messages and its journal rows; a parent goes after
// its subfolders. So nothing points at a purged folder, and the ON DELETE CASCADEs of items
// and subfolders never take a row uncounted (or a message unfreed).
// One IMMEDIATE transaction per account keeps each write lock short; `batch` bounds the
// rows deleted per folder and run, so a first run over a large mailbox stays short too.
import type Database from 'better-sqlite3';
import { createClientIdPurge } from './client-ids.js';
import { HEAD_ITEM } from './item-changes.js';
import { createMessageDropper } from './messages.js';
import type { MaintenanceOptions, MaintenanceResult } from './types.js';

const DAY_MS = 86_400_000;
const DEFAULT_RETENTION_DAYS = 30;
const DEFAULT_STALE_DEVICE_DAYS = 180;
/** A phone retries from its Outbox within minutes or, after days offline, when it is back. */
const DEFAULT_CLIENT_ID_DAYS = 7;
const DEFAULT_BATCH = 10_000;

export function createMaintenance(db: Database.Database) {
  const dropMessageIfUnused = createMessageDropper(db);
  const purgeClientIds = createClientIdPurge(db);
  const accounts = db.prepare<[], { id: number; modseq: number }>('SELECT id, modseq FROM accounts ORDER BY id');
  const folders = db.prepare<[number], { id: number; modseq: number; deleted: number | null; deletedAt: string | null }>(
    'SELECT id, modseq, deleted_modseq AS deleted, deleted_at AS deletedAt FROM folders WHERE account_id = ?',
  );
  // The lowest hierarchy cursor of the account (null: no device has FolderSynced).
  const hierarchyHorizon = db.prepare<[number], { m: number | null }>(
    `SELECT min(s.cursor_modseq) AS m FROM sync_states s JOIN devices d ON d.id = s.device_id
      WHERE d.account_id = ? AND s.collection_id = 0`,
  );
  // collection_id 0 is FolderSync: its cursor is over folders, not items.
  const dropDeadStates = db.prepare<{ account: number; stale: string }>(
    `DELETE FROM sync_states WHERE collection_id <> 0 AND device_id IN (SELECT id FROM devices WHERE account_id = @account)
       AND (device_id IN (SELECT id FROM devices WHERE account_id = @account AND last_seen_at < @stale)
            OR collection_id IN (SELECT id FROM folders WHERE account_id = @account AND deleted_modseq IS NOT NULL))`,
  );
  // Every state's cursor, lowest first per folder: the first of each folder is its horizon.
  const cursors = db.prepare<[number], { folder: number; m: number; i: number }>(
    `SELECT s.collection_id AS folder, s.cursor_modseq AS m, s.cursor_item AS i
       FROM sync_states s JOIN devices d ON d.id = s.device_id
      WHERE d.account_id = ? AND s.collection_id <> 0 ORDER BY s.collection_id, s.cursor_modseq, s.cursor_item`,
  );
  // A tombstone sits at (deleted_modseq, id) in the cursor order: passed when at or below it.
  const purgePassed = db.prepare<[number, number, number, number], { message_id: number }>(
    `DELETE FROM items WHERE id IN (
       SELECT id FROM items WHERE folder_id = ? AND deleted_modseq IS NOT NULL AND (deleted_modseq, id) <= (?, ?) LIMIT ?)
     RETURNING message_id`,
  );
  const purgeOlder = db.prepare<[number, string, number], { message_id: number }>(
    `DELETE FROM items WHERE id IN (
       SELECT id FROM items WHERE folder_id = ? AND deleted_modseq IS NOT NULL AND deleted_at < ? LIMIT ?)
     RETURNING message_id`,
  );
  const purgeAll = db.prepare<[number, number], { message_id: number }>(
    `DELETE FROM items WHERE id IN (
       SELECT id FROM items WHERE folder_id = ? AND deleted_modseq IS NOT NULL LIMIT ?)
     RETURNING message_id`,
  );
  // Only when nothing refers to it any more (a batch may have left rows for the next run).
  const purgeFolder = db.prepare<{ folder: number }>(
    `DELETE FROM folders WHERE id = @folder AND deleted_modseq IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM items WHERE folder_id = @folder)
       AND NOT EXISTS (SELECT 1 FROM changes WHERE folder_id = @folder)
       AND NOT EXISTS (SELECT 1 FROM folders WHERE parent_id = @folder)`,
  );
  const oldestTombstone = db.prepare<[number], { m: number | null }>(
    'SELECT min(deleted_modseq) AS m FROM items WHERE folder_id = ? AND deleted_modseq IS NOT NULL',
  );
  const purgeJournal = db.prepare<[number, number, number]>(
    `DELETE FROM changes WHERE rowid IN (
       SELECT rowid FROM changes WHERE folder_id = ? AND modseq < ? LIMIT ?)`,
  );

  function maintainAccount(account: { id: number; modseq: number }, retentionCutoff: string, staleCutoff: string, batch: number): MaintenanceResult {
    const result: MaintenanceResult = { tombstones: 0, messages: 0, journal: 0, folders: 0 };
    dropDeadStates.run({ account: account.id, stale: staleCutoff });
    const lowest = new Map<number, { m: number; i: number }>();
    for (const c of cursors.all(account.id)) if (!lowest.has(c.folder)) lowest.set(c.folder, c);
    const hierarchy = hierarchyHorizon.get(account.id)?.m ?? null;
    // A deleted folder every device's FolderSync has passed (folderChanges reports modseq > cursor).
    const passed = (f: { modseq: number; deleted: number | null; deletedAt: string | null }) =>
      f.deleted !== null &&
      (hierarchy !== null ? f.modseq <= hierarchy : f.deletedAt !== null && f.deletedAt < retentionCutoff);
    const freed = new Set<number>();
    const gone: number[] = [];
    for (const folder of folders.all(account.id)) {
      const low = lowest.get(folder.id);
      const folderGone = passed(folder);
      if (folderGone) gone.push(folder.id);
      const purged = folderGone
        ? purgeAll.all(folder.id, batch)
        : low
          ? purgePassed.all(folder.id, low.m, low.i, batch)
          : purgeOlder.all(folder.id, retentionCutoff, batch);
      result.tombstones += purged.length;
      for (const p of purged) freed.add(p.message_id);
      // Nothing reads journal rows below what every device has passed (whole modseqs only),
      // nor below the oldest tombstone kept in a folder no device syncs, nor any of a gone folder.
      const journalHorizon = folderGone
        ? Number.MAX_SAFE_INTEGER
        : low
          ? low.i === HEAD_ITEM ? low.m + 1 : low.m
          : (oldestTombstone.get(folder.id)?.m ?? account.modseq + 1);
      result.journal += purgeJournal.run(folder.id, journalHorizon, batch).changes;
    }
    // Subfolders first: repeat while a pass frees a parent (deleted subtrees are shallow).
    for (let pending = gone, progress = true; progress; ) {
      progress = false;
      const left: number[] = [];
      for (const id of pending) {
        if (purgeFolder.run({ folder: id }).changes > 0) {
          result.folders++;
          progress = true;
        } else left.push(id);
      }
      pending = left;
    }
    for (const messageId of freed) if (dropMessageIfUnused(messageId)) result.messages++;
    return result;
  }

  return (options: MaintenanceOptions = {}): MaintenanceResult => {
    const now = (options.now ?? new Date()).getTime();
    const retentionCutoff = new Date(now - (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS).toISOString();
    const staleCutoff = new Date(now - (options.staleDeviceDays ?? DEFAULT_STALE_DEVICE_DAYS) * DAY_MS).toISOString();
    const batch = Math.max(1, Math.floor(options.batch ?? DEFAULT_BATCH));
    const clientIdCutoff = new Date(now - (options.clientIdDays ?? DEFAULT_CLIENT_ID_DAYS) * DAY_MS).toISOString();
    const total: MaintenanceResult = { tombstones: 0, messages: 0, journal: 0, folders: 0, clientIds: 0 };
    for (const account of accounts.all()) {
      total.clientIds! += purgeClientIds(account.id, clientIdCutoff);
      const r = db.transaction(() => maintainAccount(account, retentionCutoff, staleCutoff, batch)).immediate();
      total.tombstones += r.tombstones;
      total.messages += r.messages;
      total.journal += r.journal;
      total.folders += r.folders;
    }
    return total;
  };
}
