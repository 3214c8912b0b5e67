// PostgreSQL restarted under two serving nodes (issue #17 acceptance): senders get 4xx while
// it is down, never a 5xx and never a 250 for a message that is not stored; once it is back,
// the same kept-open SMTP connections deliver again without a node restart; a Ping parked
// across the restart is answered (Status 1 or 2) or its connection closed, never a 500; and a
// Ping taken after the restart on node B is woken by a delivery through node A: B's LISTEN
// connection came back (docs/postgres.md "Reconnecting").
//
// Both stop modes: `fast` (a service restart: sessions ended, open transactions rolled back) and
// `immediate` (PostgreSQL crashes and recovers from its WAL at the next start). The private test
// cluster runs with synchronous_commit=off, under which an immediate stop loses the last
// commits' WAL that was still in PostgreSQL's own memory: acknowledged mail would be lost by the
// test's setting, not by eas-push. The database of the test turns it back on (PostgreSQL's
// default), as an install that keeps its commits has it.
//
// Nothing waits on a clock: each step waits for what a user would see (an answer, a log line of
// the node, a query that succeeds) within a deadline that fails with an assertion saying what
// did not happen. Serial: the cluster is this process's, and a restart reaches every test.

import type { ExecutionContext } from 'ava';
import type { Logger } from '../../eas/log.js';
import { inboxCountsAt, messageWithAttachment, pgIntegrity } from '../../scripts/lib/crash-pg.js';
import { ackedIn, deliveryFailures, startOutageLoad, waitFor } from '../../scripts/lib/pg-outage-load.js';
import { startPgCluster, stopPgCluster, type PgStopMode } from '../../scripts/private-postgres.js';
import { createPgPool, withTransaction } from '../../store/postgres/connect.js';
import { createEasClient, type EasClient, type EasResponse } from '../helpers/eas-client.js';
import { pgDatabase, pgTest as test, type PgCluster } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sendMail } from '../helpers/swaks.js';
import { ping, readPing, syncAll } from '../push/helpers.js';

/** A heartbeat no test reaches (seconds). */
const NEVER = 3000;
const LOAD = ['alice@example.com', 'bob@example.com'];
const CAROL = 'carol@example.com';
const PASSWORD = 'secret-for-tests';
const BUS_BACK = 'store: LISTEN connection back; every waiter re-checks';

