// The long-poll registry (docs/push.md rules 2–8), shared by Ping and Sync with Wait.
// A parked request is woken by the store's change feed (published after COMMIT), answered
// at its heartbeat, superseded by a newer request of the same device, dropped when its
// client goes away, and answered on shutdown. No parked request polls the store: the feed is
// the only clock besides the heartbeat deadlines, one shared queue for all waiters (other
// processes' commits reach the feed too: docs/push.md rule 10; the queue: rule 11).
// Nodes sharing one store keep one parked request per device between them (rule 3): each park
// is announced through the store, and the feed says when another node parked a newer one. The
// per-account cap (rule 8) counts the account's requests on every node: the announcement answers
// with the other nodes' count, and each request's end is withdrawn from the store.

import { performance } from 'node:perf_hooks';
import { isAddKind, type ChangeFeed, type ChangeKind, type ParkKind, type Store } from '../../store/types.js';
import type { Logger } from '../log.js';
import type { PushConfig } from '../deps.js';
import { EasHttpError } from '../http/errors.js';
import { DeadlineQueue } from './deadlines.js';
import { PushHistory, type PushHistoryStore } from './history.js';
import type { HoldRequest, ParkOutcome, ParkOutcomeReason, ParkRequest, ParkTicket, PushRegistry } from './types.js';
import { Waiter, type WaiterOwner } from './waiter.js';

export interface PushRegistryOptions {
  config: PushConfig;
  log: Logger;
  /** The store's change feed (store.feed). */
  feed: ChangeFeed;
  /**
   * Where to record each device's push history (the store; `eas-push device show` reads it).
   * Entries a previous process left open are closed as 'interrupted' when the registry is made.
   */
  history?: PushHistoryStore;
  /**
   * Where to announce each request as it parks, so that other nodes sharing the store end their
   * older request of the device (the store; docs/push.md rule 3). Without it a request is only
   * known to this registry, which is all a store held by one process needs.
   */
  presence?: ParkPresence;
}

/**
 * The store's side of parked requests. `announceParked` resolving with nothing counts none
 * elsewhere; without `withdrawParked` nothing is withdrawn (a store that keeps no count).
 */
export interface ParkPresence {
  announceParked(...args: Parameters<Store['announceParked']>): Promise<number | void>;
  withdrawParked?: Store['withdrawParked'];
}

/** The ticket of a request answered at once: nothing left to cancel. */
const ANSWERED: ParkTicket = { cancel() {} };

/** Seconds a client over the per-account cap is told to wait (MS-ASHTTP 503 + Retry-After). */
const RETRY_AFTER_SECONDS = 60;

export function createPushRegistry(options: PushRegistryOptions): PushRegistry {
  return new Registry(options);
}

class Registry implements PushRegistry, WaiterOwner {
  private readonly config: PushConfig;
  private readonly log: Logger;
  private readonly feed: ChangeFeed;
  private readonly history: PushHistory | null;
  private readonly presence: ParkPresence | null;
  private readonly unsubscribeParked: () => void;
  /** Device row ids are unique across accounts, so they key the one-per-device rule. */
  private readonly byDevice = new Map<number, Waiter>();
  private readonly perAccount = new Map<number, number>();
  /** Waiters woken since the last flush: checked once per commit, after its publishes. */
  private queue: Waiter[] = [];
  private flushScheduled = false;
  private closing = false;
  // Shared callbacks: one per registry, not one per waiter.
  private readonly flushCallback = (): void => this.flush();
  /** Every waiter's heartbeat, on one timer (docs/push.md rule 11). */
  private readonly deadlines = new DeadlineQueue<Waiter>((w) => void this.expire(w));

  constructor(options: PushRegistryOptions) {
    this.config = options.config;
    this.log = options.log;
    this.feed = options.feed;
    this.history = options.history ? new PushHistory(options.history, options.log) : null;
    this.presence = options.presence ?? null;
    this.unsubscribeParked = this.feed.subscribeParked((accountId, deviceRowId, kind) =>
      this.onParkedElsewhere(accountId, deviceRowId, kind),
    );
  }

  park(req: ParkRequest): Promise<ParkOutcome> {
    if (this.closing) return Promise.resolve(this.answerAtOnce(req, 'shutdown', [], performance.now()));
    if (req.signal.aborted) return Promise.resolve(this.answerAtOnce(req, 'disconnect', [], performance.now()));
    return new Promise<ParkOutcome>((resolve, reject) => {
      this.hold(req, resolve).then((ticket) => {
        if (!(ticket instanceof Waiter)) return;
        if (req.signal.aborted) {
          ticket.cancel();
          return;
        }
        ticket.signal = req.signal;
        req.signal.addEventListener('abort', ticket, { once: true });
      }, reject);
    });
  }

