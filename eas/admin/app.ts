// The operator's console (docs/admin.md): a second Koa app in the same process, over the store,
// the push registry and the in-process metrics. Server-rendered HTML, charts as SVG, live by
// server-sent events; signed in with a login form (a session cookie, HttpOnly, SameSite=Strict),
// throttled by the same login throttle as EAS; every POST checked against cross-site requests
// (cross-site.ts) and a CSRF token; every action confirmed first and logged.

import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import type { Account, Device } from '../../store/types.js';
import { StoreError } from '../../store/types.js';
import { crossSiteReason } from './cross-site.js';
import { createEventHub, type EventHub } from './events.js';
import { html, seg, type Html } from './html.js';
import { page, type PageFrame } from './layout.js';
import { accountsLive } from './page-accounts.js';
import { deviceLive } from './page-device.js';
import { loginForm, passwordForm, removeConfirm, wipeConfirm } from './page-forms.js';
import { serverLive } from './page-server.js';
import { createSessions, newToken, sameToken, type Session, type Sessions } from './sessions.js';
import type { ConsoleDeps, ConsoleOptions } from './types.js';

const SESSION_COOKIE = 'eas_admin';
const LOGIN_COOKIE = 'eas_admin_login';
/** Forms are a few fields: anything larger is not ours. */
const MAX_FORM_BYTES = 16 * 1024;
const DEFAULT_TICK_MS = 5_000;

export interface AdminConsole {
  app: Koa;
  sessions: Sessions;
  events: EventHub;
  /** Ends the live streams (before the HTTP server closes). */
  close(): void;
}

class ConsoleError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface State {
  nonce: string;
  session: Session | null;
}

type Ctx = Koa.ParameterizedContext<State>;

