// Device-scoped writes on PostgreSQL (sync states, sticky Options, SyncKey loops, ClientIds):
// SQLite runs each under its one write lock, so a read-then-write of a device's rows never
// interleaves with another. Here each such write first locks the device's row, which
// serializes the writes of one device and nothing else (docs/store.md "The asynchronous
// contract": the lock is taken before what it decides on is read).
import type { PgWriteContext } from './writer.js';

/**
 * Locks the device row until COMMIT; false when there is no such device (removed while the
 * request was in flight). FOR NO KEY UPDATE: the foreign-key checks of other transactions
 * inserting rows of this device (FOR KEY SHARE) are not blocked by it.
 */
export async function lockDevice(tx: PgWriteContext, deviceRowId: number): Promise<boolean> {
  const r = await tx.client.query('SELECT 1 FROM devices WHERE id = $1 FOR NO KEY UPDATE', [deviceRowId]);
  return (r.rowCount ?? 0) > 0;
}

/** PostgreSQL's foreign_key_violation: a write referenced a row that does not exist (any more). */
export function isForeignKeyViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23503';
}
