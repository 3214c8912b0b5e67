// Failed logins are throttled per source address and per (source address, login) with 503 +
// Retry-After (MS-ASHTTP 3.1.5.2.3), never per account alone, so the owner's own devices on
// other addresses still get in; the log names the login and address, never a password; every
// failure spends a password hash, whether or not the login names an account.

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthenticator } from '../../eas/http/auth.js';
import { EasHttpError } from '../../eas/http/errors.js';
import { createLoginThrottle, sourceKey } from '../../eas/http/login-throttle.js';
import { openStore } from '../../store/index.js';
import type { Account, Store } from '../../store/types.js';
import { captureLogger } from '../eas-http/harness.js';
import { startTestServer } from '../helpers/server.js';
import { rawRequest } from './http.js';

const RIGHT = 'correct horse battery';
const WRONG = 'guess-number-';

test('10 failures for one login from one address: the 11th attempt is 503 + Retry-After, even with the right password; the owner elsewhere gets in', async (t) => {
  const log = captureLogger();
  const s = await startTestServer({ log });
  t.teardown(() => s.stop());
  await s.addUser('alice@example.com', RIGHT);
  await s.addUser('bob@example.com', RIGHT);
  const port = s.httpPort;

  for (let i = 0; i < 10; i++) {
    const res = await rawRequest({ port, user: 'alice@example.com', password: `${WRONG}${i}` });
    t.is(res.status, 401, `attempt ${i + 1}`);
  }
  const throttled = await rawRequest({ port, user: 'alice@example.com', password: RIGHT });
  t.is(throttled.status, 503);
  const retryAfter = Number(throttled.headers['retry-after']);
  t.true(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 300, `Retry-After ${throttled.headers['retry-after']}`);
  t.is(throttled.headers.connection, 'close');
  t.is(throttled.headers['ms-server-activesync'], '16.1', 'rendered by the EAS error layer');
  // The same for a POST (and the same login typed in another case).
  const post = await rawRequest({ port, method: 'POST', path: '/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=x&DeviceId=ATTACK1&DeviceType=x', user: 'Alice@Example.com', password: RIGHT });
  t.is(post.status, 503);

  // The owner's phone on another address, and another user on the attacker's address, are not locked out.
  t.is((await rawRequest({ port, from: '127.0.0.2', user: 'alice@example.com', password: RIGHT })).status, 200);
  t.is((await rawRequest({ port, user: 'bob@example.com', password: RIGHT })).status, 200);

  const failed = log.lines.filter((l) => l.msg === 'login failed');
  t.is(failed.length, 10);
  t.like(failed[0]!.fields, { ip: '127.0.0.1', login: 'alice@example.com' });
  t.like(failed[9]!.fields, { throttledFor: retryAfter });
  t.true(log.lines.some((l) => l.msg === 'login throttled' && l.fields.login === 'alice@example.com'));
  const everything = JSON.stringify(log.lines);
  t.false(everything.includes(WRONG), 'no tried password in the log');
  t.false(everything.includes(RIGHT), 'no real password in the log');
});

test('spraying many logins from one address hits the per-address limit; other addresses are unaffected', async (t) => {
  const s = await startTestServer({ loginThrottle: { maxPerPair: 100, maxPerAddress: 5 } });
  t.teardown(() => s.stop());
  await s.addUser('carol@example.com', RIGHT);
  const port = s.httpPort;
  for (let i = 0; i < 5; i++) {
    t.is((await rawRequest({ port, from: '127.0.0.3', user: `user${i}@example.com`, password: 'x' })).status, 401);
  }
  t.is((await rawRequest({ port, from: '127.0.0.3', user: 'carol@example.com', password: RIGHT })).status, 503);
  t.is((await rawRequest({ port, from: '127.0.0.1', user: 'carol@example.com', password: RIGHT })).status, 200);
  // No credentials at all is a client's normal first probe: never counted, never throttled.
  for (let i = 0; i < 8; i++) t.is((await rawRequest({ port, from: '127.0.0.4' })).status, 401);
  t.is((await rawRequest({ port, from: '127.0.0.4', user: 'carol@example.com', password: RIGHT })).status, 200);
});

