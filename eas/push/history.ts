// Push diagnostics recorder: each parked Ping / Sync-Wait becomes a history entry (start,
// end, outcome, commit→answer) and the device's next request closes its gap. Writes are
// queued and flushed in one transaction per turn of the event loop (setImmediate), i.e. after
// the woken responses were handed to the socket: recording never delays a wake.

import type { PushHistoryOp, Store } from '../../store/types.js';
import type { Logger } from '../log.js';
import type { HoldRequest, ParkOutcome } from './types.js';

export type PushHistoryStore = Pick<Store, 'writePushHistory' | 'resumePushHistory'>;

/** The wire Cmd a long-poll kind came in as, for "the device's next Ping came …". */
const CMD_OF_KIND = { ping: 'Ping', sync: 'Sync' } as const;

export class PushHistory {
  private readonly store: PushHistoryStore;
  private readonly log: Logger;
  /**
   * The first free entry id, once the store has closed what a previous process left open. Ids
   * are handed out at once, counted from 0, and written as this plus the count (flush awaits it).
   */
  private readonly firstId: Promise<number>;
  private nextId = 0;
  private ops: PushHistoryOp[] = [];
  private scheduled = false;
  /** Device row id → its last ended entry, whose "next request" is still unknown. */
  private readonly awaitingNext = new Map<number, number>();
  private readonly flushCallback = (): void => void this.flush();

  /** Call once per server start: entries a previous process left open are stale. */
  constructor(store: PushHistoryStore, log: Logger) {
    this.store = store;
    this.log = log;
    this.firstId = store.resumePushHistory(new Date().toISOString());
    // Seen by flush() too; this keeps a failed resume from being an unhandled rejection.
    this.firstId.catch((err: unknown) => log.warn('push: history not resumed', { err: String(err) }));
  }

  /** A request parks (or is answered at once): returns its entry id. */
  start(req: HoldRequest): number {
    const id = this.nextId++;
    // Its arrival is the previous entry's "next request" (also recorded by noteRequest
    // when the HTTP layer reports it; the second note is ignored by the store).
    this.noteRequest(req.device.id, CMD_OF_KIND[req.kind]);
    this.queue({
      op: 'start',
      id,
      deviceRowId: req.device.id,
      kind: req.kind,
      startedAt: new Date().toISOString(),
      heartbeatSeconds: req.heartbeatSeconds,
      folderIds: req.folderIds,
    });
    return id;
  }

  /**
   * The entry's request was answered. A superseded one already knows its next request (the
   * one that replaced it); the others wait for the device to come back.
   */
  end(id: number, deviceRowId: number, outcome: ParkOutcome, supersededBy: HoldRequest['kind'] | null): void {
    const now = new Date().toISOString();
    this.queue({
      op: 'end',
      id,
      endedAt: now,
      outcome: outcome.reason,
      reported: outcome.folderIds,
      commitToAnswerMs: outcome.commitToAnswerMs,
    });
    if (supersededBy !== null) this.queue({ op: 'next', id, at: now, cmd: CMD_OF_KIND[supersededBy] });
    else this.awaitingNext.set(deviceRowId, id);
  }

  noteRequest(deviceRowId: number, cmd: string): void {
    const id = this.awaitingNext.get(deviceRowId);
    if (id === undefined) return;
    this.awaitingNext.delete(deviceRowId);
    this.queue({ op: 'next', id, at: new Date().toISOString(), cmd });
  }

  /** Resolves once the entries a previous process left open are closed, or that failed (logged in the constructor). */
  async resumed(): Promise<void> {
    await this.firstId.catch(() => undefined);
  }

  /** Writes what is queued now (shutdown: before the database closes). */
  async flush(): Promise<void> {
    this.scheduled = false;
    const ops = this.ops;
    if (ops.length === 0) return;
    this.ops = [];
    try {
      const first = await this.firstId;
      await this.store.writePushHistory(first === 0 ? ops : ops.map((op) => ({ ...op, id: op.id + first })));
    } catch (err) {
      // Diagnostics only: a busy or closed database must not break push itself.
      this.log.warn('push: history not recorded', { entries: ops.length, err: String(err) });
    }
  }

  private queue(op: PushHistoryOp): void {
    this.ops.push(op);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushCallback);
    }
  }
}
