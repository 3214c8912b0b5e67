// The SQLite store is synchronous inside (better-sqlite3) and asynchronous outside: every method of
// the Store contract returns a Promise (docs/store.md "The asynchronous contract"), so that another
// implementation (PostgreSQL) can do I/O. One wrapper per method, made once, costs one resolved
// Promise per call and no extra turn of the event loop before the work: the call runs (and a write
// commits and publishes to the feed) before it returns its Promise.
import type { Store } from './types.js';

/** The synchronous shape of the Store's asynchronous methods (what store/index.ts composes). */
export type Synchronous<T> = {
  [K in keyof T as T[K] extends (...args: never[]) => Promise<unknown> ? K : never]: T[K] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => R
    : never;
};

type Methods = Omit<Store, 'feed' | 'shared' | 'verifyPasswordAsync'>;

/** Wraps each method: its result resolves the Promise, what it throws rejects it (never a synchronous throw). */
export function promised(sync: Synchronous<Methods>): Methods {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(sync) as [string, (...args: unknown[]) => unknown][]) {
    out[name] = (...args: unknown[]) => {
      try {
        return Promise.resolve(fn(...args));
      } catch (err) {
        return Promise.reject(err);
      }
    };
  }
  return out as unknown as Methods;
}
