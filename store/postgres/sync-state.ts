// Sync states on PostgreSQL, the counterpart of store/sync-state.ts: (device, collection, sync
// key) → cursor; N and N-1 are kept so a retried request is answered again from N-1
// (docs/sync.md §3). Same rows, same SQL; saveSyncState is one transaction under the device's
// row lock (store/postgres/device-lock.ts), where SQLite's IMMEDIATE transaction serializes it.
import { COLS, toState, type StateRow } from '../sync-state.js';
import { StoreError, type Store, type SyncState } from '../types.js';
import type { PgStoreContext } from './context.js';
import { isForeignKeyViolation, lockDevice } from './device-lock.js';

/** What pendingFolders reads inside its own snapshot (store/postgres/pending.ts). */
export const LATEST_STATE_SQL = `SELECT ${COLS} FROM sync_states WHERE device_id = $1 AND collection_id = $2 ORDER BY sync_key DESC LIMIT 1`;

/** The state of the first row (a query of at most one), or null. */
export function firstState(rows: StateRow[]): SyncState | null {
  const row = rows[0];
  return row ? toState(row) : null;
}

export type PgSyncStates = Pick<Store, 'getSyncState' | 'latestSyncState' | 'saveSyncState' | 'resetSyncState'>;

export function createPgSyncStates(ctx: PgStoreContext): PgSyncStates {
  const { pool, write } = ctx;
  return {
    async getSyncState(deviceRowId, collectionId, syncKey) {
      const r = await pool.query<StateRow>(
        `SELECT ${COLS} FROM sync_states WHERE device_id = $1 AND collection_id = $2 AND sync_key = $3`,
        [deviceRowId, collectionId, syncKey],
      );
      return firstState(r.rows);
    },

    async latestSyncState(deviceRowId, collectionId) {
      return firstState((await pool.query<StateRow>(LATEST_STATE_SQL, [deviceRowId, collectionId])).rows);
    },

    async saveSyncState(s) {
      const missing = () => new StoreError('no-such-device', `no device ${s.deviceRowId}`);
      try {
        await write(async (tx) => {
          // The device was removed (e.g. `user remove`) while its request was in flight.
          if (!(await lockDevice(tx, s.deviceRowId))) throw missing();
          await tx.client.query(
            `INSERT INTO sync_states (${COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (device_id, collection_id, sync_key) DO UPDATE SET
               cursor_modseq = excluded.cursor_modseq, cursor_item = excluded.cursor_item,
               filter_type = excluded.filter_type, replay = excluded.replay, own_after = excluded.own_after,
               window_time = excluded.window_time, window_item = excluded.window_item`,
            [
              s.deviceRowId, s.collectionId, s.syncKey, s.cursor.modseq, s.cursor.itemId, s.filterType, s.replay,
              s.ownAfter ?? null, s.window?.receivedAt ?? null, s.window?.itemId ?? null,
            ],
          );
          // Anything but N and N-1 can no longer be presented by a well-behaved client.
          await tx.client.query(
            'DELETE FROM sync_states WHERE device_id = $1 AND collection_id = $2 AND sync_key NOT IN ($3, $4)',
            [s.deviceRowId, s.collectionId, s.syncKey, s.syncKey - 1],
          );
        });
      } catch (err) {
        if (isForeignKeyViolation(err)) throw missing();
        throw err;
      }
    },

    async resetSyncState(deviceRowId, collectionId) {
      await write((tx) => tx.client.query('DELETE FROM sync_states WHERE device_id = $1 AND collection_id = $2', [deviceRowId, collectionId]));
    },
  };
}