  async hold(req: HoldRequest, answer: (outcome: ParkOutcome) => void): Promise<ParkTicket> {
    const now = performance.now();
    if (this.closing) {
      answer(this.answerAtOnce(req, 'shutdown', [], now));
      return ANSWERED;
    }

    // A newer request of the device ends the older at once, even when this one is
    // answered at once below (docs/push.md rule 3).
    const previous = this.byDevice.get(req.device.id);
    if (previous) this.finish(previous, 'superseded', [], req.kind);
    // And an older one parked on another node of the store (rule 3): the announcement takes its
    // place in the device's order now, so news from another node is weighed against it from here.
    const told = this.announce(req);

    // Subscribe first, then look for missed changes (docs/push.md rule 2): the look is a store
    // call that resolves later, and a commit published while it is in flight marks the waiter
    // for another look instead of being lost. A commit is seen by the look, or wakes the waiter.
    const w = new Waiter(this, req, now, answer);
    this.byDevice.set(req.device.id, w);
    w.unsubscribe = this.feed.subscribe(req.account.id, req.folderIds, (folderId, kind) =>
      this.onChange(w, folderId, kind),
    );
    w.checking = true;
    let missed: number[];
    // The account's requests parked on the other nodes, as the announcement counted them (rule 8).
    let elsewhere = 0;
    try {
      missed = await this.check(req);
      // Parked only once every other node is sure to hear of it: a commit after this point is
      // ordered behind the announcement on their bus, so an older request there ends first.
      if (told) elsewhere = (await told) ?? 0;
    } catch (err) {
      this.release(w);
      throw err;
    } finally {
      w.checking = false;
    }
    // Superseded, disconnected or shut down while looking: already answered.
    if (w.done) return ANSWERED;
    if (missed.length > 0) {
      this.release(w);
      const reason = this.config.pushOn === 'adds' ? 'add' : 'change';
      answer(this.answerAtOnce(req, reason, missed, now));
      return ANSWERED;
    }

    // Here and on the other nodes: the announcement's own statement counted those, no round trip more.
    const parked = this.perAccount.get(req.account.id) ?? 0;
    if (parked + elsewhere >= this.config.maxParkedPerAccount) {
      this.release(w);
      this.log.warn('push: parked request cap reached', {
        account: req.account.address,
        device: req.device.deviceId,
        parked,
        elsewhere,
      });
      throw new EasHttpError(503, 'Too many parked requests for this account', {
        'Retry-After': String(RETRY_AFTER_SECONDS),
      });
    }

    w.parked = true;
    this.perAccount.set(req.account.id, parked + 1);
    this.deadlines.add(w, req.heartbeatSeconds * 1000);
    if (this.history) w.historyId = this.history.start(req);
    // Woken while the first look was in flight: look again now.
    if (w.recheck) void this.wakeCheck(w);
    return w;
  }

  noteRequest(deviceRowId: number, cmd: string): void {
    this.history?.noteRequest(deviceRowId, cmd);
  }

  size(): number {
    return this.byDevice.size;
  }

  isParked(accountId: number, deviceRowId: number): boolean {
    const w = this.byDevice.get(deviceRowId);
    return w !== undefined && w.req.account.id === accountId;
  }

  async ready(): Promise<void> {
    await this.history?.resumed();
  }

  async shutdown(): Promise<void> {
    this.closing = true;
    this.unsubscribeParked();
    this.deadlines.clear();
    for (const w of [...this.byDevice.values()]) this.finish(w, 'shutdown', []);
    // Before the database closes (the server closes it once the listeners are done).
    await this.history?.flush();
    // One macrotask later every park() continuation has run and handed its answer to the
    // HTTP layer; the server's close() then waits for those responses to be written.
    return new Promise((resolve) => setImmediate(resolve));
  }

  onDisconnect(w: Waiter): void {
    if (!w.done) this.finish(w, 'disconnect', []);
  }

  /** Never rejects: a node that cannot tell the others still parks (their older request ends at its heartbeat). */
  private announce(req: HoldRequest): Promise<number | void> | null {
    if (!this.presence) return null;
    return this.presence.announceParked(req.account.id, req.device.id, req.kind).catch((err: unknown) => {
      this.log.warn('push: other nodes not told of a parked request', { device: req.device.deviceId, err: String(err) });
    });
  }

  /** Every request announced ends with this, whatever ended it: it stops counting on the other nodes. */
  private withdraw(req: HoldRequest): void {
    this.presence?.withdrawParked?.(req.account.id, req.device.id).catch((err: unknown) => {
      this.log.warn('push: an ended request not withdrawn', { device: req.device.deviceId, err: String(err) });
    });
  }

  /**
   * Another node parked a request of the device, newer than this node's (the store decides by
   * the order of the announcements): the one here ends as a newer one here would end it.
   */
  private onParkedElsewhere(accountId: number, deviceRowId: number, kind: ParkKind): void {
    const w = this.byDevice.get(deviceRowId);
    if (w === undefined || w.done || w.req.account.id !== accountId) return;
    this.finish(w, 'superseded', [], kind);
  }

