// Sync states as rows: (device, collection, sync key) → cursor. N and N-1 are kept so a
// retried request (the client never got answer N) is answered again from N-1 (docs/sync.md §3).
import type Database from 'better-sqlite3';
import { isForeignKeyError } from './db.js';
import { StoreError, type SyncState } from './types.js';

/** A sync_states row as read (COLS); the PostgreSQL store reads the same columns. */
export interface StateRow {
  device_id: number;
  collection_id: number;
  sync_key: number;
  cursor_modseq: number;
  cursor_item: number;
  filter_type: number;
  replay: string | null;
  own_after: number | null;
  window_time: string | null;
  window_item: number | null;
}

export function toState(row: StateRow): SyncState {
  const state: SyncState = {
    deviceRowId: row.device_id,
    collectionId: row.collection_id,
    syncKey: row.sync_key,
    cursor: { modseq: row.cursor_modseq, itemId: row.cursor_item },
    filterType: row.filter_type,
    replay: row.replay,
  };
  // Only present when set: states of FolderSync and of older versions read as before.
  if (row.own_after !== null) state.ownAfter = row.own_after;
  if (row.window_time !== null) state.window = { receivedAt: row.window_time, itemId: row.window_item ?? 0 };
  return state;
}

export const COLS =
  'device_id, collection_id, sync_key, cursor_modseq, cursor_item, filter_type, replay, own_after, window_time, window_item';

export function createSyncStates(db: Database.Database) {
  const one = db.prepare<[number, number, number], StateRow>(
    `SELECT ${COLS} FROM sync_states WHERE device_id = ? AND collection_id = ? AND sync_key = ?`,
  );
  const latest = db.prepare<[number, number], StateRow>(
    `SELECT ${COLS} FROM sync_states WHERE device_id = ? AND collection_id = ? ORDER BY sync_key DESC LIMIT 1`,
  );
  const upsert = db.prepare<
    [number, number, number, number, number, number, string | null, number | null, string | null, number | null]
  >(`INSERT OR REPLACE INTO sync_states (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const prune = db.prepare<[number, number, number, number]>(
    'DELETE FROM sync_states WHERE device_id = ? AND collection_id = ? AND sync_key NOT IN (?, ?)',
  );
  const reset = db.prepare<[number, number]>('DELETE FROM sync_states WHERE device_id = ? AND collection_id = ?');

  return {
    getSyncState(deviceRowId: number, collectionId: number, syncKey: number): SyncState | null {
      const row = one.get(deviceRowId, collectionId, syncKey);
      return row ? toState(row) : null;
    },

    latestSyncState(deviceRowId: number, collectionId: number): SyncState | null {
      const row = latest.get(deviceRowId, collectionId);
      return row ? toState(row) : null;
    },

    saveSyncState(s: SyncState): void {
      try {
        db.transaction(() => {
          upsert.run(
            s.deviceRowId, s.collectionId, s.syncKey, s.cursor.modseq, s.cursor.itemId, s.filterType, s.replay,
            s.ownAfter ?? null, s.window?.receivedAt ?? null, s.window?.itemId ?? null,
          );
          // Anything but N and N-1 can no longer be presented by a well-behaved client.
          prune.run(s.deviceRowId, s.collectionId, s.syncKey, s.syncKey - 1);
        }).immediate();
      } catch (err) {
        // The device was removed (e.g. `user remove`) while its request was in flight.
        if (isForeignKeyError(err)) throw new StoreError('no-such-device', `no device ${s.deviceRowId}`);
        throw err;
      }
    },

    resetSyncState(deviceRowId: number, collectionId: number): void {
      reset.run(deviceRowId, collectionId);
    },
  };
}
