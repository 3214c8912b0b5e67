// The per-account cap on parked requests counts the account's requests on every node of a shared
// PostgreSQL store (docs/push.md rule 8; docs/postgres.md "Rules across nodes"): past it, HTTP 503
// with Retry-After on whichever node; a device replacing its own request is never refused; a
// request that ends (its client gone, its node stopped) stops counting; a node whose LISTEN
// session is gone (a dead node) counts for nothing.
//
// No answer is waited for on a clock: a request counts as parked once its node recorded it in the
// device's push history, which the registry does only after its announcement (and so its count)
// is committed; a refused one is answered at once. The heartbeats (NEVER) are never reached.

import type { ExecutionContext } from 'ava';
import type { Account } from '../../store/types.js';
import { createEasClient, type EasClient, type EasResponse } from '../helpers/eas-client.js';
import { pgDatabase, pgTest as test, type PgTestDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ping, readPing, until } from '../push/helpers.js';
import { openPostgresStore } from '../../store/postgres/index.js';

const NEVER = 3000;
const USER = 'alice@example.com';
const PASSWORD = 'secret-for-tests';
const CAP = 2;

interface Nodes {
  db: PgTestDatabase;
  a: TestServer;
  b: TestServer;
  alice: Account;
}

async function twoNodes(t: ExecutionContext): Promise<Nodes> {
  const db = await pgDatabase(t, { migrated: true });
  const a = await startTestServer({ store: db.url, parseWorkers: 0, maxParkedPerAccount: CAP });
  t.teardown(() => a.stop());
  const b = await startTestServer({ store: db.url, parseWorkers: 0, maxParkedPerAccount: CAP });
  t.teardown(() => b.stop());
  const alice = await a.addUser(USER, PASSWORD);
  return { db, a, b, alice };
}

/** The device's client on `node`, its Inbox known (FolderSync). */
async function device(node: TestServer, deviceId: string): Promise<{ client: EasClient; inbox: string }> {
  const client = createEasClient({ port: node.httpPort, user: USER, password: PASSWORD, deviceId });
  return { client, inbox: await client.inboxId() };
}

function on(node: TestServer, deviceId: string): EasClient {
  return createEasClient({ port: node.httpPort, user: USER, password: PASSWORD, deviceId });
}

async function historyOf(n: Nodes, deviceId: string): Promise<number> {
  const d = await n.a.store.getDevice(n.alice.id, deviceId);
  return d ? (await n.a.store.pushHistory(d.id, 50)).length : 0;
}

/** Resolves once the device's `count`th request is parked (in its push history); fails at once if it is answered instead. */
async function parks(n: Nodes, deviceId: string, count: number, request: Promise<EasResponse>): Promise<void> {
  let answered: EasResponse | null = null;
  request.then(
    (r) => (answered = r),
    () => {},
  );
  await until(async () => answered !== null || (await historyOf(n, deviceId)) >= count, `${deviceId} parked`, 30_000);
  if (answered !== null) {
    const r: EasResponse = answered;
    throw new Error(`the Ping of ${deviceId} was answered (HTTP ${r.status}${r.headers['retry-after'] ? `, Retry-After ${r.headers['retry-after']}` : ''}) instead of parking`);
  }
}

/**
 * A Ping of `deviceId` that must be refused for the cap: answered at once with 503 and
 * Retry-After 60. One that parks instead (in the device's push history) fails at once.
 */
async function refused(t: ExecutionContext, n: Nodes, deviceId: string, send: () => Promise<EasResponse>, what: string): Promise<void> {
  const before = await historyOf(n, deviceId);
  const request = send();
  let answered: EasResponse | null = null;
  request.then(
    (r) => (answered = r),
    () => {},
  );
  await until(async () => answered !== null || (await historyOf(n, deviceId)) > before, `${what} answered or parked`, 30_000);
  if (answered === null) {
    t.fail(`${what}: parked instead of refused for the cap`);
    return;
  }
  const r: EasResponse = answered;
  t.is(r.status, 503, what);
  t.is(r.headers['retry-after'], '60', what);
}