  private onChange(w: Waiter, _folderId: number, kind: ChangeKind): void {
    if (w.done) return;
    const add = isAddKind(kind);
    // Under --push-on adds, other changes wait for the heartbeat (docs/push.md rule 5).
    if (!add && this.config.pushOn === 'adds') return;
    if (w.wokenAt === null) w.wokenAt = performance.now();
    if (add) w.sawAdd = true;
    // A look is in flight: it may have read the store before this commit; look once more after it.
    if (w.checking) {
      w.recheck = true;
      return;
    }
    if (w.queued) return;
    w.queued = true;
    this.queue.push(w);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushCallback);
    }
  }

  /** Re-reads the store for each woken waiter: the feed says "something changed", not what. */
  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.flushScheduled = false;
    for (const w of batch) {
      w.queued = false;
      if (!w.done && w.parked) void this.wakeCheck(w);
    }
  }

  /** The pending check of a woken waiter, repeated while commits arrive during it. */
  private async wakeCheck(w: Waiter): Promise<void> {
    w.checking = true;
    try {
      for (;;) {
        w.recheck = false;
        let folders: number[] = [];
        try {
          folders = await this.check(w.req);
        } catch (err) {
          // Stay parked: the heartbeat answers, and the client's next Sync sees the truth.
          this.log.error('push: pending check failed on wake', { device: w.req.device.deviceId, err: String(err) });
        }
        if (w.done) return;
        if (folders.length > 0) {
          this.finish(w, w.sawAdd ? 'add' : 'change', folders);
          return;
        }
        if (!w.recheck) {
          // This device's own change, or one it has already synced (docs/push.md rule 6).
          w.wokenAt = null;
          w.sawAdd = false;
          return;
        }
      }
    } finally {
      w.checking = false;
    }
  }

  private async expire(w: Waiter): Promise<void> {
    if (w.done) return;
    let folders: number[] = [];
    try {
      folders = await w.req.pending(false);
    } catch (err) {
      this.log.error('push: pending check failed at expiry', { device: w.req.device.deviceId, err: String(err) });
    }
    // A wake, a newer request or the client's going away may have answered it meanwhile.
    if (!w.done) this.finish(w, 'expiry', folders);
  }

  /**
   * Folders to report, or none. Something that may wake the request (an add, or any change
   * under --push-on all) decides; once answering, every folder with anything pending is
   * listed so the client syncs them in one go.
   */
  private async check(req: HoldRequest): Promise<number[]> {
    if (this.config.pushOn === 'all') return await req.pending(false);
    const adds = await req.pending(true);
    if (adds.length === 0) return adds;
    // Every monitored folder has an add (a one-folder Ping woken by new mail): none is left to list.
    if (req.folderIds.every((f) => adds.includes(f))) return req.folderIds;
    const any = new Set(await req.pending(false));
    for (const f of adds) any.add(f);
    return req.folderIds.filter((f) => any.has(f));
  }

  /** A waiter answered before it was parked (missed changes, the cap, a failed look): let go. */
  private release(w: Waiter): void {
    // Once per request: a second withdrawal would take the device's newer request's place.
    if (!w.done) this.withdraw(w.req);
    w.done = true;
    w.unsubscribe?.();
    w.unsubscribe = null;
    if (this.byDevice.get(w.req.device.id) === w) this.byDevice.delete(w.req.device.id);
  }

  /** `supersededBy`: the kind of the newer request of the device that ends this one. */
  private finish(w: Waiter, reason: ParkOutcomeReason, folderIds: number[], supersededBy: HoldRequest['kind'] | null = null): void {
    const { account, device } = w.req;
    // Released before answering: an answer callback that throws must not leak the slot.
    if (this.byDevice.get(device.id) === w) this.byDevice.delete(device.id);
    if (w.parked) {
      w.parked = false;
      this.deadlines.remove(w);
      const left = (this.perAccount.get(account.id) ?? 1) - 1;
      if (left > 0) this.perAccount.set(account.id, left);
      else this.perAccount.delete(account.id);
    }
    this.withdraw(w.req);
    const outcome = w.settle(reason, folderIds, performance.now());
    if (this.history && w.historyId !== null) this.history.end(w.historyId, device.id, outcome, supersededBy);
    this.logEnd(w.req, outcome);
  }

  private answerAtOnce(req: HoldRequest, reason: ParkOutcomeReason, folderIds: number[], now: number): ParkOutcome {
    const outcome: ParkOutcome = {
      reason,
      folderIds,
      parkedMs: Math.round(performance.now() - now),
      commitToAnswerMs: null,
    };
    if (this.history) this.history.end(this.history.start(req), req.device.id, outcome, null);
    this.logEnd(req, outcome);
    return outcome;
  }

  private logEnd(req: HoldRequest, outcome: ParkOutcome): void {
    this.log.info('push: parked request ended', {
      account: req.account.address,
      device: req.device.deviceId,
      kind: req.kind,
      heartbeat: req.heartbeatSeconds,
      folders: req.folderIds.length,
      outcome: outcome.reason,
      reported: outcome.folderIds,
      parkedMs: outcome.parkedMs,
      commitToAnswerMs: outcome.commitToAnswerMs,
    });
  }
}
