// A device that repeats one SyncKey on a folder (docs/sync.md §9): the episode in progress, and
// the items skipped for that device alone once found. Rows, so a restart changes nothing.
import type Database from 'better-sqlite3';
import { isForeignKeyError } from './db.js';
import { StoreError, type SkippedItem, type SyncLoop } from './types.js';

/** A sync_loops row as read (COLS); the PostgreSQL store reads the same columns. */
export interface LoopRow {
  device_id: number;
  collection_id: number;
  sync_key: number;
  repeats: number;
  window_size: number;
  item_id: number | null;
  refusals: number;
  skipped: number;
  started_at: string;
}

/** A sync_skipped_items row as skippedItems reads it. */
export interface SkippedRow {
  collection_id: number;
  item_id: number;
  subject: string | null;
  skipped_at: string;
}

export const COLS = 'device_id, collection_id, sync_key, repeats, window_size, item_id, refusals, skipped, started_at';

export function toLoop(r: LoopRow): SyncLoop {
  return {
    deviceRowId: r.device_id,
    collectionId: r.collection_id,
    syncKey: r.sync_key,
    repeats: r.repeats,
    windowSize: r.window_size,
    itemId: r.item_id,
    refusals: r.refusals,
    skipped: r.skipped === 1,
    startedAt: r.started_at,
  };
}

export function toSkippedItem(r: SkippedRow): SkippedItem {
  return { collectionId: r.collection_id, itemId: r.item_id, subject: r.subject, skippedAt: r.skipped_at };
}

export function createSyncLoops(db: Database.Database) {
  const one = db.prepare<[number, number], LoopRow>(`SELECT ${COLS} FROM sync_loops WHERE device_id = ? AND collection_id = ?`);
  const upsert = db.prepare<[number, number, number, number, number, number | null, number, number, string]>(
    `INSERT OR REPLACE INTO sync_loops (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const end = db.prepare<[number, number]>('DELETE FROM sync_loops WHERE device_id = ? AND collection_id = ?');
  const skip = db.prepare<[number, number, number, string | null, string]>(
    `INSERT OR IGNORE INTO sync_skipped_items (device_id, collection_id, item_id, subject, skipped_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const clear = db.prepare<[number, number]>('DELETE FROM sync_skipped_items WHERE device_id = ? AND collection_id = ?');
  const skippedIn = db.prepare<[number, number], { item_id: number }>(
    'SELECT item_id FROM sync_skipped_items WHERE device_id = ? AND collection_id = ?',
  );
  const skippedOf = db.prepare<[number], SkippedRow>(
    `SELECT collection_id, item_id, subject, skipped_at FROM sync_skipped_items WHERE device_id = ?
      ORDER BY skipped_at, item_id`,
  );
  // A client Change conflicts when the item's last change lies after the client's cursor and
  // was made by someone else (docs/sync.md §10).
  const changedSince = db.prepare<[number, number, number, number, number, number], { hit: number }>(
    `SELECT 1 AS hit FROM items WHERE account_id = ? AND id = ? AND deleted_modseq IS NULL
        AND (modseq > ? OR (modseq = ? AND id > ?)) AND (origin IS NULL OR origin <> ?)`,
  );

  const write = (fn: () => void, deviceRowId: number): void => {
    try {
      fn();
    } catch (err) {
      if (isForeignKeyError(err)) throw new StoreError('no-such-device', `no device ${deviceRowId}`);
      throw err;
    }
  };

  return {
    syncLoop(deviceRowId: number, collectionId: number): SyncLoop | null {
      const r = one.get(deviceRowId, collectionId);
      return r ? toLoop(r) : null;
    },

    saveSyncLoop(l: SyncLoop): void {
      write(
        () =>
          upsert.run(l.deviceRowId, l.collectionId, l.syncKey, l.repeats, l.windowSize, l.itemId, l.refusals, l.skipped ? 1 : 0, l.startedAt),
        l.deviceRowId,
      );
    },

    endSyncLoop(deviceRowId: number, collectionId: number): void {
      end.run(deviceRowId, collectionId);
    },

    skipItem(deviceRowId: number, collectionId: number, itemId: number, subject: string | null, at: string): void {
      write(() => skip.run(deviceRowId, collectionId, itemId, subject, at), deviceRowId);
    },

    clearSkippedItems(deviceRowId: number, collectionId: number): void {
      clear.run(deviceRowId, collectionId);
    },

    skippedItemIds(deviceRowId: number, collectionId: number): Set<number> {
      return new Set(skippedIn.all(deviceRowId, collectionId).map((r) => r.item_id));
    },

    skippedItems(deviceRowId: number): SkippedItem[] {
      return skippedOf.all(deviceRowId).map(toSkippedItem);
    },

    changedByOthersSince(accountId: number, itemId: number, cursor: { modseq: number; itemId: number }, deviceRowId: number): boolean {
      return changedSince.get(accountId, itemId, cursor.modseq, cursor.modseq, cursor.itemId, deviceRowId) !== undefined;
    },
  };
}
