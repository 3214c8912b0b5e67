// Push diagnostics on PostgreSQL (store/push-history.ts translated), with two changes for
// several nodes sharing one database (issue #17 point 3: push history holds across nodes).
//
// 1. Entry ids. The recorder (eas/push/history.ts) numbers its entries in-process from the id
//    resumePushHistory returned at start. Two nodes started against one database would get the
//    same base and write the same ids. So the database hands out the stored id (max + 1 under a
//    table lock that only push-history batches take, so ids follow the order entries were
//    written in, across nodes, and `ORDER BY id` stays "newest first"), and this store keeps,
//    for its own node, which stored row each of the recorder's ids became. The map only holds
//    entries that can still get an op ('end', then 'next': the last one drops it), and at most
//    MAX_TRACKED of them: an op for an entry no longer tracked is skipped, as SQLite skips an op
//    for an id that was never written (diagnostics only).
// 2. Resuming. At a node's start SQLite ends every open entry, since a single process left them.
//    Here other nodes may have requests parked right now, so only entries that cannot still be
//    parked anywhere are ended: those older than their heartbeat plus STALE_GRACE_S. A node that
//    died leaves its entries open until a later start finds them past that bound.
import type { PushHistoryOp, Store } from '../types.js';
import { PUSH_HISTORY_LIMIT, toEntry, type HistoryRow } from '../push-history.js';
import type { PgStoreContext } from './context.js';

/** Seconds past its heartbeat after which an open entry cannot belong to a live parked request. */
export const STALE_GRACE_S = 120;

/** Recorder ids remembered per node (about one per connected device: parked, or awaiting its next request). */
export const MAX_TRACKED = 20_000;

/** The stored row a recorder id became. The device is part of the key: a device row id is never reused. */
interface StoredRef {
  id: number;
  deviceRowId: number;
}

export type PgPushHistory = Pick<Store, 'writePushHistory' | 'pushHistory' | 'resumePushHistory'>;

export function createPgPushHistory(ctx: PgStoreContext): PgPushHistory {
  const { pool, write } = ctx;
  /** Recorder id → stored row, for this node's entries still expecting an op. Insertion order = age. */
  const tracked = new Map<number, StoredRef>();

  return {
    async writePushHistory(ops: readonly PushHistoryOp[]) {
      if (ops.length === 0) return;
      // What this batch adds to and drops from `tracked`, applied once it has committed: a
      // transaction retried after a deadlock starts over from the map as it was.
      const { added, dropped } = await write(async (tx) => {
        const added = new Map<number, StoredRef>();
        const dropped = new Set<number>();
        const ref = (id: number) => added.get(id) ?? (dropped.has(id) ? undefined : tracked.get(id));
        if (ops.some((op) => op.op === 'start')) {
          // Ids are max + 1: taken in turns by every node's batches. SHARE ROW EXCLUSIVE conflicts
          // with itself and with writers, not with readers (`device show` keeps reading).
          await tx.client.query('LOCK TABLE push_history IN SHARE ROW EXCLUSIVE MODE');
        }
        for (const op of ops) {
          if (op.op === 'start') {
            // INSERT … SELECT: a device removed (by the CLI) while its request was parked is
            // skipped, instead of failing the whole batch on the foreign key.
            const r = await tx.client.query<{ id: number }>(
              `INSERT INTO push_history (id, device_id, kind, started_at, heartbeat, folders)
               SELECT (SELECT coalesce(max(id), 0) + 1 FROM push_history), id, $1, $2, $3, $4 FROM devices WHERE id = $5
               RETURNING id`,
              [op.kind, op.startedAt, op.heartbeatSeconds, JSON.stringify(op.folderIds), op.deviceRowId],
            );
            const made = r.rows[0];
            if (!made) continue;
            added.set(op.id, { id: made.id, deviceRowId: op.deviceRowId });
            await tx.client.query(
              `DELETE FROM push_history WHERE device_id = $1 AND id < (
                 SELECT id FROM push_history WHERE device_id = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)`,
              [op.deviceRowId, PUSH_HISTORY_LIMIT - 1],
            );
          } else if (op.op === 'end') {
            const at = ref(op.id);
            if (!at) continue;
            await tx.client.query(
              `UPDATE push_history SET ended_at = $1, outcome = $2, reported = $3, commit_to_answer_ms = $4
                WHERE id = $5 AND device_id = $6 AND ended_at IS NULL`,
              [op.endedAt, op.outcome, JSON.stringify(op.reported), op.commitToAnswerMs, at.id, at.deviceRowId],
            );
          } else {
            const at = ref(op.id);
            if (!at) continue;
            await tx.client.query(
              `UPDATE push_history SET next_request_at = $1, next_request_cmd = $2
                WHERE id = $3 AND device_id = $4 AND next_request_at IS NULL`,
              [op.at, op.cmd, at.id, at.deviceRowId],
            );
            // 'next' is the last op an entry gets.
            added.delete(op.id);
            dropped.add(op.id);
          }
        }
        return { added, dropped };
      });
      for (const id of dropped) tracked.delete(id);
      for (const [id, at] of added) {
        tracked.delete(id);
        tracked.set(id, at);
      }
      for (const id of tracked.keys()) {
        if (tracked.size <= MAX_TRACKED) break;
        tracked.delete(id);
      }
    },

    async pushHistory(deviceRowId, limit = PUSH_HISTORY_LIMIT) {
      const r = await pool.query<HistoryRow>('SELECT * FROM push_history WHERE device_id = $1 ORDER BY id DESC LIMIT $2', [
        deviceRowId,
        limit,
      ]);
      return r.rows.map(toEntry);
    },

    /**
     * Ends the open entries no node can still have parked, and returns the highest stored id
     * plus one: the recorder's ids are keys of `tracked` here, so any base works, and this one
     * makes them match the stored ids while one node writes alone.
     */
    async resumePushHistory(now) {
      return write(async (tx) => {
        await tx.client.query(
          // $1 typed text everywhere: a parameter PostgreSQL infers as timestamptz would be stored
          // in its own format ('2026-12-06 14:17:18+00'), not the ISO text every time here is in.
          `UPDATE push_history SET ended_at = $1::text, outcome = 'interrupted', reported = '[]'
            WHERE ended_at IS NULL
              AND started_at::timestamptz + make_interval(secs => heartbeat + $2) < $1::text::timestamptz`,
          [now, STALE_GRACE_S],
        );
        const r = await tx.client.query<{ id: number | null }>('SELECT max(id) AS id FROM push_history');
        return (r.rows[0]?.id ?? 0) + 1;
      });
    },
  };
}
