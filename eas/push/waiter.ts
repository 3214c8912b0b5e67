// One parked long poll (Ping or Sync with Wait): the few fields the registry needs to wake,
// expire or drop it. Kept as a plain class so a parked request costs one object, one entry in
// the registry's deadline queue (deadlines.ts) and one feed listener; it is also the request's
// ParkTicket, and the AbortSignal listener of a promise-style park() (via handleEvent), so
// neither needs a closure of its own.

import type { DeadlineEntry } from './deadlines.js';
import type { HoldRequest, ParkOutcome, ParkOutcomeReason, ParkTicket } from './types.js';

export interface WaiterOwner {
  /** Called when the client went away (ticket cancelled or signal aborted). */
  onDisconnect(waiter: Waiter): void;
}

export class Waiter implements ParkTicket, DeadlineEntry {
  readonly req: HoldRequest;
  readonly parkedAt: number;
  /** Set once the outcome is decided; every later event is ignored. */
  done = false;
  /** performance.now() of the first waking change not yet answered (commit → answer latency). */
  wokenAt: number | null = null;
  /** The changes since the last check included an add (the outcome reason). */
  sawAdd = false;
  /** Queued for the next wake check (coalesces the several publishes of one commit). */
  queued = false;
  /** A pending check (a store call) is in flight; a wake meanwhile sets `recheck`. */
  checking = false;
  /** Woken while a check was in flight: check again when it returns (docs/push.md rule 2). */
  recheck = false;
  /** Past its first check: counted against the per-account cap, on the deadline queue. */
  parked = false;
  /** Its heartbeat deadline and place in the registry's DeadlineQueue (-1: not queued). */
  deadlineAt = 0;
  heapIndex = -1;
  unsubscribe: (() => void) | null = null;
  /** Only for promise-style park(): the request's AbortSignal. */
  signal: AbortSignal | null = null;
  /** Its push history entry, when the registry records one. */
  historyId: number | null = null;
  private readonly owner: WaiterOwner;
  private readonly answer: (outcome: ParkOutcome) => void;

  constructor(owner: WaiterOwner, req: HoldRequest, parkedAt: number, answer: (o: ParkOutcome) => void) {
    this.owner = owner;
    this.req = req;
    this.parkedAt = parkedAt;
    this.answer = answer;
  }

  /** ParkTicket: the client went away. */
  cancel(): void {
    this.owner.onDisconnect(this);
  }

  /** EventListener object for the request's AbortSignal: no closure per waiter. */
  handleEvent(): void {
    this.owner.onDisconnect(this);
  }

  /** Releases the feed subscription and the abort listener, then answers (the registry has
   *  already taken it off the deadline queue). */
  settle(reason: ParkOutcomeReason, folderIds: number[], now: number): ParkOutcome {
    this.done = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.signal?.removeEventListener('abort', this);
    this.signal = null;
    const outcome: ParkOutcome = {
      reason,
      folderIds,
      parkedMs: Math.round(now - this.parkedAt),
      commitToAnswerMs:
        (reason === 'add' || reason === 'change') && this.wokenAt !== null ? round2(now - this.wokenAt) : null,
    };
    this.answer(outcome);
    return outcome;
  }
}

function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}
