// Devices on PostgreSQL (store/postgres/devices.ts): the expectations of
// test/store/devices-sync-state.test.ts, and what two nodes add: a device alternating between
// them is one row, and concurrent updates through both nodes each keep the other's fields.
import type { ExecutionContext } from 'ava';
import { createChangeFeed } from '../../store/change-feed.js';
import { createPgAccounts } from '../../store/postgres/accounts.js';
import type { PgStoreContext } from '../../store/postgres/context.js';
import { createPgDevices } from '../../store/postgres/devices.js';
import { createSystemFolders } from '../../store/postgres/folders.js';
import { createPgWriter } from '../../store/postgres/writer.js';
import { StoreError } from '../../store/types.js';
import { pgDatabase, pgTest as test, type PgTestDatabase } from '../helpers/postgres.js';

function node(t: ExecutionContext, db: PgTestDatabase, name = 'a') {
  const pool = db.pool(4);
  const feed = createChangeFeed((err) => t.fail(String(err)));
  const ctx: PgStoreContext = { pool, write: createPgWriter(pool, feed, name), feed, node: name };
  return { pool, ...createPgAccounts(ctx, createSystemFolders), ...createPgDevices(ctx) };
}

async function open(t: ExecutionContext) {
  const db = await pgDatabase(t, { migrated: true });
  return { db, store: node(t, db) };
}

test('touchDevice creates once, then updates what the device says', async (t) => {
  const { store } = await open(t);
  const a = await store.createAccount('alice@example.com', 'pw');
  const d = await store.touchDevice(a.id, 'ABC123', { deviceType: 'iPhone', userAgent: 'Apple-iPhone/1', protocolVersion: '16.1' });
  t.is(d.wipe, 'none');
  t.deepEqual(d.info, {});
  t.is(d.policyKey, null);
  t.is(d.firstSeenAt, d.lastSeenAt);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const again = await store.touchDevice(a.id, 'ABC123', { deviceType: 'iPad', userAgent: null, protocolVersion: '14.1' });
  t.is(again.id, d.id);
  t.is(again.deviceType, 'iPad');
  t.is(again.userAgent, 'Apple-iPhone/1', 'a missing user agent keeps the known one');
  t.is(again.protocolVersion, '14.1');
  t.is(again.firstSeenAt, d.firstSeenAt);
  t.true(again.lastSeenAt > d.lastSeenAt);
  t.deepEqual(await store.getDevice(a.id, 'ABC123'), again);
  t.is(await store.getDevice(a.id, 'OTHER'), null);
  const b = await store.createAccount('bob@example.com', 'pw');
  t.is(await store.getDevice(b.id, 'ABC123'), null);
  const bobs = await store.touchDevice(b.id, 'ABC123', { deviceType: 'iPhone', userAgent: null, protocolVersion: null });
  t.not(bobs.id, d.id);
  t.deepEqual((await store.listDevices(a.id)).map((x) => x.id), [d.id]);
  t.deepEqual((await store.listDevices()).map((x) => x.id), [d.id, bobs.id]);
});

test('a device alternating between two nodes, and touched by both at once, is one row', async (t) => {
  const { db, store: a } = await open(t);
  const b = node(t, db, 'b');
  const alice = await a.createAccount('alice@example.com', 'pw');
  const seen = { deviceType: 'Android', userAgent: null, protocolVersion: '16.1' };
  const [x, y] = await Promise.all([a.touchDevice(alice.id, 'PHONE', seen), b.touchDevice(alice.id, 'PHONE', seen)]);
  t.is(x.id, y.id);
  t.is((await b.touchDevice(alice.id, 'PHONE', seen)).id, x.id);
  t.is((await a.listDevices()).length, 1);
});

test('updateDevice changes only what it is given; removeDevice removes the row', async (t) => {
  const { store } = await open(t);
  const a = await store.createAccount('alice@example.com', 'pw');
  const d = await store.touchDevice(a.id, 'ABC', { deviceType: 'Android', userAgent: null, protocolVersion: '14.0' });
  const u = await store.updateDevice(d.id, { pendingPolicyKey: 123, info: { Model: 'Pixel' }, pingHeartbeat: 480, pingFolders: [1, 2] });
  t.deepEqual([u.pendingPolicyKey, u.policyKey, u.info, u.pingHeartbeat, u.pingFolders], [123, null, { Model: 'Pixel' }, 480, [1, 2]]);
  const v = await store.updateDevice(d.id, { policyKey: 3_000_000_000, pendingPolicyKey: null, wipe: 'requested' });
  t.deepEqual(
    [v.policyKey, v.pendingPolicyKey, v.wipe, v.info, v.pingFolders],
    [3_000_000_000, null, 'requested', { Model: 'Pixel' }, [1, 2]],
    'a policy key above 2^31 comes back as a number',
  );
  t.deepEqual((await store.updateDevice(d.id, { pingFolders: null })).pingFolders, null);
  await store.removeDevice(d.id);
  t.is(await store.getDevice(a.id, 'ABC'), null);
  await store.removeDevice(d.id); // gone already: nothing to do, as in SQLite
  const err = await t.throwsAsync(store.updateDevice(d.id, { wipe: 'none' }), { instanceOf: StoreError });
  t.is(err?.code, 'no-such-device');
  const gone = await t.throwsAsync(store.touchDevice(9999, 'X', { deviceType: 'x', userAgent: null, protocolVersion: null }), { instanceOf: StoreError });
  t.is(gone?.code, 'no-such-account');
});

test('updates through two nodes at once each keep the fields the other set', async (t) => {
  const { db, store: a } = await open(t);
  const b = node(t, db, 'b');
  const alice = await a.createAccount('alice@example.com', 'pw');
  const d = await a.touchDevice(alice.id, 'ABC', { deviceType: 'Android', userAgent: null, protocolVersion: '14.0' });
  // Each call reads the row, merges its change and writes the whole row back: without the row
  // lock, one of each pair would write back the other's field as it was before.
  for (let i = 0; i < 10; i++) {
    await Promise.all([a.updateDevice(d.id, { pingHeartbeat: 100 + i }), b.updateDevice(d.id, { pendingPolicyKey: 200 + i })]);
    const now = (await a.getDevice(alice.id, 'ABC'))!;
    t.deepEqual([now.pingHeartbeat, now.pendingPolicyKey], [100 + i, 200 + i]);
  }
});
