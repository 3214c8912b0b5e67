// Sticky Sync Options as rows (MS-ASCMD 2.2.3.125.6, docs/sync.md §8): per device, collection
// and class, replaced whole when a request carries a block for that class and kept otherwise.
import type Database from 'better-sqlite3';
import { isForeignKeyError } from './db.js';
import { StoreError, type StoredBodyPreference, type StoredSyncOptions } from './types.js';

/** A sync_options row as read; the PostgreSQL store reads the same columns. */
export interface OptionsRow {
  class: string;
  filter_type: number;
  conflict: number | null;
  mime_support: number;
  mime_truncation: number | null;
  truncation: number | null;
}

/** A sync_body_preferences row (part 0: BodyPreference, 1: BodyPartPreference), in position order. */
export interface PreferenceRow {
  part: number;
  type: number;
  truncation_size: number | null;
  all_or_none: number;
  preview: number | null;
}

const toPref = (r: PreferenceRow): StoredBodyPreference => ({
  type: r.type,
  truncationSize: r.truncation_size,
  allOrNone: r.all_or_none === 1,
  preview: r.preview,
});

/** The stored Options of one class from its row and its preference rows. */
export function toSyncOptions(row: OptionsRow, prefs: readonly PreferenceRow[]): StoredSyncOptions {
  return {
    className: row.class,
    filterType: row.filter_type,
    conflict: row.conflict,
    mimeSupport: row.mime_support,
    mimeTruncation: row.mime_truncation,
    truncation: row.truncation,
    bodyPreferences: prefs.filter((p) => p.part === 0).map(toPref),
    bodyPartPreferences: prefs.filter((p) => p.part === 1).map(toPref),
  };
}

export function createSyncOptions(db: Database.Database) {
  const one = db.prepare<[number, number, string], OptionsRow>(
    `SELECT class, filter_type, conflict, mime_support, mime_truncation, truncation
       FROM sync_options WHERE device_id = ? AND collection_id = ? AND class = ?`,
  );
  const prefs = db.prepare<[number, number, string], PreferenceRow>(
    `SELECT part, type, truncation_size, all_or_none, preview FROM sync_body_preferences
      WHERE device_id = ? AND collection_id = ? AND class = ? ORDER BY part, position`,
  );
  // The preferences go with the row (ON DELETE CASCADE), so a replace starts clean.
  const remove = db.prepare<[number, number, string]>('DELETE FROM sync_options WHERE device_id = ? AND collection_id = ? AND class = ?');
  const insert = db.prepare<[number, number, string, number, number | null, number, number | null, number | null]>(
    `INSERT INTO sync_options (device_id, collection_id, class, filter_type, conflict, mime_support, mime_truncation, truncation)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertPref = db.prepare<[number, number, string, number, number, number, number | null, number, number | null]>(
    `INSERT INTO sync_body_preferences (device_id, collection_id, class, part, position, type, truncation_size, all_or_none, preview)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );


  return {
    getSyncOptions(deviceRowId: number, collectionId: number, className: string): StoredSyncOptions | null {
      const row = one.get(deviceRowId, collectionId, className);
      if (!row) return null;
      return toSyncOptions(row, prefs.all(deviceRowId, collectionId, className));
    },

    saveSyncOptions(deviceRowId: number, collectionId: number, o: StoredSyncOptions): void {
      try {
        db.transaction(() => {
          remove.run(deviceRowId, collectionId, o.className);
          insert.run(deviceRowId, collectionId, o.className, o.filterType, o.conflict, o.mimeSupport, o.mimeTruncation, o.truncation);
          const parts: [number, StoredBodyPreference[]][] = [[0, o.bodyPreferences], [1, o.bodyPartPreferences]];
          for (const [part, list] of parts) {
            list.forEach((p, i) =>
              insertPref.run(deviceRowId, collectionId, o.className, part, i, p.type, p.truncationSize, p.allOrNone ? 1 : 0, p.preview),
            );
          }
        }).immediate();
      } catch (err) {
        if (isForeignKeyError(err)) throw new StoreError('no-such-device', `no device ${deviceRowId} or folder ${collectionId}`);
        throw err;
      }
    },
  };
}