async function readForm(ctx: Ctx): Promise<URLSearchParams> {
  const type = (ctx.get('Content-Type').split(';')[0] ?? '').trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new ConsoleError(415, 'expected a form (application/x-www-form-urlencoded)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new ConsoleError(413, 'form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The client's address: behind --trust-proxy, from X-Forwarded-For (Koa's ctx.ip), as for EAS. */
function clientIp(ctx: Ctx): string {
  return (ctx.app.proxy ? ctx.ip : ctx.req.socket.remoteAddress) || 'unknown';
}

export function createAdminConsole(deps: ConsoleDeps, options: ConsoleOptions): AdminConsole {
  const { store, push, metrics, throttle, log } = deps;
  const sessions = createSessions(options.sessionIdleMs !== undefined ? { idleMs: options.sessionIdleMs } : {});
  const events = createEventHub(metrics, options.tickMs ?? DEFAULT_TICK_MS);
  const app = new Koa<State>();
  // Behind a TLS proxy (--trust-proxy) the page's origin is the proxy's: X-Forwarded-Proto and
  // X-Forwarded-Host then make ctx.protocol and ctx.host, which the Origin check compares with.
  app.proxy = options.trustProxy ?? false;
  // Only the last X-Forwarded-For entry is the proxy's own word (as in eas/app.ts).
  app.maxIpsCount = 1;
  const cookieFlags = (ctx: Ctx, path = '/'): string => `HttpOnly; SameSite=Strict; Path=${path}${options.secure || ctx.secure ? '; Secure' : ''}`;

  /** A live session of an account that is still an admin (re-read: the CLI may have changed it). */
  async function currentSession(ctx: Ctx, touch = true): Promise<Session | null> {
    const session = sessions.get(ctx.cookies.get(SESSION_COOKIE), touch);
    if (!session) return null;
    if (!await store.getAccount(session.accountId) || !await store.isAdmin(session.accountId)) {
      sessions.drop(session.id);
      return null;
    }
    return session;
  }

  function frame(ctx: Ctx, title: string, extra: Partial<PageFrame> = {}): PageFrame {
    return { title, admin: ctx.state.session?.address ?? null, csrf: ctx.state.session?.csrf ?? null, nonce: ctx.state.nonce, ...extra };
  }

  /** A page whose live part refreshes; a fragment request gets the live part alone. */
  function livePage(ctx: Ctx, title: string, nav: PageFrame['nav'], live: Html): void {
    ctx.type = 'text/html; charset=utf-8';
    if (ctx.get('X-Console-Fragment') === '1') {
      ctx.body = live.text;
      return;
    }
    ctx.body = page(frame(ctx, title, nav ? { nav, live: true } : { live: true }), html`<div id="live">${live}</div>`).text;
  }

  function plainPage(ctx: Ctx, title: string, body: Html, status = 200): void {
    ctx.status = status;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page(frame(ctx, title), body).text;
  }

  async function findAccount(address: string): Promise<Account> {
    const account = await store.findAccount(address);
    if (!account || account.address !== address.trim().toLowerCase()) throw new ConsoleError(404, `no account ${address}`);
    return account;
  }

  async function findDevice(address: string, deviceId: string): Promise<{ account: Account; device: Device }> {
    const account = await findAccount(address);
    const device = await store.getDevice(account.id, deviceId);
    if (!device) throw new ConsoleError(404, `no device ${deviceId} of ${account.address}`);
    return { account, device };
  }

  function redirect(ctx: Ctx, to: string): void {
    ctx.status = 303;
    ctx.redirect(to);
  }

  // Headers on every answer, errors rendered as a page.
  app.use(async (ctx, next) => {
    ctx.state.nonce = randomBytes(16).toString('base64');
    ctx.state.session = null;
    ctx.set({
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${ctx.state.nonce}'; script-src 'nonce-${ctx.state.nonce}'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    });
    try {
      await next();
    } catch (err) {
      const known = err instanceof ConsoleError ? err : err instanceof StoreError ? new ConsoleError(400, err.message) : null;
      if (!known) {
        log.error('admin: request failed', { path: ctx.path, err: String(err) });
      }
      const status = known?.status ?? 500;
      ctx.set(known?.headers ?? {});
      plainPage(ctx, 'Error', html`<h1>${status === 403 ? 'Refused' : 'Error'}</h1><p class="notice bad" role="alert">${known?.message ?? 'internal error (see the server log)'}</p>
<p><a href="/accounts">Back to the accounts</a></p>`, status);
    }
  });

  // Cross-site checks before anything acts on a POST, the login included.
  app.use(async (ctx, next) => {
    if (ctx.method === 'POST') {
      const reason = crossSiteReason(ctx);
      if (reason) {
        log.warn('admin: cross-site request refused', { path: ctx.path, ip: clientIp(ctx), reason });
        throw new ConsoleError(403, 'cross-site request refused');
      }
    } else if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      throw new ConsoleError(405, `method ${ctx.method} not allowed`, { Allow: 'GET, POST' });
    }
    await next();
  });

  app.use(async (ctx, next) => {
    if (ctx.path === '/login') return login(ctx);
    if (ctx.path === '/favicon.ico') throw new ConsoleError(404, 'no icon');
    // The page's own refreshes (fragments, the event stream) do not keep a session alive.
    const session = await currentSession(ctx, ctx.get('X-Console-Fragment') !== '1' && ctx.path !== '/events');
    if (!session) {
      if (ctx.method === 'GET' && ctx.get('X-Console-Fragment') !== '1' && ctx.path !== '/events') return redirect(ctx, '/login');
      throw new ConsoleError(401, 'not logged in');
    }
    ctx.state.session = session;
    let form: URLSearchParams | null = null;
    if (ctx.method === 'POST') {
      form = await readForm(ctx);
      if (!sameToken(form.get('csrf') ?? undefined, session.csrf)) {
        log.warn('admin: POST without the session\'s CSRF token refused', { path: ctx.path, admin: session.address, ip: clientIp(ctx) });
        throw new ConsoleError(403, 'cross-site request refused (the form\'s token does not match this session)');
      }
    }
    await route(ctx, session, form);
    await next();
  });

  async function login(ctx: Ctx): Promise<void> {
    if (ctx.method === 'GET') {
      // Reused while it lasts: a second GET (another tab, the favicon's redirect) must not void the first form.
      const held = ctx.cookies.get(LOGIN_COOKIE);
      const token = held !== undefined && /^[\w-]{43}$/.test(held) ? held : newToken();
      ctx.set('Set-Cookie', `${LOGIN_COOKIE}=${token}; ${cookieFlags(ctx, '/login')}`);
      return plainPage(ctx, 'Log in', loginForm(token, null));
    }
    const form = await readForm(ctx);
    const given = form.get('csrf') ?? undefined;
    const cookie = ctx.cookies.get(LOGIN_COOKIE);
    if (cookie === undefined || !sameToken(given, cookie)) throw new ConsoleError(403, 'cross-site request refused (reload the login page)');
    const address = (form.get('address') ?? '').trim();
    const password = form.get('password') ?? '';
    const ip = clientIp(ctx);
    const retry = await throttle.retryAfter(ip, address);
    if (retry > 0) {
      log.warn('admin: login throttled', { ip, login: address, retryAfter: retry });
      throw new ConsoleError(503, `too many failed logins: try again in ${retry} s`, { 'Retry-After': String(retry) });
    }
    const account = address && password ? await store.verifyPasswordAsync(address, password) : null;
    const refuse = (status: number, message: string): void => {
      ctx.set('Set-Cookie', `${LOGIN_COOKIE}=${cookie}; ${cookieFlags(ctx, '/login')}`);
      plainPage(ctx, 'Log in', loginForm(cookie, message), status);
    };
    if (!account) {
      const wait = await throttle.fail(ip, address);
      log.warn('admin: login failed', { ip, login: address, ...(wait > 0 ? { retryAfter: wait } : {}) });
      return refuse(401, 'Wrong account or password.');
    }
    if (!await store.isAdmin(account.id)) {
      log.warn('admin: login refused, not an admin', { ip, login: account.address });
      return refuse(403, `${account.address} is not an administrator (eas-push user set ${account.address} --admin).`);
    }
    await throttle.succeed(ip, address);
    const session = sessions.create(account.id, account.address);
    ctx.set('Set-Cookie', [`${SESSION_COOKIE}=${session.id}; ${cookieFlags(ctx)}`, `${LOGIN_COOKIE}=; Max-Age=0; ${cookieFlags(ctx, '/login')}`]);
    log.info('admin: logged in', { admin: account.address, ip });
    redirect(ctx, '/accounts');
  }

  async function route(ctx: Ctx, session: Session, form: URLSearchParams | null): Promise<void> {
    const parts = ctx.path.split('/').filter((p) => p !== '').map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        throw new ConsoleError(400, 'malformed path');
      }
    });
    const now = new Date();
    const post = ctx.method === 'POST';
    const who = { admin: session.address, ip: clientIp(ctx) };

    if (parts.length === 0 && !post) return redirect(ctx, '/accounts');
    if (parts[0] === 'logout' && parts.length === 1 && post) {
      sessions.drop(session.id);
      ctx.set('Set-Cookie', `${SESSION_COOKIE}=; Max-Age=0; ${cookieFlags(ctx)}`);
      log.info('admin: logged out', who);
      return redirect(ctx, '/login');
    }
    if (parts[0] === 'events' && parts.length === 1 && !post) {
      ctx.respond = false;
      events.open(ctx.res, async () => await currentSession(ctx, false) !== null);
      return;
    }
    if (parts[0] === 'server' && parts.length === 1 && !post) {
      return livePage(ctx, 'Server', 'server', serverLive(metrics.snapshot(), push.size(), now));
    }
    if (parts[0] === 'accounts') {
      if (parts.length === 1 && !post) {
        const done = ctx.query['done'];
        return livePage(ctx, 'Accounts', 'accounts', await accountsLive(store, now, typeof done === 'string' ? done : null));
      }
      const address = parts[1]!;
      if (parts.length === 3 && parts[2] === 'password') {
        const account = await findAccount(address);
        if (!post) return plainPage(ctx, 'Reset password', passwordForm(account, session.csrf, null));
        const pw = form!.get('password') ?? '';
        if (form!.get('confirm') !== 'yes') throw new ConsoleError(400, 'the action was not confirmed');
        if (pw === '' || pw !== form!.get('repeat')) {
          return plainPage(ctx, 'Reset password', passwordForm(account, session.csrf, pw === '' ? 'The password is empty.' : 'The two passwords differ.'), 400);
        }
        await store.setPassword(account.address, pw);
        sessions.dropAccount(account.id, session.id);
        log.info('admin: password reset', { ...who, account: account.address });
        return redirect(ctx, `/accounts?done=${seg(`password of ${account.address} reset`)}`);
      }
      if (parts.length >= 4 && parts[2] === 'devices') {
        const { account, device } = await findDevice(address, parts[3]!);
        const base = `/accounts/${seg(account.address)}/devices/${seg(device.deviceId)}`;
        if (parts.length === 4 && !post) {
          const done = ctx.query['done'];
          return livePage(ctx, device.deviceId, 'accounts', await deviceLive(store, account, device, now, typeof done === 'string' ? done : null));
        }
        if (parts.length === 5 && parts[4] === 'wipe') {
          if (!post) return plainPage(ctx, 'Wipe', wipeConfirm(account, device, session.csrf));
          if (form!.get('confirm') !== 'yes') throw new ConsoleError(400, 'the action was not confirmed');
          const accountOnly = form!.get('account-only') === 'yes';
          if (accountOnly && device.protocolVersion !== '16.1') throw new ConsoleError(400, `device ${device.deviceId} speaks EAS ${device.protocolVersion ?? '(unknown)'}: an account-only wipe needs 16.1`);
          await store.updateDevice(device.id, { wipe: accountOnly ? 'account-only-requested' : 'requested' });
          log.info('admin: remote wipe requested', { ...who, account: account.address, device: device.deviceId, accountOnly });
          return redirect(ctx, `${base}?done=${seg(accountOnly ? 'Account-only remote wipe requested: sent on the device\'s next request.' : 'Full remote wipe requested: sent on the device\'s next request.')}`);
        }
        if (parts.length === 5 && parts[4] === 'remove') {
          if (!post) return plainPage(ctx, 'Remove', removeConfirm(account, device, session.csrf));
          if (form!.get('confirm') !== 'yes') throw new ConsoleError(400, 'the action was not confirmed');
          await store.removeDevice(device.id);
          log.info('admin: device removed', { ...who, account: account.address, device: device.deviceId });
          return redirect(ctx, `/accounts?done=${seg(`device ${device.deviceId} of ${account.address} removed`)}`);
        }
      }
    }
    throw new ConsoleError(404, 'no such page');
  }

  return {
    app,
    sessions,
    events,
    close: () => events.close(),
  };
}
