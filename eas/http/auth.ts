// MS-ASHTTP 2.2.1.1.2.1 Authorization: HTTP Basic. Phones type their login as
// "user@domain", "DOMAIN\user" or a plain "user"; Outlook may encode it in ISO-8859-1.
// The account is always the authenticated one: the query's User parameter is only a label.
// Every failure is 401 with a challenge, never 403 (Android reads 403 as "provision again");
// repeated failures from one source are throttled with 503 + Retry-After (login-throttle.ts).

import type { Account, Store } from '../../store/types.js';
import type { Logger } from '../log.js';
import { EasHttpError } from './errors.js';
import { sourceKey, type LoginThrottle } from './login-throttle.js';
import { createOneAtATime } from './one-at-a-time.js';

export const AUTH_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="eas-push", charset="UTF-8"' };

export interface BasicCredentials {
  /** Login as decoded (UTF-8, or ISO-8859-1 when the bytes are not UTF-8). */
  user: string;
  password: string;
  /** The ISO-8859-1 reading of the same bytes, when it differs from `user`/`password`. */
  latin1?: { user: string; password: string };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function split(decoded: string): { user: string; password: string } | null {
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Parses an Authorization header; null when absent or not Basic. */
export function parseBasicAuth(header: string | undefined): BasicCredentials | null {
  if (!header) return null;
  const m = /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return null;
  const bytes = Buffer.from(m[1]!, 'base64');
  const asLatin1 = split(bytes.toString('latin1'));
  let asUtf8: { user: string; password: string } | null = null;
  try {
    asUtf8 = split(utf8.decode(bytes));
  } catch {
    asUtf8 = null;
  }
  const primary = asUtf8 ?? asLatin1;
  if (!primary) return null;
  const creds: BasicCredentials = { ...primary };
  if (asUtf8 && asLatin1 && (asLatin1.user !== asUtf8.user || asLatin1.password !== asUtf8.password)) {
    creds.latin1 = asLatin1;
  }
  return creds;
}

/** The account addresses a login can mean, most specific first. */
export async function candidateAddresses(login: string, store: Store): Promise<string[]> {
  const name = login.trim();
  if (name === '') return [];
  const backslash = name.indexOf('\\');
  if (backslash >= 0) {
    const domain = name.slice(0, backslash);
    const user = name.slice(backslash + 1);
    if (user.includes('@')) return [user];
    const out: string[] = [];
    if (domain.includes('.')) out.push(`${user}@${domain}`);
    out.push(...await byLocalPart(user, store));
    return out;
  }
  if (name.includes('@')) return [name];
  return await byLocalPart(name, store);
}

/** A plain name means the one account with that local part; ambiguous names mean none. */
async function byLocalPart(local: string, store: Store): Promise<string[]> {
  const want = local.toLowerCase();
  const matches = (await store.listAccounts()).filter((a) => a.address.slice(0, a.address.lastIndexOf('@')) === want);
  return matches.length === 1 ? [matches[0]!.address] : [];
}

/** No account can have this address (NUL is never valid), so checking it costs one dummy scrypt. */
const NO_ACCOUNT = '\u0000@invalid';

/**
 * Checks the credentials against the store. Every failed attempt spends at least one full
 * password hash (the store's verifyPasswordAsync hashes a dummy for unknown addresses), so answer
 * times do not tell a login that names no account from a wrong password. The hashes run on
 * libuv's thread pool, one after another: a failed login never stalls other requests.
 */
async function verify(store: Store, creds: BasicCredentials): Promise<Account | null> {
  const readings = [creds, ...(creds.latin1 ? [creds.latin1] : [])];
  let tried = false;
  for (const r of readings) {
    for (const address of await candidateAddresses(r.user, store)) {
      tried = true;
      const account = await store.verifyPasswordAsync(address, r.password);
      if (account) return account;
    }
  }
  if (!tried) await store.verifyPasswordAsync(NO_ACCOUNT, creds.password);
  return null;
}

/** Credentials verified before (the store's cache of good logins): no hash, no wait. */
async function known(store: Store, creds: BasicCredentials): Promise<Account | null> {
  for (const r of [creds, ...(creds.latin1 ? [creds.latin1] : [])]) {
    for (const address of await candidateAddresses(r.user, store)) {
      const account = await store.knownCredentials(address, r.password);
      if (account) return account;
    }
  }
  return null;
}

/** Authenticates the request or throws 401 (no throttling: see createAuthenticator). */
export async function authenticate(store: Store, header: string | undefined): Promise<Account> {
  const creds = parseBasicAuth(header);
  if (!creds) throw new EasHttpError(401, 'authentication required', AUTH_CHALLENGE);
  const account = await verify(store, creds);
  if (!account) throw new EasHttpError(401, 'invalid credentials', AUTH_CHALLENGE);
  return account;
}

export interface AuthenticatorDeps {
  store: Store;
  log: Logger;
  throttle: LoginThrottle;
}

/**
 * Authenticates a request from `ip`: rejects with 503 + Retry-After while throttled, else 401,
 * or gives the account: after a store read for credentials verified before (every request of a
 * signed-in phone: no hash, no queue), after a hash off the event loop otherwise.
 */
export type Authenticator = (ip: string, header: string | undefined) => Promise<Account>;

export function createAuthenticator({ store, log, throttle }: AuthenticatorDeps): Authenticator {
  // Checks from one source take turns (as they did when hashing blocked the event loop), so each
  // sees the failures counted before it: N concurrent guesses cannot all slip past the throttle.
  const perSource = createOneAtATime();
  return async (ip, header) => {
    const creds = parseBasicAuth(header);
    // A request without credentials is every client's first probe, not a guess: not counted.
    if (!creds) return Promise.reject(new EasHttpError(401, 'authentication required', AUTH_CHALLENGE));
    // The hot path, without a hash or the queue: a signed-in phone's credentials, unless its pair is throttled
    // (then check() answers 503 as for any other attempt).
    if ((await throttle.retryAfter(ip, creds.user)) === 0) {
      const account = await known(store, creds);
      if (account) {
        await throttle.succeed(ip, creds.user);
        return account;
      }
    }
    return perSource(sourceKey(ip), () => check(ip, creds));
  };

  async function check(ip: string, creds: BasicCredentials): Promise<Account> {
    const login = creds.user;
    // Refused before hashing, so a throttled attacker costs no scrypt time either.
    const wait = await throttle.retryAfter(ip, login);
    if (wait > 0) {
      log.warn('login throttled', { ip, login, retryAfter: wait });
      throw new EasHttpError(503, 'too many failed logins', { 'Retry-After': String(wait), Connection: 'close' });
    }
    const account = await verify(store, creds);
    if (!account) {
      const crossed = await throttle.fail(ip, login);
      log.warn('login failed', { ip, login, ...(crossed > 0 ? { throttledFor: crossed } : {}) });
      throw new EasHttpError(401, 'invalid credentials', AUTH_CHALLENGE);
    }
    await throttle.succeed(ip, login);
    return account;
  }
}

/** The login name for the log line (never the password). */
export function loginOf(header: string | undefined): string | null {
  return parseBasicAuth(header)?.user ?? null;
}
