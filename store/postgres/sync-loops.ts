// A device that repeats one SyncKey on a folder (docs/sync.md §9), on PostgreSQL: the counterpart
// of store/sync-loops.ts, same rows and SQL. Each write is one statement in its own transaction
// (ctx.write); INSERT OR REPLACE / OR IGNORE become ON CONFLICT, which PostgreSQL resolves
// atomically against a concurrent insert of the same key, so no lock is needed.
import { COLS, toLoop, toSkippedItem, type LoopRow, type SkippedRow } from '../sync-loops.js';
import { StoreError, type SkippedItem, type Store, type SyncLoop } from '../types.js';
import type { PgStoreContext } from './context.js';
import { isForeignKeyViolation } from './device-lock.js';

export type PgSyncLoops = Pick<
  Store,
  | 'syncLoop'
  | 'saveSyncLoop'
  | 'endSyncLoop'
  | 'skipItem'
  | 'clearSkippedItems'
  | 'skippedItemIds'
  | 'skippedItems'
  | 'changedByOthersSince'
>;

export function createPgSyncLoops(ctx: PgStoreContext): PgSyncLoops {
  const { pool, write } = ctx;

  /** One statement as one write; a missing device (or folder, or item) is no-such-device, as in SQLite. */
  const run = async (deviceRowId: number, sql: string, params: unknown[]): Promise<void> => {
    try {
      await write((tx) => tx.client.query(sql, params));
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new StoreError('no-such-device', `no device ${deviceRowId}`);
      throw err;
    }
  };

  return {
    async syncLoop(deviceRowId, collectionId) {
      const r = (await pool.query<LoopRow>(`SELECT ${COLS} FROM sync_loops WHERE device_id = $1 AND collection_id = $2`, [deviceRowId, collectionId]))
        .rows[0];
      return r ? toLoop(r) : null;
    },

    async saveSyncLoop(l: SyncLoop) {
      await run(
        l.deviceRowId,
        `INSERT INTO sync_loops (${COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (device_id, collection_id) DO UPDATE SET
           sync_key = excluded.sync_key, repeats = excluded.repeats, window_size = excluded.window_size,
           item_id = excluded.item_id, refusals = excluded.refusals, skipped = excluded.skipped, started_at = excluded.started_at`,
        [l.deviceRowId, l.collectionId, l.syncKey, l.repeats, l.windowSize, l.itemId, l.refusals, l.skipped ? 1 : 0, l.startedAt],
      );
    },

    async endSyncLoop(deviceRowId, collectionId) {
      await write((tx) => tx.client.query('DELETE FROM sync_loops WHERE device_id = $1 AND collection_id = $2', [deviceRowId, collectionId]));
    },

    async skipItem(deviceRowId, collectionId, itemId, subject, at) {
      await run(
        deviceRowId,
        `INSERT INTO sync_skipped_items (device_id, collection_id, item_id, subject, skipped_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [deviceRowId, collectionId, itemId, subject, at],
      );
    },

    async clearSkippedItems(deviceRowId, collectionId) {
      await write((tx) =>
        tx.client.query('DELETE FROM sync_skipped_items WHERE device_id = $1 AND collection_id = $2', [deviceRowId, collectionId]),
      );
    },

    async skippedItemIds(deviceRowId, collectionId) {
      const r = await pool.query<{ item_id: number }>('SELECT item_id FROM sync_skipped_items WHERE device_id = $1 AND collection_id = $2', [
        deviceRowId, collectionId,
      ]);
      return new Set(r.rows.map((row) => row.item_id));
    },

    async skippedItems(deviceRowId): Promise<SkippedItem[]> {
      const r = await pool.query<SkippedRow>(
        `SELECT collection_id, item_id, subject, skipped_at FROM sync_skipped_items WHERE device_id = $1
          ORDER BY skipped_at, item_id`,
        [deviceRowId],
      );
      return r.rows.map(toSkippedItem);
    },

    // A client Change conflicts when the item's last change lies after the client's cursor and
    // was made by someone else (docs/sync.md §10).
    async changedByOthersSince(accountId, itemId, cursor, deviceRowId) {
      const r = await pool.query(
        `SELECT 1 AS hit FROM items WHERE account_id = $1 AND id = $2 AND deleted_modseq IS NULL
            AND (modseq > $3 OR (modseq = $3 AND id > $4)) AND (origin IS NULL OR origin <> $5)`,
        [accountId, itemId, cursor.modseq, cursor.itemId, deviceRowId],
      );
      return (r.rowCount ?? 0) > 0;
    },
  };
}
