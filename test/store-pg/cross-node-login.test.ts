// Failed logins are counted together by the nodes of a shared PostgreSQL store (MS-ASHTTP
// 3.1.5.2.3: 503 + Retry-After; eas/http/login-throttle.ts, docs/postgres.md "Rules across
// nodes"): an attacker alternating nodes gets no more guesses than on one node, per login and per
// address; a success clears its own pair on every node; the counters are bounded.

import type { ExecutionContext } from 'ava';
import { pgDatabase, pgTest as test } from '../helpers/postgres.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.js';
import { rawRequest, type RawResponse } from '../security/http.js';
import { openPostgresStore } from '../../store/postgres/index.js';

const RIGHT = 'correct horse battery';

async function twoNodes(t: ExecutionContext, loginThrottle: TestServerOptions['loginThrottle']): Promise<[TestServer, TestServer]> {
  const db = await pgDatabase(t, { migrated: true });
  const a = await startTestServer({ store: db.url, parseWorkers: 0, loginThrottle });
  t.teardown(() => a.stop());
  const b = await startTestServer({ store: db.url, parseWorkers: 0, loginThrottle });
  t.teardown(() => b.stop());
  await a.addUser('alice@example.com', RIGHT);
  await a.addUser('bob@example.com', RIGHT);
  return [a, b];
}

const login = (node: TestServer, user: string, password: string): Promise<RawResponse> =>
  rawRequest({ port: node.httpPort, user, password });

test('failures for one login alternate between the nodes: the limit is the same as on one node, then either node answers 503, the right password too', async (t) => {
  const [a, b] = await twoNodes(t, { maxPerPair: 3, maxPerAddress: 1000 });
  t.is((await login(a, 'alice@example.com', 'guess-1')).status, 401);
  t.is((await login(b, 'alice@example.com', 'guess-2')).status, 401);
  t.is((await login(a, 'alice@example.com', 'guess-3')).status, 401);

  for (const [node, name] of [[b, 'B'], [a, 'A']] as const) {
    const r = await login(node, 'alice@example.com', RIGHT);
    t.is(r.status, 503, `node ${name}`);
    const retryAfter = Number(r.headers['retry-after']);
    t.true(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 300, `Retry-After ${r.headers['retry-after']} on ${name}`);
  }
  // Only that pair: another login from the same address is not throttled.
  t.is((await login(b, 'bob@example.com', RIGHT)).status, 200);
  t.is((await login(b, 'bob@example.com', 'guess-1')).status, 401);
});

test('a success on one node clears the pair’s failures counted on the other', async (t) => {
  const [a, b] = await twoNodes(t, { maxPerPair: 3, maxPerAddress: 1000 });
  t.is((await login(a, 'alice@example.com', 'guess-1')).status, 401);
  t.is((await login(b, 'alice@example.com', 'guess-2')).status, 401);
  t.is((await login(a, 'alice@example.com', RIGHT)).status, 200);
  // Two more failures, on B: the pair starts again from none, so still under the limit of 3.
  t.is((await login(b, 'alice@example.com', 'guess-3')).status, 401);
  t.is((await login(b, 'alice@example.com', 'guess-4')).status, 401);
  t.is((await login(a, 'alice@example.com', RIGHT)).status, 200);
});

test('spraying logins from one address across the nodes hits the per-address limit on both', async (t) => {
  const [a, b] = await twoNodes(t, { maxPerPair: 100, maxPerAddress: 4 });
  const nodes = [a, b];
  for (let i = 0; i < 4; i++) t.is((await login(nodes[i % 2]!, `user${i}@example.com`, 'guess')).status, 401, `attempt ${i + 1}`);
  t.is((await login(a, 'someone@example.com', 'guess')).status, 503);
  t.is((await login(b, 'alice@example.com', RIGHT)).status, 503, 'the address is throttled for every login');
  // Another address is not.
  t.is((await rawRequest({ port: b.httpPort, from: '127.0.0.2', user: 'alice@example.com', password: RIGHT })).status, 200);
});

test('the shared counters are bounded: passed windows go first, then the oldest beyond the bound', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const store = await openPostgresStore(db.url);
  t.teardown(() => store.close());
  const failures = store.shared!.loginFailures;
  const windowMs = 60_000;
  await failures.bump(['old'], 1_000, windowMs);
  for (let i = 0; i < 6; i++) await failures.bump([`k${i}`], 100_000 + i, windowMs);
  t.deepEqual(
    (await failures.bump(['k5', 'k0'], 100_010, windowMs)).map((c) => [c.key, c.failures]).sort(),
    [
      ['k0', 2],
      ['k5', 2],
    ],
  );
  t.is(await failures.size(), 7);
  // A counter whose window has passed is not read, and starts again on its next failure.
  t.deepEqual(await failures.read(['old', 'k1'], 100_010, windowMs), [{ key: 'k1', windowStart: 100_001, failures: 1 }]);
  await failures.prune(100_010, windowMs, 4);
  t.is(await failures.size(), 4);
  t.deepEqual((await failures.read(['k0', 'k1', 'k2', 'k3', 'k4', 'k5'], 100_010, windowMs)).map((c) => c.key).sort(), ['k2', 'k3', 'k4', 'k5']);
  t.deepEqual((await failures.bump(['k2'], 100_002 + windowMs, windowMs)).map((c) => [c.windowStart, c.failures]), [[100_002 + windowMs, 1]]);
});
