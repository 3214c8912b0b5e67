// Failed-login throttling (MS-ASHTTP 3.1.5.2.3: throttled clients get HTTP 503 with
// Retry-After). Failures are counted per source address AND per (source address, login), never
// per account alone: an attacker elsewhere can then never lock the owner out of the owner's own
// phones. The pair limit is the tight one (guessing one password); the address limit is looser
// (one NAT may hold many honest users) and stops spraying many accounts from one place.
// Memory is bounded: at most `maxEntries` counters, oldest evicted first.
//
// Nodes sharing a store (PostgreSQL) count together: createSharedLoginThrottle() keeps the same
// counters in the store (Store.shared.loginFailures), so an attacker alternating nodes gets no more
// guesses than on one. One process alone keeps them in memory (createLoginThrottle()).

import { createHash } from 'node:crypto';
import type { LoginFailureCounter, LoginFailureStore } from '../../store/types.js';

export interface LoginThrottleOptions {
  /** Failures of one login from one address within the window before it is refused. */
  maxPerPair?: number;
  /** Failures of any login from one address within the window before it is refused. */
  maxPerAddress?: number;
  windowMs?: number;
  /** Counters kept at most (each is a few dozen bytes). */
  maxEntries?: number;
  now?: () => number;
}

export const DEFAULT_LOGIN_THROTTLE = {
  maxPerPair: 10,
  maxPerAddress: 50,
  windowMs: 5 * 60_000,
  maxEntries: 20_000,
} as const;

interface Counter {
  /** Start of this counter's window (ms). */
  first: number;
  failures: number;
}

/** Callers await every answer: the in-memory throttle answers at once, the shared one after a query. */
export interface LoginThrottle {
  /** Seconds to wait when this (address, login) is refused now, else 0. */
  retryAfter(address: string, login: string): number | Promise<number>;
  /** Records a failed login; returns the seconds to wait if this failure crossed a limit, else 0. */
  fail(address: string, login: string): number | Promise<number>;
  /** A successful login clears its own pair (never the address counter: one valid account must not
   *  let an attacker reset the budget for guessing others). */
  succeed(address: string, login: string): void | Promise<void>;
  /** Counters held (for tests and the fuzz report). */
  size(): number | Promise<number>;
}

/** The in-memory throttle answers synchronously. */
export interface MemoryLoginThrottle extends LoginThrottle {
  retryAfter(address: string, login: string): number;
  fail(address: string, login: string): number;
  succeed(address: string, login: string): void;
  size(): number;
}

/**
 * The unit an attacker cannot cheaply multiply: an IPv4 address, or the /64 of an IPv6 address
 * (one customer line usually gets a whole /64). IPv4-mapped IPv6 is read as IPv4.
 */
