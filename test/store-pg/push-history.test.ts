// Push history on PostgreSQL (store/postgres/push-history.ts): the expectations of
// test/device/push-history-store.test.ts, and the two changes for several nodes: recorder ids of
// two nodes never collide in the table, and a node starting ends only entries no node can
// still have parked.
import type { ExecutionContext } from 'ava';
import { createChangeFeed } from '../../store/change-feed.js';
import { createPgAccounts } from '../../store/postgres/accounts.js';
import type { PgStoreContext } from '../../store/postgres/context.js';
import { createPgDevices } from '../../store/postgres/devices.js';
import { createSystemFolders } from '../../store/postgres/folders.js';
import { STALE_GRACE_S, createPgPushHistory } from '../../store/postgres/push-history.js';
import { createPgWriter } from '../../store/postgres/writer.js';
import type { PushHistoryOp } from '../../store/types.js';
import { pgDatabase, pgTest as test, type PgTestDatabase } from '../helpers/postgres.js';

function node(t: ExecutionContext, db: PgTestDatabase, name = 'a') {
  const pool = db.pool(4);
  const feed = createChangeFeed((err) => t.fail(String(err)));
  const ctx: PgStoreContext = { pool, write: createPgWriter(pool, feed, name), feed, node: name };
  return { pool, ...createPgAccounts(ctx, createSystemFolders), ...createPgDevices(ctx), ...createPgPushHistory(ctx) };
}

async function setup(t: ExecutionContext) {
  const db = await pgDatabase(t, { migrated: true });
  const store = node(t, db);
  const a = await store.createAccount('alice@example.com', 'pw');
  const phone = await store.touchDevice(a.id, 'PHONE', { deviceType: 'T', userAgent: null, protocolVersion: '16.1' });
  const tablet = await store.touchDevice(a.id, 'TABLET', { deviceType: 'T', userAgent: null, protocolVersion: '16.1' });
  return { db, store, phone: phone.id, tablet: tablet.id };
}

function start(id: number, deviceRowId: number, startedAt = new Date(1_700_000_000_000 + id).toISOString(), heartbeatSeconds = 60): PushHistoryOp {
  return { op: 'start', id, deviceRowId, kind: 'ping', startedAt, heartbeatSeconds, folderIds: [1] };
}

function end(id: number, outcome: 'expiry' | 'add' | 'disconnect' = 'expiry'): PushHistoryOp {
  return { op: 'end', id, endedAt: new Date().toISOString(), outcome, reported: [], commitToAnswerMs: null };
}

test('each device keeps its newest 50 entries; other devices are untouched', async (t) => {
  const { store, phone, tablet } = await setup(t);
  t.is(await store.resumePushHistory(new Date().toISOString()), 1);
  await store.writePushHistory([start(1, tablet)]);
  const ops: PushHistoryOp[] = [];
  for (let id = 2; id <= 56; id++) ops.push(start(id, phone), end(id));
  await store.writePushHistory(ops);
  const kept = await store.pushHistory(phone);
  t.is(kept.length, 50);
  // One node writing alone from the base resume gave: the stored ids are the recorder's.
  t.is(kept[0]!.id, 56, 'newest first');
  t.is(kept[49]!.id, 7);
  t.like(kept[0], { outcome: 'expiry', deviceRowId: phone, kind: 'ping', heartbeatSeconds: 60, folderIds: [1], reported: [] });
  t.is((await store.pushHistory(tablet)).length, 1);
  t.is((await store.pushHistory(phone, 1)).length, 1);
});

test('a device removed while parked: its entries go, later writes for it are skipped, the batch still lands', async (t) => {
  const { store, phone, tablet } = await setup(t);
  await store.writePushHistory([start(1, phone)]);
  await store.removeDevice(phone);
  t.deepEqual(await store.pushHistory(phone), []);
  await store.writePushHistory([end(1, 'disconnect'), start(2, phone), start(3, tablet), { op: 'next', id: 1, at: new Date().toISOString(), cmd: 'Ping' }]);
  t.deepEqual(await store.pushHistory(phone), []);
  t.is((await store.pushHistory(tablet)).length, 1);
});

