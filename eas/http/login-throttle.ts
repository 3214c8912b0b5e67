// Failed-login throttling (MS-ASHTTP 3.1.5.2.3: throttled clients get HTTP 503 with
// Retry-After). Failures are counted per source address AND per (source address, login), never
// per account alone: an attacker elsewhere can then never lock the owner out of the owner's own
// phones. The pair limit is the tight one (guessing one password); the address limit is looser
// (one NAT may hold many honest users) and stops spraying many accounts from one place.
// Memory is bounded: at most `maxEntries` counters, oldest evicted first.

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

export interface LoginThrottle {
  /** Seconds to wait when this (address, login) is refused now, else 0. */
  retryAfter(address: string, login: string): number;
  /** Records a failed login; returns the seconds to wait if this failure crossed a limit, else 0. */
  fail(address: string, login: string): number;
  /** A successful login clears its own pair (never the address counter: one valid account must not
   *  let an attacker reset the budget for guessing others). */
  succeed(address: string, login: string): void;
  /** Counters held (for tests and the fuzz report). */
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

export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
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

  function wait(c: Counter | undefined, limit: number, t: number): number {
    if (!c || c.failures < limit) return 0;
    return Math.max(1, Math.ceil((c.first + windowMs - t) / 1000));
  }

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
