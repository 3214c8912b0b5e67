// One parked request per device across nodes (docs/push.md rule 3, docs/postgres.md "Parked
// elsewhere"): the announcements' payloads, the newest-wins rule by the bus's order
// (store/postgres/presence.ts), and nodes announcing at once on a real database, where exactly
// one of two concurrent requests of a device is ended, the one the bus ordered first.
import plainTest from 'ava';
import type pg from 'pg';
import { createChangeFeed, type PublishingFeed } from '../../store/change-feed.js';
import { parsePostgresUrl } from '../../store/postgres/connect.js';
import { createNotifyBus } from '../../store/postgres/notify.js';
import {
  PARK_CHANNEL, createParkPresence, parkPayload, parseParkPayload, type ParkPresence,
} from '../../store/postgres/presence.js';
import type { ParkKind } from '../../store/types.js';
import { pgDatabase, pgTest as test, type PgTestDatabase } from '../helpers/postgres.js';
import { until } from '../push/helpers.js';
import type { ExecutionContext } from 'ava';

type Told = Array<[accountId: number, deviceRowId: number, kind: ParkKind]>;

/** A presence whose sends are captured (not delivered): the test plays the bus. */
function offline(node: string, opts: { failSend?: boolean } = {}) {
  const feed = createChangeFeed((err) => {
    throw err;
  });
  const told: Told = [];
  feed.subscribeParked((a, d, k) => told.push([a, d, k]));
  const sent: string[] = [];
  const warnings: string[] = [];
  const presence = createParkPresence({
    node,
    feed,
    send: async (payload) => {
      if (opts.failSend) throw new Error('the database is gone');
      sent.push(payload);
    },
    log: { warn: (m) => warnings.push(m) },
  });
  return { presence, told, sent, warnings };
}

const foreign = (deviceRowId: number, seq = 1, kind: ParkKind = 'ping'): string =>
  parkPayload({ node: 'other', accountId: 7, deviceRowId, kind, seq });

plainTest('a payload names the node, account, device, kind and sequence, in a few dozen bytes; others are refused', (t) => {
  const m = { node: 'host:123:abcd', accountId: 7, deviceRowId: 42, kind: 'sync' as const, seq: 3 };
  const p = parkPayload(m);
  t.true(Buffer.byteLength(p) < 100, p);
  t.deepEqual(parseParkPayload(p), m);
  for (const bad of [
    'not json',
    'null',
    '{"v":2,"n":"x","a":1,"d":1,"k":"ping","s":1}',
    '{"v":1,"n":"x","a":1,"d":1,"k":"FolderSync","s":1}',
    '{"v":1,"n":"x","a":0,"d":1,"k":"ping","s":1}',
    '{"v":1,"n":"x","a":1,"d":1.5,"k":"ping","s":1}',
    '{"v":1,"a":1,"d":1,"k":"ping","s":1}',
    '{"v":1,"n":"x","a":1,"d":1,"k":"ping"}',
  ]) {
    t.is(parseParkPayload(bad), null, bad);
  }
});

plainTest('another node’s announcement ends this node’s request of the device, unless this node’s own is still on its way', async (t) => {
  const { presence, told, sent } = offline('me');
  presence.receive(foreign(5, 1, 'sync'));
  t.deepEqual(told, [[7, 5, 'sync']], 'nothing of ours announced: the other one is newer');

  await presence.announce(7, 5, 'ping');
  t.is(presence.awaitingEcho(), 1);
  presence.receive(foreign(5, 2));
  t.is(told.length, 1, 'ours comes after it on the bus: ours is the newer, the other node ends its own');
  presence.receive(foreign(6, 1));
  t.deepEqual(told.at(-1), [7, 6, 'ping'], 'another device of ours is not held back');

  presence.receive(sent[0]!);
  t.is(presence.awaitingEcho(), 0, 'our echo is back');
  t.is(told.length, 2, 'our own announcement never ends anything');
  presence.receive(foreign(5, 3));
  t.deepEqual(told.at(-1), [7, 5, 'ping'], 'after our echo, an announcement is newer than ours');
});

plainTest('the echo of an older own announcement does not stand for the newer one', async (t) => {
  const { presence, told, sent } = offline('me');
  await presence.announce(7, 5, 'ping');
  await presence.announce(7, 5, 'sync');
  presence.receive(sent[0]!);
  presence.receive(foreign(5));
  t.deepEqual(told, [], 'between our two announcements: older than our newest');
  presence.receive(sent[1]!);
  presence.receive(foreign(5, 2));
  t.deepEqual(told, [[7, 5, 'ping']]);
});

plainTest('an announcement that could not be sent waits for no echo; reset forgets those on their way', async (t) => {
  const failing = offline('me', { failSend: true });
  await t.throwsAsync(failing.presence.announce(7, 5, 'ping'), { message: 'the database is gone' });
  t.is(failing.presence.awaitingEcho(), 0);
  failing.presence.receive(foreign(5));
  t.deepEqual(failing.told, [[7, 5, 'ping']], 'nobody heard of ours: theirs is newer');

  const { presence, told } = offline('me');
  await presence.announce(7, 5, 'ping');
  presence.reset();
  t.is(presence.awaitingEcho(), 0);
  presence.receive(foreign(5));
  t.deepEqual(told, [[7, 5, 'ping']]);
});

