// The long-poll registry's contract (docs/push.md): used by Ping and by Sync with Wait.
// One parked request per (account, device); a newer one supersedes the older.

import type { Account, Device } from '../../store/types.js';

export type ParkOutcomeReason =
  /** An add (or any change under --push-on all) landed in a monitored folder. */
  | 'add'
  | 'change'
  /** The heartbeat elapsed. */
  | 'expiry'
  /** A newer request from the same device took its place. */
  | 'superseded'
  /** The server is shutting down. */
  | 'shutdown'
  /** The client went away. */
  | 'disconnect';

/**
 * A long poll the HTTP layer has taken over (`hold`): only what the registry needs while it
 * waits, so a parked request keeps no Account/Device rows, decoded body or AbortSignal alive.
 */
export interface HoldRequest {
  kind: 'ping' | 'sync';
  account: Pick<Account, 'id' | 'address'>;
  device: Pick<Device, 'id' | 'deviceId'>;
  folderIds: number[];
  heartbeatSeconds: number;
  /**
   * Folders with changes pending for this device (docs/sync.md §4): a store read. Called after
   * the waiter subscribed to the feed (missed changes), on each wake, and at expiry.
   */
  pending: (addsOnly: boolean) => Promise<number[]>;
}

export interface ParkRequest extends HoldRequest {
  account: Account;
  device: Device;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
}

/** A held request's handle: the HTTP layer calls cancel() when the client goes away. */
export interface ParkTicket {
  cancel(): void;
}

export interface ParkOutcome {
  reason: ParkOutcomeReason;
  /** Folders to report (Status 2 / the Sync's collections); empty means nothing changed. */
  folderIds: number[];
  /** Milliseconds the request was parked. */
  parkedMs: number;
  /** When woken by a commit: ms from the commit's publish to this answer. */
  commitToAnswerMs: number | null;
}

export interface PushRegistry {
  /**
   * Subscribes the waiter to the feed, then checks `pending` (docs/push.md rule 2); resolves
   * when the request should be answered. Rejects with EasHttpError 503 past the per-account cap.
   */
  park(req: ParkRequest): Promise<ParkOutcome>;
  /**
   * The callback form of park() for a request whose HTTP exchange was handed over (Ping): no
   * AbortSignal per request, and nothing kept once parked but the waiter. Resolves once the
   * missed-change check is done: `answer` has then been called when the request was answered
   * at once, and is otherwise called exactly once later. Rejects with EasHttpError 503 past the
   * per-account cap, and with whatever `pending` throws. Optional so that test doubles need not
   * implement it.
   */
  hold?(req: HoldRequest, answer: (outcome: ParkOutcome) => void): Promise<ParkTicket>;
  /** A request of this device arrived (any command): closes the gap of its last push entry. */
  noteRequest?(deviceRowId: number, cmd: string): void;
  /** Parked requests right now (tests assert it returns to 0). */
  size(): number;
  /** Is a request of this device parked now? (device admin) */
  isParked(accountId: number, deviceRowId: number): boolean;
  /** Answers every parked request (reason 'shutdown'); resolves when all have been answered. */
  shutdown(): Promise<void>;
  /**
   * Resolves once the push history a previous process left open has been closed ('interrupted'),
   * or that failed (logged): the server listens after it, so what `device show` reads once
   * a server is up is settled. Optional so that test doubles need not implement it.
   */
  ready?(): Promise<void>;
}