test('end and next reach the entry the recorder started, once each', async (t) => {
  const { store, phone } = await setup(t);
  await store.writePushHistory([start(1, phone)]);
  await store.writePushHistory([{ op: 'end', id: 1, endedAt: '2024-01-01T00:00:01.000Z', outcome: 'add', reported: [1], commitToAnswerMs: 1.5 }]);
  await store.writePushHistory([{ op: 'next', id: 1, at: '2024-01-01T00:00:02.000Z', cmd: 'Sync' }]);
  // A second end or next for the same entry changes nothing (SQLite: "the second note is ignored").
  await store.writePushHistory([end(1, 'expiry'), { op: 'next', id: 1, at: '2024-01-01T00:00:03.000Z', cmd: 'Ping' }]);
  const [e] = await store.pushHistory(phone);
  t.like(e, { endedAt: '2024-01-01T00:00:01.000Z', outcome: 'add', reported: [1], commitToAnswerMs: 1.5 });
  t.like(e, { nextRequestAt: '2024-01-01T00:00:02.000Z', nextRequestCmd: 'Sync' });
});

test('two nodes numbering from the same base write distinct entries, each ended by its own node', async (t) => {
  const { db, store: a, phone, tablet } = await setup(t);
  const b = node(t, db, 'b');
  const base = await a.resumePushHistory(new Date().toISOString());
  t.is(await b.resumePushHistory(new Date().toISOString()), base, 'both started from the same table');
  // Both recorders hand out base, base+1, …: the same ids, for different requests.
  await Promise.all([
    a.writePushHistory([start(base, phone), start(base + 1, phone)]),
    b.writePushHistory([start(base, tablet), start(base + 1, tablet)]),
  ]);
  await a.writePushHistory([end(base, 'add')]);
  await b.writePushHistory([end(base + 1, 'disconnect')]);
  const phoneEntries = await a.pushHistory(phone);
  const tabletEntries = await a.pushHistory(tablet);
  t.is(phoneEntries.length, 2);
  t.is(tabletEntries.length, 2);
  t.is(new Set([...phoneEntries, ...tabletEntries].map((e) => e.id)).size, 4, 'four rows, four ids');
  // Newest first: each node's second entry is above its first.
  t.deepEqual(phoneEntries.map((e) => e.outcome), [null, 'add']);
  t.deepEqual(tabletEntries.map((e) => e.outcome), ['disconnect', null]);
});

test('resume ends the entries no node can still have parked, and returns the next id', async (t) => {
  const { db, store, phone, tablet } = await setup(t);
  const now = Date.now();
  const ago = (s: number) => new Date(now - s * 1000).toISOString();
  t.is(await store.resumePushHistory(ago(0)), 1);
  await store.writePushHistory([
    // Parked on a node that died: past its heartbeat and the grace.
    start(1, phone, ago(60 + STALE_GRACE_S + 5), 60),
    // Ended normally: stays as it is.
    start(2, phone, ago(3600)),
    { op: 'end', id: 2, endedAt: ago(3590), outcome: 'add', reported: [1], commitToAnswerMs: 1.5 },
    // Parked right now on another node, within its heartbeat: must stay open.
    start(3, tablet, ago(30), 900),
  ]);
  const starting = node(t, db, 'b');
  const at = new Date(now).toISOString();
  t.is(await starting.resumePushHistory(at), 4);
  const [done, stale] = await store.pushHistory(phone);
  t.like(stale, { id: 1, outcome: 'interrupted', endedAt: at, reported: [] });
  t.like(done, { id: 2, outcome: 'add', reported: [1], commitToAnswerMs: 1.5 });
  t.like((await store.pushHistory(tablet))[0], { id: 3, outcome: null, endedAt: null });
  // The node that has it parked still ends it as usual.
  await store.writePushHistory([end(3, 'add')]);
  t.is((await store.pushHistory(tablet))[0]?.outcome, 'add');
});