plainTest('an unreadable announcement is logged and ends nothing', (t) => {
  const { presence, told, warnings } = offline('me');
  presence.receive('{"v":9}');
  t.deepEqual(told, []);
  t.is(warnings.length, 1);
});

/** A node as far as parked-request announcements go: its feed, bus and presence on one database. */
interface Node {
  name: string;
  feed: PublishingFeed;
  presence: ParkPresence;
  told: Told;
}

async function startNode(t: ExecutionContext, db: PgTestDatabase, name: string): Promise<Node> {
  const feed = createChangeFeed((err) => t.fail(String(err)));
  const pool = db.pool(2);
  const presence = createParkPresence({
    node: name,
    feed,
    send: async (payload) => void (await pool.query('SELECT pg_notify($1, $2)', [PARK_CHANNEL, payload])),
  });
  const bus = createNotifyBus({ connection: parsePostgresUrl(db.url), feed, node: name, presence });
  await bus.start();
  t.teardown(() => bus.close());
  const node: Node = { name, feed, presence, told: [] };
  feed.subscribeParked((a, d, k) => node.told.push([a, d, k]));
  return node;
}

/** Resolves once `node` has been told of `deviceRowId` (its feed called), or fails after 10 s. */
function toldOf(node: Node, deviceRowId: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${node.name} never heard of device ${deviceRowId}`)), 10_000);
    const off = node.feed.subscribeParked((_a, d) => {
      if (d !== deviceRowId) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

test('two nodes announcing one device at once: every time exactly one request ends, the one the bus ordered first', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const a = await startNode(t, db, 'node-a');
  const b = await startNode(t, db, 'node-b');
  const c = await startNode(t, db, 'node-c');
  // What every listener sees: the bus's one order, read here by a plain session.
  const observer: pg.Client = await db.client();
  const order: string[] = [];
  observer.on('notification', (msg) => {
    if (msg.channel === PARK_CHANNEL) order.push(parseParkPayload(msg.payload ?? '')?.node ?? '?');
  });
  await observer.query(`LISTEN ${PARK_CHANNEL}`);

  const rounds = 25;
  for (let round = 1; round <= rounds; round++) {
    const device = round;
    const marker = 1000 + round;
    order.length = 0;
    await Promise.all([a.presence.announce(1, device, 'ping'), b.presence.announce(1, device, 'ping')]);
    // C's announcement is committed after both: once A and B heard of it, they have handled both.
    const heard = Promise.all([toldOf(a, marker), toldOf(b, marker)]);
    await c.presence.announce(1, marker, 'ping');
    await heard;
    await until(() => order.length === 3, `the observer heard round ${round}'s three announcements`);
    const endedOnA = a.told.some(([, d]) => d === device);
    const endedOnB = b.told.some(([, d]) => d === device);
    t.not(endedOnA, endedOnB, `round ${round}: exactly one of the two requests ends`);
    t.is(order[0], endedOnA ? 'node-a' : 'node-b', `round ${round}: the one announced first on the bus`);
    t.false(c.told.some(([, d]) => d === marker), 'a node never ends its own request');
  }
  t.is(a.presence.awaitingEcho(), 0);
  t.is(b.presence.awaitingEcho(), 0);
});

test('the bus forgets the echoes it may have lost when its LISTEN connection comes back', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const feed = createChangeFeed((err) => t.fail(String(err)));
  const events: string[] = [];
  let back!: () => void;
  const recheck = new Promise<void>((resolve) => (back = resolve));
  const bus = createNotifyBus({
    connection: parsePostgresUrl(db.url),
    feed,
    node: 'node-a',
    backoff: { minMs: 5, maxMs: 50 },
    presence: { receive: (p) => events.push(`receive ${parseParkPayload(p)?.node}`), reset: () => events.push('reset') },
    onRecheck: () => back(),
  });
  await bus.start();
  t.teardown(() => bus.close());
  const admin = db.pool(1);
  await admin.query('SELECT pg_notify($1, $2)', [PARK_CHANNEL, parkPayload({ node: 'node-b', accountId: 1, deviceRowId: 2, kind: 'ping', seq: 1 })]);
  await until(() => events.length === 1, 'the announcement heard');
  await admin.query('SELECT pg_terminate_backend($1)', [bus.backendPid()]);
  await recheck;
  t.deepEqual(events, ['receive node-b', 'reset'], 'reset once LISTEN is back, before the re-check');
  await admin.query('SELECT pg_notify($1, $2)', [PARK_CHANNEL, parkPayload({ node: 'node-c', accountId: 1, deviceRowId: 2, kind: 'ping', seq: 1 })]);
  await until(() => events.length === 3, 'the announcement after the reconnect heard');
  t.deepEqual(events, ['receive node-b', 'reset', 'receive node-c'], 'LISTEN on the parked channel is back too');
});
