// The console tests' world: a full server with the console on (port 0), an admin and a plain
// account, and a small HTTP client that logs in as a browser would (the login page's token
// cookie, then the form), keeping the session cookie.

import type { ExecutionContext } from 'ava';
import type { Account } from '../../store/types.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.js';

export const ADMIN = { address: 'root@example.com', password: 'admin-secret' };
export const ALICE = { address: 'alice@example.com', password: 'alice-secret' };

export interface ConsoleWorld {
  ts: TestServer;
  /** http://127.0.0.1:PORT of the console. */
  base: string;
  admin: Account;
  alice: Account;
}

export async function consoleWorld(t: ExecutionContext, opts: TestServerOptions = {}): Promise<ConsoleWorld> {
  const ts = await startTestServer({ parseWorkers: 0, admin: { host: '127.0.0.1', port: 0 }, adminTickMs: 250, ...opts });
  t.teardown(() => ts.stop());
  const admin = await ts.addUser(ADMIN.address, ADMIN.password);
  await ts.store.setAdmin(admin.id, true);
  const alice = await ts.addUser(ALICE.address, ALICE.password);
  const port = ts.server.admin?.port;
  if (!port) throw new Error('the console did not start');
  return { ts, base: `http://127.0.0.1:${port}`, admin, alice };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** One request, no redirects followed; `cookies` are sent and updated from Set-Cookie. */
export async function request(
  base: string,
  path: string,
  init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; cookies?: Map<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.cookies && init.cookies.size > 0) headers['Cookie'] = [...init.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  let body: string | undefined;
  if (init.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const r = await fetch(base + path, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
  if (init.cookies) {
    for (const line of r.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /Max-Age=0/i.test(line)) init.cookies.delete(name);
      else init.cookies.set(name, value);
    }
  }
  return { status: r.status, headers: r.headers, text: await r.text() };
}

/** The hidden csrf field of the first form on the page. */
export function csrfOf(page: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(page);
  if (!m) throw new Error('no csrf field on the page');
  return m[1]!;
}

/** Logs in through the login form; returns the answer to the POST and the cookie jar. */
export async function login(base: string, who: { address: string; password: string }): Promise<{ answer: Answer; cookies: Map<string, string> }> {
  const cookies = new Map<string, string>();
  const form = await request(base, '/login', { cookies });
  const answer = await request(base, '/login', {
    cookies,
    headers: { Origin: base },
    form: { csrf: csrfOf(form.text), address: who.address, password: who.password },
  });
  return { answer, cookies };
}
