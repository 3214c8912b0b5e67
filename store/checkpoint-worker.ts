// The worker-thread side of the WAL checkpointer (checkpointer.ts): copies committed pages from
// the write-ahead log into the database file on its own SQLite connection, so the thread that
// delivers mail and answers phones never pays for that copy and its fsync.
//
// Like plugin/parse-worker.ts it starts by itself when loaded as a worker with its role, and
// does nothing when merely imported, so the single-file bundle can be its own worker.

import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';

export const CHECKPOINT_WORKER_ROLE = 'eas-push:checkpoint-worker';

export type CheckpointRequest = { open: string; idleMs: number; busyMs: number; restartFrames: number } | { stop: true };
export type CheckpointResponse = { ready: true } | { failed: string } | { checkpointed: number; log: number; restarted: boolean };

/** True in a thread started by startCheckpointer(). */
export function isCheckpointWorker(): boolean {
  return !isMainThread && (workerData as { role?: unknown } | null)?.role === CHECKPOINT_WORKER_ROLE;
}

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

export function serveCheckpoints(port: MessagePort): void {
  let db: Database.Database | null = null;
  let timer: NodeJS.Timeout | null = null;

  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    try {
      db?.close();
    } catch {
      // closing is best effort: the WAL stays valid whatever happens here
    }
    db = null;
    port.close();
  };

  port.on('message', (msg: CheckpointRequest) => {
    if ('stop' in msg) return stop();
    try {
      db = new Database(msg.open, { fileMustExist: true });
      db.pragma('busy_timeout = 5000');
    } catch (err) {
      port.postMessage({ failed: err instanceof Error ? err.message : String(err) } satisfies CheckpointResponse);
      return stop();
    }
    const conn = db;
    // PASSIVE never waits for the writer or for readers: it copies what it can, and the writer
    // restarts the log from its start once every frame is copied and no reader needs it.
    const check = conn.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    // Under a write stream that never pauses, PASSIVE never catches the writer up, and the log
    // only restarts from its beginning once every frame is copied: past this size, one RESTART
    // (it waits for the current commit, copies the rest, and lets the next commit start the log
    // over) keeps the log bounded. A delivery waits for it only under such a stream.
    const restart = conn.prepare('PRAGMA wal_checkpoint(RESTART)');
    const tick = (): void => {
      let next = msg.idleMs;
      try {
        let row = check.get() as CheckpointRow;
        let restarted = false;
        if (row.log >= msg.restartFrames && row.checkpointed < row.log) {
          row = restart.get() as CheckpointRow;
          restarted = row.busy === 0;
        }
        // Frames were waiting: writes are flowing, so look again sooner.
        if (row.log > 0 && row.checkpointed > 0) {
          next = msg.busyMs;
          port.postMessage({ checkpointed: row.checkpointed, log: row.log, restarted } satisfies CheckpointResponse);
        }
      } catch (err) {
        port.postMessage({ failed: err instanceof Error ? err.message : String(err) } satisfies CheckpointResponse);
        return stop();
      }
      timer = setTimeout(tick, next);
    };
    port.postMessage({ ready: true } satisfies CheckpointResponse);
    timer = setTimeout(tick, msg.idleMs);
  });
}

if (isCheckpointWorker() && parentPort) serveCheckpoints(parentPort);