test('the cap counts the account’s parked requests on both nodes; a device replacing its own is never refused; one gone stops counting', async (t) => {
  const n = await twoNodes(t);
  const one = await device(n.a, 'PHONE0001');
  const two = await device(n.b, 'PHONE0002');
  const three = await device(n.a, 'PHONE0003');

  const firstOnA = ping(one.client, NEVER, [one.inbox]);
  await parks(n, 'PHONE0001', 1, firstOnA);
  const gone = new AbortController();
  const secondOnB = ping(two.client, NEVER, [two.inbox], gone.signal);
  await parks(n, 'PHONE0002', 1, secondOnB);

  // One parked on each node: at the cap, on either node.
  await refused(t, n, 'PHONE0003', () => ping(three.client, NEVER, [three.inbox]), 'a third device on A');
  await refused(t, n, 'PHONE0003', () => ping(on(n.b, 'PHONE0003'), NEVER, [three.inbox]), 'a third device on B');

  // The first device's newer Ping on B replaces its own on A: not refused, and A's ends (Status 1).
  const firstOnB = ping(on(n.b, 'PHONE0001'), NEVER, [one.inbox]);
  await parks(n, 'PHONE0001', 2, firstOnB);
  t.is(readPing(await firstOnA).status, 1);
  await refused(t, n, 'PHONE0003', () => ping(three.client, NEVER, [three.inbox]), 'still two parked: the moved one counts once');

  // The second device's client goes away: its request stops counting, and the third device parks on A.
  gone.abort();
  await secondOnB.catch(() => undefined);
  const d2 = await n.a.store.getDevice(n.alice.id, 'PHONE0002');
  const pool = n.db.pool(1);
  await until(
    async () => (await pool.query<{ n: number }>('SELECT count(*) AS n FROM parked_presence WHERE device_id = $1', [d2!.id])).rows[0]?.n === 0,
    'the gone request withdrawn',
  );
  const thirdOnA = ping(three.client, NEVER, [three.inbox]);
  await parks(n, 'PHONE0003', 1, thirdOnA);

  // Shutting down answers them (Status 1), and the next test's nodes start clean.
  await n.a.stop();
  await n.b.stop();
  t.is(readPing(await thirdOnA).status, 1);
  t.is(readPing(await firstOnB).status, 1);
});

test('a node that stops takes its requests out of the count; a dead node’s requests never count', async (t) => {
  const n = await twoNodes(t);
  const pool = n.db.pool(1);
  // A node that died with three of alice's requests parked: its rows stay, its LISTEN session is gone.
  const ghost = await n.db.client();
  const pid = (await ghost.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  await pool.query(
    `INSERT INTO node_presence (node, listen_pid, listen_started) SELECT 'ghost', pid, backend_start FROM pg_stat_activity WHERE pid = $1`,
    [pid],
  );
  await pool.query(`INSERT INTO parked_presence (device_id, account_id, node, seq) SELECT 1000 + g, $1, 'ghost', g FROM generate_series(1, 3) g`, [
    n.alice.id,
  ]);
  await ghost.end();
  await until(async () => (await pool.query<{ n: number }>('SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0]?.n === 0, 'the ghost session gone');

  const one = await device(n.a, 'PHONE0001');
  const two = await device(n.b, 'PHONE0002');
  const three = await device(n.a, 'PHONE0003');
  const onA = ping(one.client, NEVER, [one.inbox]);
  await parks(n, 'PHONE0001', 1, onA);
  const onB = ping(two.client, NEVER, [two.inbox]);
  await parks(n, 'PHONE0002', 1, onB);
  await refused(t, n, 'PHONE0003', () => ping(three.client, NEVER, [three.inbox]), 'the live nodes’ two count');

  // B stops: its Ping is answered (Status 1) and no longer counts; the third device parks on A.
  await n.b.stop();
  t.is(readPing(await onB).status, 1);
  const thirdOnA = ping(three.client, NEVER, [three.inbox]);
  await parks(n, 'PHONE0003', 1, thirdOnA);
  t.is(n.a.server.push.size(), 2);
  await n.a.stop();
  t.is(readPing(await onA).status, 1);
  t.is(readPing(await thirdOnA).status, 1);
});

test('a node whose LISTEN connection came back writes its parked requests back, so they count again', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const a = await openPostgresStore(db.url, { node: 'node-a' });
  t.teardown(() => a.close());
  const b = await openPostgresStore(db.url, { node: 'node-b' });
  t.teardown(() => b.close());
  const pool = db.pool(1);
  const ACCOUNT = 7;
  // Ids only: the rows of parked_presence reference nothing.
  t.is(await b.announceParked(ACCOUNT, 102, 'ping'), 0);
  t.is(await a.announceParked(ACCOUNT, 101, 'ping'), 1, 'B’s request counts on A');

  const before = (await pool.query<{ pid: number }>(`SELECT listen_pid AS pid FROM node_presence WHERE node = 'node-b'`)).rows[0]!.pid;
  // B's LISTEN session ends, and another node prunes B's rows as a dead node's, in one round trip:
  // B cannot be back in between (its first reconnect waits at least 50 ms).
  await pool.query(`SELECT pg_terminate_backend(${Number(before)}); DELETE FROM parked_presence WHERE node = 'node-b'`);
  await until(
    async () =>
      (await pool.query(`SELECT 1 FROM parked_presence WHERE node = 'node-b' AND device_id = 102`)).rows.length === 1,
    'B back, its request written back',
    30_000,
  );
  const after = (await pool.query<{ pid: number }>(`SELECT listen_pid AS pid FROM node_presence WHERE node = 'node-b'`)).rows[0]!.pid;
  t.not(after, before);
  t.is(await a.announceParked(ACCOUNT, 103, 'ping'), 1, 'B’s request counts again');

  // Its end is withdrawn: it stops counting.
  await b.withdrawParked(ACCOUNT, 102);
  await until(async () => (await pool.query(`SELECT 1 FROM parked_presence WHERE device_id = 102`)).rows.length === 0, 'the end withdrawn');
  t.is(await a.announceParked(ACCOUNT, 104, 'ping'), 0);
});
