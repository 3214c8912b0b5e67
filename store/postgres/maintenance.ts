// Keeping the journal bounded on PostgreSQL: the counterpart of store/maintenance.ts, with the
// same rules (read its header: per-folder horizons from the sync states' cursors, retention for
// folders no device syncs, stale devices' states dropped first, deleted folders by the hierarchy
// cursors, subfolders before their parent, freed messages with their last item) and the same SQL.
//
// Differences, and why:
//  - Each account is one write (ctx.write) that locks the account's row first, without taking a
//    modseq (SELECT … FOR NO KEY UPDATE, the lock tx.modseq() takes; maintenance writes no
//    journal row, so the head does not move, as in SQLite). The account's writers wait for it and
//    it for them, as SQLite's IMMEDIATE transaction does; the account's modseq is read under it.
//  - The ClientId purge of the account runs in that same transaction (SQLite ran it just before,
//    in a statement of its own).
//  - `DELETE … LIMIT` and the journal's rowid: a subquery with LIMIT on `changes.id`
//    (docs/postgres.md: id stands for rowid); `(a, b) <= (x, y)` is a row comparison in both.
import { HEAD_ITEM } from '../item-changes.js';
import type { MaintenanceOptions, MaintenanceResult, Store } from '../types.js';
import { purgeClientIds } from './client-ids.js';
import type { PgStoreContext } from './context.js';
import { dropMessageIfUnused } from './messages.js';
import type { PgWriteContext } from './writer.js';

const DAY_MS = 86_400_000;
const DEFAULT_RETENTION_DAYS = 30;
const DEFAULT_STALE_DEVICE_DAYS = 180;
/** A phone retries from its Outbox within minutes or, after days offline, when it is back. */
const DEFAULT_CLIENT_ID_DAYS = 7;
const DEFAULT_BATCH = 10_000;

interface Cutoffs {
  retention: string;
  stale: string;
  clientIds: string;
  batch: number;
}

interface FolderRow {
  id: number;
  modseq: number;
  deleted: number | null;
  deletedAt: string | null;
}

