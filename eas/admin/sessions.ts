// Console sessions (docs/admin.md §1): a random id in an HttpOnly, SameSite=Strict cookie, and
// per session a CSRF token every form carries. Kept in memory: a restart signs everyone out,
// which is what an operator expects of a server that was restarted. Bounded: past `max`
// sessions the least recently used goes.

import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  readonly id: string;
  readonly accountId: number;
  readonly address: string;
  readonly csrf: string;
  lastUsed: number;
}

export interface SessionOptions {
  /** A session unused this long is over. Default 30 minutes. */
  idleMs?: number;
  /** Sessions kept at most. Default 1000. */
  max?: number;
  now?: () => number;
}

export interface Sessions {
  create(accountId: number, address: string): Session;
  /**
   * The live session of this id, or null. `touch: false` (the page's own live refreshes) does
   * not count as use: a console left open in a tab still ends after the idle time.
   */
  get(id: string | undefined, touch?: boolean): Session | null;
  drop(id: string): void;
  /** Ends every session of the account but `except` (its password was reset). */
  dropAccount(accountId: number, except?: string): void;
  size(): number;
}

export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of two tokens (a form's csrf against the session's). */
export function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createSessions(options: SessionOptions = {}): Sessions {
  const idleMs = options.idleMs ?? DEFAULT_SESSION_IDLE_MS;
  const max = Math.max(1, options.max ?? 1000);
  const now = options.now ?? Date.now;
  // Insertion order is use order (a used session is re-inserted): the oldest is first.
  const byId = new Map<string, Session>();

  return {
    create(accountId, address) {
      while (byId.size >= max) {
        const oldest = byId.keys().next().value;
        if (oldest === undefined) break;
        byId.delete(oldest);
      }
      const session: Session = { id: newToken(), accountId, address, csrf: newToken(), lastUsed: now() };
      byId.set(session.id, session);
      return session;
    },
    get(id, touch = true) {
      if (id === undefined) return null;
      const session = byId.get(id);
      if (!session) return null;
      const t = now();
      if (t - session.lastUsed > idleMs) {
        byId.delete(id);
        return null;
      }
      if (touch) {
        session.lastUsed = t;
        byId.delete(id);
        byId.set(id, session);
      }
      return session;
    },
    drop(id) {
      byId.delete(id);
    },
    dropAccount(accountId, except) {
      for (const [id, s] of byId) if (s.accountId === accountId && id !== except) byId.delete(id);
    },
    size: () => byId.size,
  };
}
