// WAL checkpoints off the delivery thread (docs/store.md §Checkpoints). SQLite's default copies
// the write-ahead log into the database file inside the commit that crosses 1,000 pages: that
// commit, and the SMTP reply and Ping answer waiting on it, pays several milliseconds of copying
// and an fsync. With a checkpointer, the serving connection never checkpoints
// (wal_autocheckpoint = 0) and a worker thread with its own connection does it instead.
//
// Never a way to lose or stall anything: until the worker says it is ready, and from the moment
// it fails or stops, the serving connection checkpoints by itself again as before.

import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { CHECKPOINT_WORKER_ROLE, type CheckpointRequest, type CheckpointResponse } from './checkpoint-worker.js';
import { siblingEntry, startWorkerThread } from './worker-start.js';

export interface CheckpointerOptions {
  /** Script the worker runs; default: checkpoint-worker.ts/.js beside this module (null: none). */
  entry?: string | URL | null;
  /** Between checkpoints when the log was empty, and while writes are flowing. */
  idleMs?: number;
  busyMs?: number;
  /** A log this long that PASSIVE could not catch up gets one RESTART checkpoint (bounds the log). */
  restartFrames?: number;
  /** Told when the worker cannot start or stops working (the serving connection takes over). */
  onFallback?: (reason: string) => void;
  /** Told once the worker has taken the checkpoints over. */
  onActive?: () => void;
  /** Told after each checkpoint that copied frames: frames copied, frames in the log, and whether it was a RESTART. */
  onCheckpoint?: (checkpointed: number, log: number, restarted: boolean) => void;
}

export interface Checkpointer {
  /** True while the worker does the checkpoints. */
  readonly active: boolean;
  /** Settles true once the worker checkpoints, false when the serving connection keeps doing it. */
  readonly ready: Promise<boolean>;
  /**
   * Stops the checkpoints; resolves once the worker has closed its connection and ended, so that
   * the caller's close leaves the file free (a restore takes an exclusive lock right after).
   */
  stop(): Promise<void>;
}

/** SQLite's default: checkpoint in the commit that makes the log reach this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;

export function defaultCheckpointEntry(): URL | null {
  return siblingEntry((import.meta as { url?: string }).url, 'checkpoint-worker');
}

export function startCheckpointer(db: Database.Database, file: string, options: CheckpointerOptions = {}): Checkpointer {
  const entry = options.entry === undefined ? defaultCheckpointEntry() : options.entry;
  let active = false;
  let stopped = false;
  let worker: Worker | null = null;
  let settle: (ok: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  const inactive = (): Checkpointer => {
    settle(false);
    return {
      active: false,
      ready,
      stop: () => {
        stopped = true;
        return Promise.resolve();
      },
    };
  };

  let fellBack = false;
  const fallBack = (reason: string): void => {
    active = false;
    settle(false);
    if (!stopped && !fellBack) {
      fellBack = true;
      try {
        db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      } catch {
        // the connection is closed: nothing left to checkpoint from here
      }
      options.onFallback?.(reason);
    }
  };

  if (entry === null || file === ':memory:' || file.startsWith('file:')) {
    return inactive();
  }
  try {
    worker = startWorkerThread(entry, CHECKPOINT_WORKER_ROLE);
  } catch (err) {
    fallBack(`checkpoint worker did not start: ${err instanceof Error ? err.message : String(err)}`);
    return inactive();
  }
  let failure = '';
  let ended: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => {
    ended = resolve;
  });
  worker.on('message', (msg: CheckpointResponse) => {
    if ('ready' in msg) {
      if (stopped) return;
      db.pragma('wal_autocheckpoint = 0');
      active = true;
      settle(true);
      options.onActive?.();
      // Ready, its timer must not keep the process alive (until then, the answer must arrive).
      worker?.unref();
    } else if ('checkpointed' in msg) {
      options.onCheckpoint?.(msg.checkpointed, msg.log, msg.restarted);
    } else {
      failure = msg.failed;
      fallBack(failure);
      void worker?.terminate();
    }
  });
  worker.on('error', (err) => {
    failure = err instanceof Error ? err.message : String(err);
  });
  worker.on('exit', (code) => {
    worker = null;
    ended();
    fallBack(failure || `checkpoint worker exited with code ${code}`);
  });
  worker.postMessage({ open: file, idleMs: options.idleMs ?? 500, busyMs: options.busyMs ?? 20, restartFrames: options.restartFrames ?? 10_000 } satisfies CheckpointRequest);

  return {
    get active() {
      return active;
    },
    ready,
    stop() {
      if (!stopped) {
        stopped = true;
        active = false;
        // The worker closes its connection and ends; the serving connection, closed once this
        // resolves, is then the last one and checkpoints the rest on close. Referenced again, so
        // the process waits for that end rather than leaving this Promise unsettled.
        worker?.ref();
        worker?.postMessage({ stop: true } satisfies CheckpointRequest);
      }
      return exited;
    },
  };
}
