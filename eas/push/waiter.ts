// One parked long poll (Ping or Sync with Wait): the few fields the registry needs to wake,
// expire or drop it. Kept as a plain class so a parked request costs one object, one timer,
// one feed listener and one abort listener (this object itself, via handleEvent).

import type { ParkOutcome, ParkOutcomeReason, ParkRequest } from './types.js';

export interface WaiterOwner {
  /** Called when the request's signal aborts (the client went away). */
  onDisconnect(waiter: Waiter): void;
}

export class Waiter {
  readonly req: ParkRequest;
  readonly parkedAt: number;
  /** Set once the outcome is decided; every later event is ignored. */
  done = false;
  /** performance.now() of the first waking change not yet answered (commit → answer latency). */
  wokenAt: number | null = null;
  /** The changes since the last check included an add (the outcome reason). */
  sawAdd = false;
  /** Queued for the next wake check (coalesces the several publishes of one commit). */
  queued = false;
  timer: NodeJS.Timeout | null = null;
  unsubscribe: (() => void) | null = null;
  private readonly owner: WaiterOwner;
  private readonly resolve: (outcome: ParkOutcome) => void;

  constructor(owner: WaiterOwner, req: ParkRequest, parkedAt: number, resolve: (o: ParkOutcome) => void) {
    this.owner = owner;
    this.req = req;
    this.parkedAt = parkedAt;
    this.resolve = resolve;
  }

  /** EventListener object for the request's AbortSignal: no closure per waiter. */
  handleEvent(): void {
    this.owner.onDisconnect(this);
  }

  /** Releases the timer, the feed subscription and the abort listener, then answers. */
  settle(reason: ParkOutcomeReason, folderIds: number[], now: number): ParkOutcome {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.req.signal.removeEventListener('abort', this);
    const outcome: ParkOutcome = {
      reason,
      folderIds,
      parkedMs: Math.round(now - this.parkedAt),
      commitToAnswerMs:
        (reason === 'add' || reason === 'change') && this.wokenAt !== null ? round2(now - this.wokenAt) : null,
    };
    this.resolve(outcome);
    return outcome;
  }
}

function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}
