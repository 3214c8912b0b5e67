// The console's in-process metrics (docs/admin.md §3): deliveries per minute, push latency
// (commit → answer) as a histogram, failed logins, each over the last hour in 60 one-minute
// slots. Fed from what already exists, never from the push path itself:
// - push latency from the push-history batches (eas/push/history.ts), which are written one
//   turn of the event loop after the woken answers left;
// - deliveries from the delivery log line ("delivered", plugin/deliver.ts): one string
//   comparison and one counter increment;
// - failed logins from the login throttle's fail().
// All memory is allocated once here: recording is an index computation and an increment.

import type { LoginThrottle } from '../http/login-throttle.js';
import type { Logger } from '../log.js';
import type { PushHistoryStore } from '../push/history.js';

/** Upper bounds (ms) of the latency buckets; one more bucket holds everything slower. */
export const LATENCY_BOUNDS_MS = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] as const;
const BUCKETS = LATENCY_BOUNDS_MS.length + 1;
/** Minutes kept (the console shows "the last hour"). */
export const MINUTES = 60;
const MINUTE_MS = 60_000;

export interface LatencySummary {
  /** Answers woken by a commit in the last hour. */
  count: number;
  /** Count per bucket, LATENCY_BOUNDS_MS order, then the overflow bucket. */
  buckets: number[];
  /** Bucket upper bounds (ms) the percentiles fall in; null when nothing was measured. Infinity: over the last bound. */
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export interface MetricsSnapshot {
  /** Oldest first; the last element is the current minute. */
  deliveriesPerMinute: number[];
  loginFailuresPerMinute: number[];
  latency: LatencySummary;
  /** Start of the first minute shown (ms since the epoch). */
  since: number;
}

export interface AdminMetrics {
  delivered(): void;
  loginFailed(): void;
  pushAnswered(commitToAnswerMs: number): void;
  snapshot(): MetricsSnapshot;
  /** Called after each push-history batch was written (the console's live updates). */
  onHistory(listener: () => void): () => void;
  /** Internal: tapHistory() calls it after a batch. */
  historyWritten(): void;
}

export function createAdminMetrics(now: () => number = Date.now): AdminMetrics {
  const minuteOfSlot = new Float64Array(MINUTES).fill(-1);
  const deliveries = new Uint32Array(MINUTES);
  const failures = new Uint32Array(MINUTES);
  const latency = new Uint32Array(MINUTES * BUCKETS);
  const listeners = new Set<() => void>();

  /** The slot of the current minute, cleared when it last held an older minute. */
  function slot(): number {
    const minute = Math.floor(now() / MINUTE_MS);
    const i = minute % MINUTES;
    if (minuteOfSlot[i] !== minute) {
      minuteOfSlot[i] = minute;
      deliveries[i] = 0;
      failures[i] = 0;
      latency.fill(0, i * BUCKETS, (i + 1) * BUCKETS);
    }
    return i;
  }

  function bucketOf(ms: number): number {
    for (let b = 0; b < LATENCY_BOUNDS_MS.length; b++) if (ms <= LATENCY_BOUNDS_MS[b]!) return b;
    return LATENCY_BOUNDS_MS.length;
  }

  function percentile(buckets: number[], count: number, q: number): number | null {
    if (count === 0) return null;
    const rank = Math.ceil(q * count);
    let seen = 0;
    for (let b = 0; b < buckets.length; b++) {
      seen += buckets[b]!;
      if (seen >= rank) return b < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[b]! : Infinity;
    }
    return Infinity;
  }

  return {
    delivered() {
      deliveries[slot()]!++;
    },
    loginFailed() {
      failures[slot()]!++;
    },
    pushAnswered(ms) {
      latency[slot() * BUCKETS + bucketOf(ms)]!++;
    },
    snapshot() {
      const current = Math.floor(now() / MINUTE_MS);
      const perMinute: number[] = [];
      const fails: number[] = [];
      const buckets = new Array<number>(BUCKETS).fill(0);
      for (let m = current - MINUTES + 1; m <= current; m++) {
        const i = m % MINUTES;
        const live = minuteOfSlot[i] === m;
        perMinute.push(live ? deliveries[i]! : 0);
        fails.push(live ? failures[i]! : 0);
        if (live) for (let b = 0; b < BUCKETS; b++) buckets[b]! += latency[i * BUCKETS + b]!;
      }
      const count = buckets.reduce((a, b) => a + b, 0);
      return {
        deliveriesPerMinute: perMinute,
        loginFailuresPerMinute: fails,
        latency: { count, buckets, p50: percentile(buckets, count, 0.5), p90: percentile(buckets, count, 0.9), p99: percentile(buckets, count, 0.99) },
        since: (current - MINUTES + 1) * MINUTE_MS,
      };
    },
    onHistory(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    historyWritten() {
      for (const listener of listeners) listener();
    },
  };
}

/**
 * The push-history store the registry writes through: the same store, and each batch's
 * commit → answer times counted. Batches are written after the answers were sent
 * (eas/push/history.ts), so nothing here runs before a wake is answered.
 */
export function tapHistory(store: PushHistoryStore, metrics: AdminMetrics): PushHistoryStore {
  return {
    resumePushHistory: async (now) => await store.resumePushHistory(now),
    async writePushHistory(ops) {
      for (const op of ops) if (op.op === 'end' && op.commitToAnswerMs !== null) metrics.pushAnswered(op.commitToAnswerMs);
      // Written first: a console woken by the notice reads the new entries.
      await store.writePushHistory(ops);
      metrics.historyWritten();
    },
  };
}

/** The delivery logger: counts each "delivered" line (plugin/deliver.ts), then logs it. */
export function tapDeliveryLog(log: Logger, metrics: AdminMetrics): Logger {
  return {
    info(msg, fields) {
      if (msg === 'delivered') metrics.delivered();
      log.info(msg, fields);
    },
    warn: (msg, fields) => log.warn(msg, fields),
    error: (msg, fields) => log.error(msg, fields),
    debug: (msg, fields) => log.debug(msg, fields),
  };
}

/** The login throttle, counting each failed login (EAS and console alike). */
export function tapLoginThrottle(throttle: LoginThrottle, metrics: AdminMetrics): LoginThrottle {
  return {
    retryAfter: (address, login) => throttle.retryAfter(address, login),
    fail(address, login) {
      metrics.loginFailed();
      return throttle.fail(address, login);
    },
    succeed: (address, login) => throttle.succeed(address, login),
    size: () => throttle.size(),
  };
}