test('behind a trusted proxy the throttle counts the address the proxy saw, not one the client wrote into X-Forwarded-For', async (t) => {
  const s = await startTestServer({ trustProxy: true, loginThrottle: { maxPerPair: 3, maxPerAddress: 50 } });
  t.teardown(() => s.stop());
  await s.addUser('dave@example.com', RIGHT);
  // What nginx's $proxy_add_x_forwarded_for sends: the client's own header, then the address
  // the proxy saw (203.0.113.7). A new forged first entry for every guess must not be a new source.
  const guess = (i: number, password: string) =>
    rawRequest({ port: s.httpPort, user: 'dave@example.com', password, headers: { 'X-Forwarded-For': `198.51.100.${i}, 203.0.113.7` } });
  for (let i = 0; i < 3; i++) t.is((await guess(i, `${WRONG}${i}`)).status, 401, `guess ${i + 1}`);
  t.is((await guess(99, RIGHT)).status, 503, 'the fourth attempt from 203.0.113.7 is throttled, whatever it claims');
  // The owner behind another address the proxy saw gets in.
  const owner = await rawRequest({ port: s.httpPort, user: 'dave@example.com', password: RIGHT, headers: { 'X-Forwarded-For': '192.0.2.44' } });
  t.is(owner.status, 200);
});

test('the window: counters expire, a success clears its own pair but not the address budget', (t) => {
  let now = 1_000_000;
  const throttle = createLoginThrottle({ maxPerPair: 3, maxPerAddress: 5, windowMs: 60_000, now: () => now });
  throttle.fail('10.0.0.1', 'dave');
  throttle.fail('10.0.0.1', 'dave');
  throttle.succeed('10.0.0.1', 'dave');
  throttle.fail('10.0.0.1', 'dave');
  throttle.fail('10.0.0.1', 'dave');
  t.is(throttle.retryAfter('10.0.0.1', 'dave'), 0, 'the success reset the pair: 2 of 3');
  t.is(throttle.fail('10.0.0.1', 'dave'), 60, 'third failure crosses the limit: wait out the window');
  t.is(throttle.retryAfter('10.0.0.1', 'DAVE'), 60, 'logins compare case-insensitively');
  t.is(throttle.retryAfter('10.0.0.2', 'dave'), 0);
  t.is(throttle.retryAfter('10.0.0.1', 'erin'), 60, 'five failures from the address: the success did not refund them');
  now += 30_000;
  t.is(throttle.retryAfter('10.0.0.1', 'dave'), 30);
  now += 30_000;
  t.is(throttle.retryAfter('10.0.0.1', 'dave'), 0, 'window over');
});

test('memory is bounded: an attack from very many addresses keeps at most maxEntries counters', (t) => {
  const throttle = createLoginThrottle({ maxEntries: 1000 });
  for (let i = 0; i < 20_000; i++) throttle.fail(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, `user${i}`);
  t.true(throttle.size() <= 1000, `${throttle.size()} counters`);
  // The newest attackers are still tracked.
  for (let i = 0; i < 9; i++) throttle.fail('10.0.78.31', 'user19999');
  t.true(throttle.retryAfter('10.0.78.31', 'user19999') > 0);
});

