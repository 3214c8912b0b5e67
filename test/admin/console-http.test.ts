// The console over plain HTTP (docs/admin.md §1): who may log in, the throttle shared with EAS,
// the cross-site checks on every POST, and escaping of what clients chose (user agents).

import test from 'ava';
import { createEasClient } from '../helpers/eas-client.js';
import { ADMIN, ALICE, consoleWorld, csrfOf, login, request } from './world.js';

test('an admin logs in with the form and gets an HttpOnly, SameSite=Strict session', async (t) => {
  const w = await consoleWorld(t);
  const first = await request(w.base, '/accounts');
  t.is(first.status, 303);
  t.is(first.headers.get('location'), '/login');
  const { answer, cookies } = await login(w.base, ADMIN);
  t.is(answer.status, 303, answer.text);
  t.is(answer.headers.get('location'), '/accounts');
  const session = answer.headers.getSetCookie().find((c) => c.startsWith('eas_admin='));
  t.truthy(session);
  t.regex(session!, /HttpOnly/);
  t.regex(session!, /SameSite=Strict/);
  const accounts = await request(w.base, '/accounts', { cookies });
  t.is(accounts.status, 200);
  t.true(accounts.text.includes('alice@example.com'));
  t.regex(accounts.headers.get('content-security-policy') ?? '', /script-src 'nonce-/);
});

test('a non-admin account with the right password is refused, and so is an admin who lost the flag', async (t) => {
  const w = await consoleWorld(t);
  const { answer, cookies } = await login(w.base, ALICE);
  t.is(answer.status, 403);
  t.true(answer.text.includes('alice@example.com is not an administrator'));
  t.false(cookies.has('eas_admin'));
  t.is((await request(w.base, '/accounts', { cookies })).status, 303);

  const root = await login(w.base, ADMIN);
  t.is((await request(w.base, '/server', { cookies: root.cookies })).status, 200);
  await w.ts.store.setAdmin(w.admin.id, false);
  const after = await request(w.base, '/server', { cookies: root.cookies });
  t.is(after.status, 303, 'the flag is re-read on every request');
  t.is(after.headers.get('location'), '/login');
});

test('failed console logins are throttled like EAS logins (503 + Retry-After) and counted on the server page', async (t) => {
  const w = await consoleWorld(t, { loginThrottle: { maxPerPair: 2, maxPerAddress: 100 } });
  const wrong = { address: ADMIN.address, password: 'nope' };
  t.is((await login(w.base, wrong)).answer.status, 401);
  t.is((await login(w.base, wrong)).answer.status, 401);
  const throttled = (await login(w.base, ADMIN)).answer;
  t.is(throttled.status, 503, 'even the right password waits once the pair is throttled');
  t.regex(throttled.headers.get('retry-after') ?? '', /^\d+$/);
  // The same throttle guards EAS: the console's failures count there too.
  const phone = createEasClient({ port: w.ts.httpPort, user: ADMIN.address, password: ADMIN.password, deviceId: 'ROOTPHONE1' });
  t.is((await phone.options()).status, 503);
  // Another admin sees the two failures (the throttled attempts were refused before checking).
  const ops = await w.ts.addUser('ops@example.com', 'ops-secret');
  await w.ts.store.setAdmin(ops.id, true);
  const { cookies } = await login(w.base, { address: 'ops@example.com', password: 'ops-secret' });
  const server = await request(w.base, '/server', { cookies });
  t.regex(server.text, /id="login-failures">2</);
});

test('a POST from another origin is refused before it acts, even with a valid session and token', async (t) => {
  const w = await consoleWorld(t);
  const { cookies } = await login(w.base, ADMIN);
  const phone = createEasClient({ port: w.ts.httpPort, user: ALICE.address, password: ALICE.password, deviceId: 'PHONE0001' });
  await phone.folderSync();
  const path = '/accounts/alice%40example.com/devices/PHONE0001/wipe';
  const confirm = await request(w.base, path, { cookies });
  t.is(confirm.status, 200);
  const csrf = csrfOf(confirm.text);

  const foreign = await request(w.base, path, { cookies, headers: { Origin: 'http://evil.example' }, form: { csrf, confirm: 'yes' } });
  t.is(foreign.status, 403);
  t.true(foreign.text.includes('cross-site request refused'));
  const sameSite = await request(w.base, path, { cookies, headers: { 'Sec-Fetch-Site': 'same-site' }, form: { csrf, confirm: 'yes' } });
  t.is(sameSite.status, 403);
  const noToken = await request(w.base, path, { cookies, headers: { Origin: w.base }, form: { confirm: 'yes' } });
  t.is(noToken.status, 403);
  t.is((await w.ts.store.getDevice(w.alice.id, 'PHONE0001'))?.wipe, 'none', 'nothing was wiped');

  const unconfirmed = await request(w.base, path, { cookies, headers: { Origin: w.base }, form: { csrf } });
  t.is(unconfirmed.status, 400);
  const ok = await request(w.base, path, { cookies, headers: { Origin: w.base }, form: { csrf, confirm: 'yes' } });
  t.is(ok.status, 303);
  t.is((await w.ts.store.getDevice(w.alice.id, 'PHONE0001'))?.wipe, 'requested');
});

test('what a client chose (its user agent) is shown escaped, never as markup', async (t) => {
  const w = await consoleWorld(t);
  const { cookies } = await login(w.base, ADMIN);
  const phone = createEasClient({
    port: w.ts.httpPort,
    user: ALICE.address,
    password: ALICE.password,
    deviceId: 'PHONE0001',
    userAgent: '<img src=x onerror=alert(1)>',
  });
  await phone.folderSync();
  const page = await request(w.base, '/accounts', { cookies });
  t.true(page.text.includes('&lt;img src=x onerror=alert(1)&gt;'));
  t.false(page.text.includes('<img src=x'));
});

test('reset a password: confirmed with the same password twice, then EAS takes the new one', async (t) => {
  const w = await consoleWorld(t);
  const { cookies } = await login(w.base, ADMIN);
  const path = '/accounts/alice%40example.com/password';
  const csrf = csrfOf((await request(w.base, path, { cookies })).text);
  const differ = await request(w.base, path, { cookies, headers: { Origin: w.base }, form: { csrf, confirm: 'yes', password: 'one', repeat: 'two' } });
  t.is(differ.status, 400);
  t.truthy(await w.ts.store.verifyPassword(ALICE.address, ALICE.password), 'unchanged');
  const done = await request(w.base, path, { cookies, headers: { Origin: w.base }, form: { csrf, confirm: 'yes', password: 'new-pw', repeat: 'new-pw' } });
  t.is(done.status, 303);
  t.truthy(await w.ts.store.verifyPassword(ALICE.address, 'new-pw'));
  t.is(await w.ts.store.verifyPassword(ALICE.address, ALICE.password), null);
});

test('remove a device: the confirm page acts on nothing, its form removes the device, and the action is logged', async (t) => {
  const lines: Array<{ msg: string; fields: Record<string, unknown> | undefined }> = [];
  const keep = (msg: string, fields?: Record<string, unknown>): void => void lines.push({ msg, fields });
  const w = await consoleWorld(t, { log: { info: keep, warn: keep, error: keep, debug() {} } });
  const { cookies } = await login(w.base, ADMIN);
  const phone = createEasClient({ port: w.ts.httpPort, user: ALICE.address, password: ALICE.password, deviceId: 'PHONE0009' });
  await phone.folderSync();
  const path = '/accounts/alice%40example.com/devices/PHONE0009/remove';
  const confirm = await request(w.base, path, { cookies });
  t.true(confirm.text.includes('Remove PHONE0009?'));
  t.truthy(await w.ts.store.getDevice(w.alice.id, 'PHONE0009'));
  const done = await request(w.base, path, { cookies, headers: { Origin: w.base }, form: { csrf: csrfOf(confirm.text), confirm: 'yes' } });
  t.is(done.status, 303);
  t.is(await w.ts.store.getDevice(w.alice.id, 'PHONE0009'), null);
  const logged = lines.find((l) => l.msg === 'admin: device removed');
  t.like(logged?.fields, { admin: ADMIN.address, account: ALICE.address, device: 'PHONE0009' });
  t.truthy(lines.find((l) => l.msg === 'admin: logged in'));
  const gone = await request(w.base, '/accounts/alice%40example.com/devices/PHONE0009', { cookies });
  t.is(gone.status, 404);
});

test('behind the operator\'s TLS proxy (--trust-proxy) the proxy\'s https origin is this console\'s, and the cookie is Secure', async (t) => {
  const w = await consoleWorld(t, { trustProxy: true });
  const proxied = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'console.example', 'X-Forwarded-For': '203.0.113.9' };
  const cookies = new Map<string, string>();
  const form = await request(w.base, '/login', { cookies, headers: proxied });
  const answer = await request(w.base, '/login', {
    cookies,
    headers: { ...proxied, Origin: 'https://console.example' },
    form: { csrf: csrfOf(form.text), address: ADMIN.address, password: ADMIN.password },
  });
  t.is(answer.status, 303, answer.text);
  t.regex(answer.headers.getSetCookie().find((c) => c.startsWith('eas_admin='))!, /; Secure/);
  const plain = await request(w.base, '/logout', { cookies, headers: { ...proxied, Origin: 'http://console.example' }, form: { csrf: 'x' } });
  t.is(plain.status, 403, 'the http origin is another origin');
});