export function sourceKey(address: string): string {
  const a = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  const [head = '', tail = ''] = a.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = a.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function createLoginThrottle(options: LoginThrottleOptions = {}): MemoryLoginThrottle {
  const maxPerPair = options.maxPerPair ?? DEFAULT_LOGIN_THROTTLE.maxPerPair;
  const maxPerAddress = options.maxPerAddress ?? DEFAULT_LOGIN_THROTTLE.maxPerAddress;
  const windowMs = options.windowMs ?? DEFAULT_LOGIN_THROTTLE.windowMs;
  const maxEntries = Math.max(2, options.maxEntries ?? DEFAULT_LOGIN_THROTTLE.maxEntries);
  const now = options.now ?? Date.now;
  // Insertion order is window-start order (a reset counter is re-inserted), so the expired
  // counters are always at the front.
  const counters = new Map<string, Counter>();

  const pairKey = (address: string, login: string) => `p\0${sourceKey(address)}\0${login.trim().toLowerCase()}`;
  const addressKey = (address: string) => `a\0${sourceKey(address)}`;

  function live(key: string, t: number): Counter | undefined {
    const c = counters.get(key);
    if (c && t - c.first >= windowMs) {
      counters.delete(key);
      return undefined;
    }
    return c;
  }

  function sweep(t: number): void {
    for (const [key, c] of counters) {
      if (t - c.first < windowMs) break;
      counters.delete(key);
    }
  }

  const wait = (c: Counter | undefined, limit: number, t: number): number => waitFor(c, limit, windowMs, t);

  function bump(key: string, t: number): Counter {
    let c = live(key, t);
    if (!c) {
      sweep(t);
      // Still full of live counters (an attack from very many sources): drop the oldest.
      while (counters.size >= maxEntries) {
        const oldest = counters.keys().next().value;
        if (oldest === undefined) break;
        counters.delete(oldest);
      }
      c = { first: t, failures: 0 };
      counters.set(key, c);
    }
    c.failures++;
    return c;
  }

  return {
    retryAfter(address, login) {
      const t = now();
      return Math.max(wait(live(pairKey(address, login), t), maxPerPair, t), wait(live(addressKey(address), t), maxPerAddress, t));
    },
    fail(address, login) {
      const t = now();
      const pair = bump(pairKey(address, login), t);
      const addr = bump(addressKey(address), t);
      return Math.max(wait(pair, maxPerPair, t), wait(addr, maxPerAddress, t));
    },
    succeed(address, login) {
      counters.delete(pairKey(address, login));
    },
    size: () => counters.size,
  };
}

function waitFor(c: Counter | undefined, limit: number, windowMs: number, t: number): number {
  if (!c || c.failures < limit) return 0;
  return Math.max(1, Math.ceil((c.first + windowMs - t) / 1000));
}

/** Failures between two prunes of the shared counters, per node: the table holds at most maxEntries and this many more per node. */
const PRUNE_EVERY = 100;

/** Pair keys of the shared counters this node saw with failures, kept at most (then forgotten). */
const SEEN_MAX = 10_000;

/**
 * The same throttle over counters in the store, shared by the nodes (docs/postgres.md "Rules across
 * nodes"). Per login: one read of the pair and address counters (every request, the hot path of a
 * signed-in phone included: a pair throttled on another node must refuse here too), one upsert of
 * both per failure, and a delete on success only when this node saw the pair with failures. The
 * table is kept to `maxEntries` counters, passed windows first, every PRUNE_EVERY failures of a node.
 * The login is hashed into its key: any length, any bytes, a fixed-size key.
 */
export function createSharedLoginThrottle(store: LoginFailureStore, options: LoginThrottleOptions = {}): LoginThrottle {
  const maxPerPair = options.maxPerPair ?? DEFAULT_LOGIN_THROTTLE.maxPerPair;
  const maxPerAddress = options.maxPerAddress ?? DEFAULT_LOGIN_THROTTLE.maxPerAddress;
  const windowMs = options.windowMs ?? DEFAULT_LOGIN_THROTTLE.windowMs;
  const maxEntries = Math.max(2, options.maxEntries ?? DEFAULT_LOGIN_THROTTLE.maxEntries);
  const now = options.now ?? Date.now;
  /** Pairs with failures as last seen here: only those cost a delete on success. */
  const seen = new Set<string>();
  let failures = 0;

  const pairKey = (address: string, login: string) =>
    `p:${sourceKey(address)}:${createHash('sha256').update(login.trim().toLowerCase()).digest('base64url')}`;
  const addressKey = (address: string) => `a:${sourceKey(address)}`;
  const note = (key: string) => {
    if (seen.size >= SEEN_MAX) seen.clear();
    seen.add(key);
  };

  function waits(counters: LoginFailureCounter[], pair: string, t: number): number {
    let w = 0;
    for (const c of counters) {
      if (c.key === pair) note(pair);
      const limit = c.key === pair ? maxPerPair : maxPerAddress;
      w = Math.max(w, waitFor({ first: c.windowStart, failures: c.failures }, limit, windowMs, t));
    }
    return w;
  }

  return {
    async retryAfter(address, login) {
      const t = now();
      const pair = pairKey(address, login);
      return waits(await store.read([pair, addressKey(address)], t, windowMs), pair, t);
    },
    async fail(address, login) {
      const t = now();
      const pair = pairKey(address, login);
      const w = waits(await store.bump([pair, addressKey(address)], t, windowMs), pair, t);
      if (++failures % PRUNE_EVERY === 0) await store.prune(t, windowMs, maxEntries);
      return w;
    },
    async succeed(address, login) {
      const pair = pairKey(address, login);
      if (!seen.delete(pair)) return;
      await store.clear(pair);
    },
    size: () => store.size(),
  };
}