async function maintainAccount(tx: PgWriteContext, accountId: number, cut: Cutoffs): Promise<MaintenanceResult | null> {
  const q = tx.client;
  const locked = await q.query<{ modseq: number }>('SELECT modseq FROM accounts WHERE id = $1 FOR NO KEY UPDATE', [accountId]);
  const account = locked.rows[0];
  // Removed since the list was read: nothing left to maintain.
  if (!account) return null;
  const result: MaintenanceResult = { tombstones: 0, messages: 0, journal: 0, folders: 0, clientIds: 0 };
  result.clientIds = await purgeClientIds(tx, accountId, cut.clientIds);

  // collection_id 0 is FolderSync: its cursor is over folders, not items.
  await q.query(
    `DELETE FROM sync_states WHERE collection_id <> 0 AND device_id IN (SELECT id FROM devices WHERE account_id = $1)
       AND (device_id IN (SELECT id FROM devices WHERE account_id = $1 AND last_seen_at < $2)
            OR collection_id IN (SELECT id FROM folders WHERE account_id = $1 AND deleted_modseq IS NOT NULL))`,
    [accountId, cut.stale],
  );
  // Every state's cursor, lowest first per folder: the first of each folder is its horizon.
  const cursors = await q.query<{ folder: number; m: number; i: number }>(
    `SELECT s.collection_id AS folder, s.cursor_modseq AS m, s.cursor_item AS i
       FROM sync_states s JOIN devices d ON d.id = s.device_id
      WHERE d.account_id = $1 AND s.collection_id <> 0 ORDER BY s.collection_id, s.cursor_modseq, s.cursor_item`,
    [accountId],
  );
  const lowest = new Map<number, { m: number; i: number }>();
  for (const c of cursors.rows) if (!lowest.has(c.folder)) lowest.set(c.folder, c);
  // The lowest hierarchy cursor of the account (null: no device has FolderSynced).
  const hierarchy =
    (
      await q.query<{ m: number | null }>(
        `SELECT min(s.cursor_modseq) AS m FROM sync_states s JOIN devices d ON d.id = s.device_id
          WHERE d.account_id = $1 AND s.collection_id = 0`,
        [accountId],
      )
    ).rows[0]?.m ?? null;
  // A deleted folder every device's FolderSync has passed (folderChanges reports modseq > cursor).
  const passed = (f: FolderRow) =>
    f.deleted !== null && (hierarchy !== null ? f.modseq <= hierarchy : f.deletedAt !== null && f.deletedAt < cut.retention);

  const folders = await q.query<FolderRow>(
    'SELECT id, modseq, deleted_modseq AS deleted, deleted_at AS "deletedAt" FROM folders WHERE account_id = $1',
    [accountId],
  );
  const freed = new Set<number>();
  const gone: number[] = [];
  for (const folder of folders.rows) {
    const low = lowest.get(folder.id);
    const folderGone = passed(folder);
    if (folderGone) gone.push(folder.id);
    // A tombstone sits at (deleted_modseq, id) in the cursor order: passed when at or below it.
    const purged = folderGone
      ? await q.query<{ message_id: number | null }>(
          `DELETE FROM items WHERE id IN (
             SELECT id FROM items WHERE folder_id = $1 AND deleted_modseq IS NOT NULL LIMIT $2)
           RETURNING message_id`,
          [folder.id, cut.batch],
        )
      : low
        ? await q.query<{ message_id: number | null }>(
            `DELETE FROM items WHERE id IN (
               SELECT id FROM items WHERE folder_id = $1 AND deleted_modseq IS NOT NULL AND (deleted_modseq, id) <= ($2, $3) LIMIT $4)
             RETURNING message_id`,
            [folder.id, low.m, low.i, cut.batch],
          )
        : await q.query<{ message_id: number | null }>(
            `DELETE FROM items WHERE id IN (
               SELECT id FROM items WHERE folder_id = $1 AND deleted_modseq IS NOT NULL AND deleted_at < $2 LIMIT $3)
             RETURNING message_id`,
            [folder.id, cut.retention, cut.batch],
          );
    result.tombstones += purged.rows.length;
    // A document item has no message (SQLite's Set collects its null and skips it in the dropper).
    for (const p of purged.rows) if (p.message_id !== null) freed.add(p.message_id);
    // Nothing reads journal rows below what every device has passed (whole modseqs only),
    // nor below the oldest tombstone kept in a folder no device syncs, nor any of a gone folder.
    const journalHorizon = folderGone
      ? Number.MAX_SAFE_INTEGER
      : low
        ? low.i === HEAD_ITEM ? low.m + 1 : low.m
        : ((
            await q.query<{ m: number | null }>(
              'SELECT min(deleted_modseq) AS m FROM items WHERE folder_id = $1 AND deleted_modseq IS NOT NULL',
              [folder.id],
            )
          ).rows[0]?.m ?? account.modseq + 1);
    const journal = await q.query(
      'DELETE FROM changes WHERE id IN (SELECT id FROM changes WHERE folder_id = $1 AND modseq < $2 LIMIT $3)',
      [folder.id, journalHorizon, cut.batch],
    );
    result.journal += journal.rowCount ?? 0;
  }
  // Subfolders first: repeat while a pass frees a parent (deleted subtrees are shallow).
  // Only when nothing refers to it any more (a batch may have left rows for the next run).
  for (let pending = gone, progress = true; progress; ) {
    progress = false;
    const left: number[] = [];
    for (const id of pending) {
      const r = await q.query(
        `DELETE FROM folders WHERE id = $1 AND deleted_modseq IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM items WHERE folder_id = $1)
           AND NOT EXISTS (SELECT 1 FROM changes WHERE folder_id = $1)
           AND NOT EXISTS (SELECT 1 FROM folders WHERE parent_id = $1)`,
        [id],
      );
      if ((r.rowCount ?? 0) > 0) {
        result.folders++;
        progress = true;
      } else left.push(id);
    }
    pending = left;
  }
  for (const messageId of freed) if (await dropMessageIfUnused(q, messageId)) result.messages++;
  return result;
}

export function createPgMaintenance(ctx: PgStoreContext): Pick<Store, 'maintenance'> {
  return {
    async maintenance(options: MaintenanceOptions = {}) {
      const now = (options.now ?? new Date()).getTime();
      const cut: Cutoffs = {
        retention: new Date(now - (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS).toISOString(),
        stale: new Date(now - (options.staleDeviceDays ?? DEFAULT_STALE_DEVICE_DAYS) * DAY_MS).toISOString(),
        clientIds: new Date(now - (options.clientIdDays ?? DEFAULT_CLIENT_ID_DAYS) * DAY_MS).toISOString(),
        batch: Math.max(1, Math.floor(options.batch ?? DEFAULT_BATCH)),
      };
      const total: MaintenanceResult = { tombstones: 0, messages: 0, journal: 0, folders: 0, clientIds: 0 };
      const accounts = await ctx.pool.query<{ id: number }>('SELECT id FROM accounts ORDER BY id');
      // One short transaction per account keeps each account's writers waiting briefly.
      for (const { id } of accounts.rows) {
        const r = await ctx.write((tx) => maintainAccount(tx, id, cut));
        if (!r) continue;
        total.clientIds! += r.clientIds ?? 0;
        total.tombstones += r.tombstones;
        total.messages += r.messages;
        total.journal += r.journal;
        total.folders += r.folders;
      }
      return total;
    },
  };
}
