// Sticky Sync Options on PostgreSQL, the counterpart of store/sync-options.ts (MS-ASCMD
// 2.2.3.125.6, docs/sync.md §8): per device, collection and class, replaced whole when a
// request carries a block for that class. The replace (delete, insert) runs under the device's
// row lock: two concurrent replaces of one class would otherwise both insert after both deleted,
// and one would fail on the primary key, where SQLite's write lock makes them take turns.
import { toSyncOptions, type OptionsRow, type PreferenceRow } from '../sync-options.js';
import { StoreError, type Store, type StoredBodyPreference, type StoredSyncOptions } from '../types.js';
import type { PgStoreContext } from './context.js';
import { isForeignKeyViolation, lockDevice } from './device-lock.js';

export type PgSyncOptions = Pick<Store, 'getSyncOptions' | 'saveSyncOptions'>;

export function createPgSyncOptions(ctx: PgStoreContext): PgSyncOptions {
  const { pool, write } = ctx;
  return {
    async getSyncOptions(deviceRowId, collectionId, className) {
      // One statement per table would be two snapshots; the preferences are read by the same
      // statement as their row, so a concurrent replace is seen whole or not at all.
      const r = await pool.query<OptionsRow & { prefs: PreferenceRow[] | null }>(
        `SELECT o.class, o.filter_type, o.conflict, o.mime_support, o.mime_truncation, o.truncation,
                (SELECT json_agg(json_build_object('part', p.part, 'type', p.type, 'truncation_size', p.truncation_size,
                                                   'all_or_none', p.all_or_none, 'preview', p.preview)
                                 ORDER BY p.part, p.position)
                   FROM sync_body_preferences p
                  WHERE p.device_id = o.device_id AND p.collection_id = o.collection_id AND p.class = o.class) AS prefs
           FROM sync_options o WHERE o.device_id = $1 AND o.collection_id = $2 AND o.class = $3`,
        [deviceRowId, collectionId, className],
      );
      const row = r.rows[0];
      if (!row) return null;
      return toSyncOptions(row, row.prefs ?? []);
    },

    async saveSyncOptions(deviceRowId, collectionId, o: StoredSyncOptions) {
      const missing = () => new StoreError('no-such-device', `no device ${deviceRowId} or folder ${collectionId}`);
      try {
        await write(async (tx) => {
          if (!(await lockDevice(tx, deviceRowId))) throw missing();
          // The preferences go with the row (ON DELETE CASCADE), so a replace starts clean.
          await tx.client.query('DELETE FROM sync_options WHERE device_id = $1 AND collection_id = $2 AND class = $3', [
            deviceRowId, collectionId, o.className,
          ]);
          await tx.client.query(
            `INSERT INTO sync_options (device_id, collection_id, class, filter_type, conflict, mime_support, mime_truncation, truncation)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [deviceRowId, collectionId, o.className, o.filterType, o.conflict, o.mimeSupport, o.mimeTruncation, o.truncation],
          );
          const rows: unknown[][] = [];
          const parts: [number, StoredBodyPreference[]][] = [[0, o.bodyPreferences], [1, o.bodyPartPreferences]];
          for (const [part, list] of parts) {
            list.forEach((p, i) => rows.push([part, i, p.type, p.truncationSize, p.allOrNone ? 1 : 0, p.preview]));
          }
          if (rows.length === 0) return;
          // One statement for every preference (SQLite ran one prepared INSERT per row).
          await tx.client.query(
            `INSERT INTO sync_body_preferences (device_id, collection_id, class, part, position, type, truncation_size, all_or_none, preview)
             SELECT $1, $2, $3, p.part, p.position, p.type, p.truncation_size, p.all_or_none, p.preview
               FROM unnest($4::smallint[], $5::int[], $6::int[], $7::bigint[], $8::smallint[], $9::int[])
                    AS p(part, position, type, truncation_size, all_or_none, preview)`,
            [deviceRowId, collectionId, o.className, ...[0, 1, 2, 3, 4, 5].map((k) => rows.map((r) => r[k]))],
          );
        });
      } catch (err) {
        if (isForeignKeyViolation(err)) throw missing();
        throw err;
      }
    },
  };
}