test('IPv6 sources are counted per /64; IPv4-mapped addresses as IPv4', (t) => {
  t.is(sourceKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  t.is(sourceKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
  t.is(sourceKey('2001:db8::5'), '2001:db8:0:0::/64');
  t.is(sourceKey('::ffff:192.0.2.7'), '192.0.2.7');
  t.is(sourceKey('::1'), '0:0:0:0::/64');
  const throttle = createLoginThrottle({ maxPerPair: 2 });
  throttle.fail('2001:db8:1:2::10', 'frank');
  throttle.fail('2001:db8:1:2::20', 'frank');
  t.true(throttle.retryAfter('2001:db8:1:2::30', 'frank') > 0, 'same /64');
  t.is(throttle.retryAfter('2001:db8:1:3::10', 'frank'), 0, 'another /64');
});

test('every failed login spends a password hash, whether the login names an account or not', async (t) => {
  let verifications = 0;
  const accounts = [{ id: 1, address: 'gina@example.com', displayName: null, createdAt: '' }];
  const store = {
    listAccounts: () => accounts,
    knownCredentials: () => null,
    verifyPasswordAsync: async () => {
      verifications++;
      return null;
    },
  } as unknown as Store;
  const auth = createAuthenticator({ store, log: captureLogger(), throttle: createLoginThrottle({ maxPerPair: 1000, maxPerAddress: 1000 }) });
  const header = (user: string) => `Basic ${Buffer.from(`${user}:pw`).toString('base64')}`;
  for (const login of ['gina@example.com', 'nobody@example.com', 'gina', 'nobody', 'CORP\\nobody', '', '   ']) {
    verifications = 0;
    const err = await t.throwsAsync(Promise.resolve(auth('192.0.2.1', header(login))), { instanceOf: EasHttpError });
    t.is(err?.status, 401, login);
    t.true(verifications >= 1, `login ${JSON.stringify(login)} spent ${verifications} hashes`);
  }
});

test('concurrent guesses from one source take turns: no more hashes than the limit, the rest 503 before hashing', async (t) => {
  let hashes = 0;
  const store = {
    listAccounts: () => [],
    knownCredentials: () => null,
    // Answers a turn of the event loop later, as the thread-pool scrypt does.
    verifyPasswordAsync: () => {
      hashes++;
      return new Promise((resolve) => setImmediate(() => resolve(null)));
    },
  } as unknown as Store;
  const log = captureLogger();
  const auth = createAuthenticator({ store, log, throttle: createLoginThrottle({ maxPerPair: 10, maxPerAddress: 1000 }) });
  const header = `Basic ${Buffer.from('hana@example.com:guess').toString('base64')}`;
  const statuses = await Promise.all(
    Array.from({ length: 15 }, () =>
      Promise.resolve(auth('192.0.2.9', header)).then(
        () => 200,
        (err: unknown) => (err instanceof EasHttpError ? err.status : -1),
      ),
    ),
  );
  t.deepEqual(statuses, [...Array(10).fill(401), ...Array(5).fill(503)]);
  t.is(hashes, 10);
  t.is(log.lines.filter((l) => l.msg === 'login failed').length, 10);
  t.is(log.lines.filter((l) => l.msg === 'login throttled').length, 5);
  // Another source is not held up by, nor counted with, the first.
  let other = 0;
  await Promise.resolve(auth('198.51.100.1', header)).catch((err: unknown) => {
    other = err instanceof EasHttpError ? err.status : -1;
  });
  t.is(other, 401);
});

test('failed logins through the authenticator do not block the event loop (real store, real scrypt)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-auth-'));
  const store = openStore(join(dir, 'mail.sqlite'));
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await store.createAccount('ivy@example.com', RIGHT);
  const auth = createAuthenticator({ store, log: captureLogger(), throttle: createLoginThrottle() });
  const header = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  // Known-good login first: later it is a cache hit.
  t.is((await auth('192.0.2.50', header('ivy@example.com', RIGHT))).address, 'ivy@example.com');

  const events: string[] = [];
  setImmediate(() => events.push('tick'));
  // From four sources (each source takes turns, so these hash side by side on the thread pool).
  const failed = ['ivy@example.com', 'nobody@example.com', 'ivy', 'CORP\\nobody'].map((login, i) =>
    Promise.resolve(auth(`192.0.2.${i + 1}`, header(login, `${WRONG}${i}`))).then(
      () => events.push('accepted'),
      (err: unknown) => events.push(err instanceof EasHttpError ? `${err.status}` : 'error'),
    ),
  );
  const good = Promise.resolve(auth('192.0.2.50', header('ivy@example.com', RIGHT))).then((a) => events.push(`ok ${a.address}`));
  events.push('all started');
  await Promise.all([...failed, good]);
  // The cached login is answered at once; the failures only after the loop has turned.
  t.deepEqual(events, ['all started', 'ok ivy@example.com', 'tick', '401', '401', '401', '401']);
});

test('a signed-in phone is answered before the next turn (no hash, no queue); a throttled pair still gets 503', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-auth-'));
  const store = openStore(join(dir, 'mail.sqlite'));
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await store.createAccount('jo@example.com', RIGHT);
  const throttle = createLoginThrottle({ maxPerPair: 2, maxPerAddress: 1000 });
  const auth = createAuthenticator({ store, log: captureLogger(), throttle });
  const header = (password: string) => `Basic ${Buffer.from(`jo@example.com:${password}`).toString('base64')}`;

  // A hash runs on the thread pool: its answer comes after the next turn of the event loop.
  const nextTurn = () => new Promise<'next turn'>((resolve) => setImmediate(() => resolve('next turn')));
  const first = auth('192.0.2.70', header(RIGHT));
  t.is(await Promise.race([first, nextTurn()]), 'next turn', 'the first login hashes');
  t.is((await first).address, 'jo@example.com');
  const again = await Promise.race([auth('192.0.2.70', header(RIGHT)), nextTurn()]);
  t.not(again, 'next turn', 'known credentials need no hash');
  t.is((again as Account).address, 'jo@example.com');

  // Another source guesses until its pair is throttled: even the right password waits there.
  for (let i = 0; i < 2; i++) await t.throwsAsync(Promise.resolve(auth('192.0.2.71', header(`${WRONG}${i}`))));
  const err = await t.throwsAsync(Promise.resolve(auth('192.0.2.71', header(RIGHT))), { instanceOf: EasHttpError });
  t.is(err?.status, 503);
});