/** The answer of `request`, or `null` when it has not come within `ms`. */
async function within<T>(request: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([request, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A logger keeping what the node says, for the tests to wait on. */
function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (msg: string) => {
    lines.push(msg);
  };
  return { lines, info: keep, warn: keep, error: keep, debug: () => {} };
}

interface World {
  a: TestServer;
  b: TestServer;
  logB: ReturnType<typeof recordingLog>;
  url: string;
  cluster: PgCluster;
  phone: EasClient;
  tablet: EasClient;
  inbox: string;
  historyOf(deviceId: string): Promise<number>;
}

async function world(t: ExecutionContext): Promise<World> {
  const db = await pgDatabase(t, { migrated: true });
  const admin = await db.client();
  await admin.query(`ALTER DATABASE ${db.name} SET synchronous_commit = on`);
  const a = await startTestServer({ store: db.url, parseWorkers: 0 });
  t.teardown(() => a.stop());
  const logB = recordingLog();
  const b = await startTestServer({ store: db.url, parseWorkers: 0, log: logB });
  t.teardown(() => b.stop());
  for (const address of [...LOAD, CAROL]) await a.addUser(address, PASSWORD);
  const carol = (await a.store.findAccount(CAROL))!;
  // Carol's two devices use node B; the load goes to alice and bob through node A.
  const device = (deviceId: string) => createEasClient({ port: b.httpPort, user: CAROL, password: PASSWORD, deviceId });
  const phone = device('PHONE0001');
  const tablet = device('TABLET0001');
  const inbox = await phone.inboxId();
  await syncAll(phone, inbox);
  await syncAll(tablet, inbox);
  return {
    a,
    b,
    logB,
    url: db.url,
    cluster: db.cluster,
    phone,
    tablet,
    inbox,
    // A request counts as parked once B recorded it in the device's push history: the registry
    // does that only after the first look at the store and the announcement to the other nodes.
    async historyOf(deviceId) {
      const d = await a.store.getDevice(carol.id, deviceId);
      return d ? (await a.store.pushHistory(d.id, 50)).length : 0;
    },
  };
}

/** The Ping's outcome as a phone sees it: an answer, or its connection closed (it reconnects). */
function outcome(request: Promise<EasResponse>): Promise<{ closed: true } | { closed: false; response: EasResponse }> {
  return request.then(
    (response) => ({ closed: false as const, response }),
    () => ({ closed: true as const }),
  );
}

for (const mode of ['fast', 'immediate'] as const satisfies readonly PgStopMode[]) {
  test.serial(`PostgreSQL stopped (${mode}) and started under deliveries: 4xx meanwhile, never a lost 250; mail and push resume without a node restart`, async (t) => {
    t.timeout(180_000);
    const w = await world(t);

    // A Ping parked on B before the restart.
    const across = outcome(ping(w.phone, NEVER, [w.inbox]));
    await waitFor(async () => (await w.historyOf('PHONE0001')) >= 1, 'the first Ping parked on node B');

    // Three kept-open SMTP connections to A deliver to alice and bob until the end.
    let down = false;
    const load = await startOutageLoad({
      port: w.a.smtpPort,
      connections: 3,
      recipients: LOAD,
      message: (tag) => messageWithAttachment(tag, LOAD),
      prefix: `${mode}`,
    });
    try {
      await waitFor(() => ackedIn(load, 'before').every((n) => n > 0), 'a 250 on every connection before the restart');

      load.phase = 'outage';
      const linesBefore = w.logB.lines.length;
      down = true;
      await stopPgCluster(w.cluster, mode);
      await waitFor(() => load.senders.some((s) => s.tempFailures.outage > 0), 'a 4xx for a sender while PostgreSQL is down');
      // A sender that connects now (swaks, a real MTA's client) is deferred too.
      const deferred = await sendMail({ port: w.a.smtpPort, to: LOAD[0]!, subject: 'while PostgreSQL is down' });
      t.not(deferred.code, 0, 'swaks was not refused while PostgreSQL was down');
      t.regex(deferred.stdout, /<\*\* 4\d\d /, 'swaks got a 4xx');
      t.notRegex(deferred.stdout, /<\*\* 5\d\d /, 'swaks got a 5xx');
      // A phone's request that needs the database is told to come back later (503 with
      // Retry-After, MS-ASHTTP), never a 401 that would have it ask its user for the password
      // again, nor a 500 that reads as a server fault.
      const other = createEasClient({ port: w.b.httpPort, user: CAROL, password: PASSWORD, deviceId: 'OTHER0001' });
      const during = (await other.folderSync()).response;
      t.is(during.status, 503, `a phone's FolderSync while PostgreSQL is down: HTTP ${during.status}`);
      t.regex(String(during.headers['retry-after']), /^\d+$/, 'with Retry-After');

      await startPgCluster(w.cluster);
      down = false;
      load.phase = 'after';
      // The same connections, the same nodes: deliveries succeed again.
      await waitFor(() => ackedIn(load, 'after').every((n) => n > 0), 'a 250 on every kept-open connection after PostgreSQL came back', 60_000);
      await load.stop();
      t.true(load.senders.reduce((n, s) => n + s.tempFailures.outage, 0) > 0);

      const counts = await inboxCountsAt(w.url, LOAD);
      t.deepEqual(deliveryFailures([load], LOAD, counts), [], 'every 250 stored exactly once, nothing half-delivered');
      t.deepEqual(await pgIntegrity(w.url, LOAD), [], 'every delivery whole');
      t.false(counts[0]!.has('while PostgreSQL is down'), 'the message refused with a 4xx was not stored');

      // B's LISTEN connection is back (its log says so); a Ping taken now waits on it.
      await waitFor(() => w.logB.lines.slice(linesBefore).includes(BUS_BACK), "node B's LISTEN connection back after the restart");
      const after = outcome(ping(w.tablet, NEVER, [w.inbox]));
      await waitFor(async () => (await w.historyOf('TABLET0001')) >= 1, 'the Ping sent after the restart parked on node B');

      const mail = await sendMail({ port: w.a.smtpPort, to: CAROL, subject: 'after the restart' });
      t.is(mail.code, 0, `delivery through node A after the restart: ${mail.stdout}`);

      const woken = await within(after, 20_000);
      if (woken === null) return t.fail('the Ping parked on B after the restart was not woken by the delivery through A (a lost wake-up)');
      t.false(woken.closed, 'the Ping after the restart was answered');
      if (!woken.closed) {
        const p = readPing(woken.response);
        t.is(p.status, 2);
        t.deepEqual(p.folders, [w.inbox]);
      }

      // The Ping parked across the restart: answered (Status 1 or 2), or its connection closed.
      const old = await within(across, 20_000);
      if (old === null) return t.fail('the Ping parked across the restart was neither answered nor closed after the delivery');
      if (!old.closed) {
        t.is(old.response.status, 200, `the Ping parked across the restart: HTTP ${old.response.status}`);
        t.true([1, 2].includes(readPing(old.response).status));
      }
      t.log(
        `250s before/after: ${ackedIn(load, 'before').join('+')} / ${ackedIn(load, 'after').join('+')}, ` +
          `4xx while down: ${load.senders.reduce((n, s) => n + s.tempFailures.outage, 0)}, ` +
          `in doubt: ${load.senders.reduce((n, s) => n + s.deferred.size, 0)}, ` +
          `Ping across the restart: ${old.closed ? 'connection closed' : `Status ${readPing(old.response).status}`}`,
      );
    } finally {
      await load.stop();
      // A failure while it was down must not leave the next test and the teardown without a database.
      if (down) await startPgCluster(w.cluster);
    }
  });
}

test('a connection that ends between two statements of a transaction fails that transaction only; the process goes on', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const pool = createPgPool(db.url, { poolSize: 1 });
  t.teardown(() => pool.end());
  const admin = await db.client();
  // Unhandled, the client's 'error' event between two statements would end the whole process
  // (this test's, a node's): the restart tests above met it as an uncaught exception.
  await t.throwsAsync(
    withTransaction(pool, async (client) => {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const ended = new Promise((resolve) => client.once('end', resolve));
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await ended;
      await client.query('SELECT 1');
    }),
    { message: /terminat|not queryable|connection/i },
  );
  // The broken connection was not put back: the next transaction gets a new one.
  t.is(await withTransaction(pool, async (c) => (await c.query<{ n: number }>('SELECT 2 AS n')).rows[0]!.n), 2);
});
