// Push diagnostics: the last Pings and Sync-Waits of each device (for "my phone got the mail
// late"). The server writes them in batches (eas/push/history.ts); `eas-push device show`
// reads them from another process. An entry with no end is a request parked right now.
import type Database from 'better-sqlite3';
import type { PushHistoryEntry, PushHistoryOp, PushHistoryOutcome } from './types.js';

/** Entries kept per device; older ones are pruned when a new one is inserted. */
export const PUSH_HISTORY_LIMIT = 50;

/** A push_history row; the PostgreSQL store reads the same columns. */
export interface HistoryRow {
  id: number;
  device_id: number;
  kind: 'ping' | 'sync';
  started_at: string;
  heartbeat: number;
  folders: string;
  ended_at: string | null;
  outcome: PushHistoryOutcome | null;
  reported: string | null;
  commit_to_answer_ms: number | null;
  next_request_at: string | null;
  next_request_cmd: string | null;
}

export function toEntry(row: HistoryRow): PushHistoryEntry {
  return {
    id: row.id,
    deviceRowId: row.device_id,
    kind: row.kind,
    startedAt: row.started_at,
    heartbeatSeconds: row.heartbeat,
    folderIds: JSON.parse(row.folders) as number[],
    endedAt: row.ended_at,
    outcome: row.outcome,
    reported: row.reported === null ? [] : (JSON.parse(row.reported) as number[]),
    commitToAnswerMs: row.commit_to_answer_ms,
    nextRequestAt: row.next_request_at,
    nextRequestCmd: row.next_request_cmd,
  };
}

export function createPushHistory(db: Database.Database) {
  // INSERT … SELECT: a device removed (by the CLI) while its request was parked is skipped,
  // instead of failing the whole batch on the foreign key.
  const insert = db.prepare<[number, string, string, number, string, number]>(
    `INSERT INTO push_history (id, device_id, kind, started_at, heartbeat, folders)
     SELECT ?, id, ?, ?, ?, ? FROM devices WHERE id = ?`,
  );
  const prune = db.prepare<[number, number, number]>(
    `DELETE FROM push_history WHERE device_id = ? AND id < (
       SELECT id FROM push_history WHERE device_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
  );
  const end = db.prepare<[string, string, string, number | null, number]>(
    `UPDATE push_history SET ended_at = ?, outcome = ?, reported = ?, commit_to_answer_ms = ?
      WHERE id = ? AND ended_at IS NULL`,
  );
  const next = db.prepare<[string, string, number]>(
    'UPDATE push_history SET next_request_at = ?, next_request_cmd = ? WHERE id = ? AND next_request_at IS NULL',
  );
  const ofDevice = db.prepare<[number, number], HistoryRow>(
    'SELECT * FROM push_history WHERE device_id = ? ORDER BY id DESC LIMIT ?',
  );
  const interrupt = db.prepare<[string]>(
    `UPDATE push_history SET ended_at = ?, outcome = 'interrupted', reported = '[]' WHERE ended_at IS NULL`,
  );
  const maxId = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM push_history');

  const apply = db.transaction((ops: readonly PushHistoryOp[]) => {
    for (const op of ops) {
      if (op.op === 'start') {
        const made = insert.run(op.id, op.kind, op.startedAt, op.heartbeatSeconds, JSON.stringify(op.folderIds), op.deviceRowId);
        if (made.changes > 0) prune.run(op.deviceRowId, op.deviceRowId, PUSH_HISTORY_LIMIT - 1);
      } else if (op.op === 'end') {
        end.run(op.endedAt, op.outcome, JSON.stringify(op.reported), op.commitToAnswerMs, op.id);
      } else {
        next.run(op.at, op.cmd, op.id);
      }
    }
  });

  return {
    writePushHistory(ops: readonly PushHistoryOp[]): void {
      if (ops.length > 0) apply.immediate(ops);
    },

    pushHistory(deviceRowId: number, limit = PUSH_HISTORY_LIMIT): PushHistoryEntry[] {
      return ofDevice.all(deviceRowId, limit).map(toEntry);
    },

    resumePushHistory(now: string): number {
      return db.transaction(() => {
        interrupt.run(now);
        return (maxId.get()?.id ?? 0) + 1;
      }).immediate();
    },
  };
}
