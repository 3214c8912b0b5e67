// Sync states, sticky Options and the repeated-SyncKey rows on PostgreSQL
// (store/postgres/sync-state.ts, sync-options.ts, sync-loops.ts), part by part: what the Store
// contract tests (test/store/devices-sync-state.test.ts, test/store/sync-rows.test.ts) do not
// reach, and the concurrent writes SQLite's write lock serializes and PostgreSQL must too.
import { StoreError, type StoredSyncOptions, type SyncState } from '../../store/types.js';
import { MAIL_OPTIONS } from '../store/helpers.js';
import { createPgSyncLoops } from '../../store/postgres/sync-loops.js';
import { createPgSyncOptions } from '../../store/postgres/sync-options.js';
import { createPgSyncStates } from '../../store/postgres/sync-state.js';
import { pgTest as test } from '../helpers/postgres.js';
import { fixture } from './sync-fixtures.js';

test('ownAfter and the window are kept, and absent when unset', async (t) => {
  const f = await fixture(t);
  const states = createPgSyncStates(f.ctx);
  const d = await f.device(await f.account('alice@example.com'), 'ABC');
  const s: SyncState = {
    deviceRowId: d, collectionId: 9, syncKey: 1, cursor: { modseq: 4, itemId: 2 }, filterType: 5, replay: null,
    ownAfter: 3, window: { receivedAt: '2026-01-01T00:00:00.000Z', itemId: 17 },
  };
  await states.saveSyncState(s);
  t.deepEqual(await states.getSyncState(d, 9, 1), s);
  await states.saveSyncState({ ...s, syncKey: 2, ownAfter: null, window: null });
  const plain = await states.getSyncState(d, 9, 2);
  t.false(plain !== null && 'ownAfter' in plain);
  t.false(plain !== null && 'window' in plain);
});

test('saving a state of a removed device rejects with no-such-device', async (t) => {
  const f = await fixture(t);
  const states = createPgSyncStates(f.ctx);
  const err = await t.throwsAsync(
    states.saveSyncState({ deviceRowId: 999, collectionId: 1, syncKey: 1, cursor: { modseq: 0, itemId: 0 }, filterType: 0, replay: null }),
    { instanceOf: StoreError },
  );
  t.is(err?.code, 'no-such-device');
});

test('concurrent saves of one collection leave N and N-1 of the last one', async (t) => {
  const f = await fixture(t);
  const states = createPgSyncStates(f.ctx);
  const d = await f.device(await f.account('alice@example.com'), 'ABC');
  const s = (k: number): SyncState => ({ deviceRowId: d, collectionId: 1, syncKey: k, cursor: { modseq: k, itemId: 0 }, filterType: 0, replay: null });
  await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((k) => states.saveSyncState(s(k))));
  // Whatever order they committed in, each prune ran under the device's lock and saw every
  // earlier commit: at most two keys remain, the last committed one and its predecessor if any.
  t.true((await f.count('sync_states')) <= 2);
});

test('concurrent replaces of one class take turns: none fails, one whole set remains', async (t) => {
  const f = await fixture(t);
  const options = createPgSyncOptions(f.ctx);
  const a = await f.account('alice@example.com');
  const phone = await f.device(a, 'PHONE');
  const inbox = await f.folder(a, 'Inbox', 2);
  const variant = (n: number): StoredSyncOptions => ({ ...MAIL_OPTIONS, filterType: n, bodyPreferences: [{ type: 2, truncationSize: n, allOrNone: false, preview: null }] });
  await Promise.all([1, 2, 3, 4, 5, 6].map((n) => options.saveSyncOptions(phone, inbox, variant(n))));
  const got = (await options.getSyncOptions(phone, inbox, 'Email'))!;
  t.deepEqual(got, variant(got.filterType));
  t.is(await f.count('sync_body_preferences'), 2);
});

test('options of a missing device or folder reject with no-such-device', async (t) => {
  const f = await fixture(t);
  const options = createPgSyncOptions(f.ctx);
  const a = await f.account('alice@example.com');
  const phone = await f.device(a, 'PHONE');
  const inbox = await f.folder(a, 'Inbox', 2);
  t.is((await t.throwsAsync(options.saveSyncOptions(999, inbox, MAIL_OPTIONS), { instanceOf: StoreError }))?.code, 'no-such-device');
  t.is((await t.throwsAsync(options.saveSyncOptions(phone, 999, MAIL_OPTIONS), { instanceOf: StoreError }))?.code, 'no-such-device');
  t.is(await f.count('sync_options'), 0);
});

test('loops and skips: kept, idempotent, per device, gone with the device and the item; conflicts ignore own changes', async (t) => {
  const f = await fixture(t);
  const loops = createPgSyncLoops(f.ctx);
  const a = await f.account('alice@example.com');
  const phone = await f.device(a, 'PHONE');
  const tablet = await f.device(a, 'TABLET');
  const inbox = await f.folder(a, 'Inbox', 2);
  const item = await f.item(a, inbox);
  const other = await f.item(a, inbox);

  const loop = { deviceRowId: phone, collectionId: inbox, syncKey: 4, repeats: 2, windowSize: 25, itemId: null, refusals: 0, skipped: false, startedAt: 'x' };
  await loops.saveSyncLoop(loop);
  t.deepEqual(await loops.syncLoop(phone, inbox), loop);
  await loops.saveSyncLoop({ ...loop, repeats: 3, itemId: item, skipped: true });
  t.deepEqual(await loops.syncLoop(phone, inbox), { ...loop, repeats: 3, itemId: item, skipped: true });
  await loops.endSyncLoop(phone, inbox);
  t.is(await loops.syncLoop(phone, inbox), null);
  t.is((await t.throwsAsync(loops.saveSyncLoop({ ...loop, deviceRowId: 999 }), { instanceOf: StoreError }))?.code, 'no-such-device');

  await loops.skipItem(phone, inbox, item, 'Odd one', '2026-01-01T00:00:00.000Z');
  await loops.skipItem(phone, inbox, item, 'Odd one', '2026-01-02T00:00:00.000Z');
  await loops.skipItem(phone, inbox, other, null, '2026-01-03T00:00:00.000Z');
  t.deepEqual(await loops.skippedItems(phone), [
    { collectionId: inbox, itemId: item, subject: 'Odd one', skippedAt: '2026-01-01T00:00:00.000Z' },
    { collectionId: inbox, itemId: other, subject: null, skippedAt: '2026-01-03T00:00:00.000Z' },
  ]);
  t.deepEqual([...(await loops.skippedItemIds(phone, inbox))].sort(), [item, other].sort());
  t.deepEqual([...(await loops.skippedItemIds(tablet, inbox))], [], 'per device');
  t.is((await t.throwsAsync(loops.skipItem(phone, inbox, 999, null, 'x'), { instanceOf: StoreError }))?.code, 'no-such-device');

  const cursor = { modseq: await f.head(a), itemId: Number.MAX_SAFE_INTEGER };
  t.false(await loops.changedByOthersSince(a, other, cursor, phone));
  await f.ctx.write(async (tx) => {
    const m = await tx.modseq(a);
    await tx.client.query('UPDATE items SET modseq = $1, origin = $2 WHERE id = $3', [m, tablet, other]);
  });
  t.true(await loops.changedByOthersSince(a, other, cursor, phone));
  t.false(await loops.changedByOthersSince(a, other, cursor, tablet));
  t.false(await loops.changedByOthersSince(a, 999, cursor, phone), 'a missing item');

  await f.pool.query('DELETE FROM items WHERE id = $1', [item]);
  t.deepEqual((await loops.skippedItems(phone)).map((s) => s.itemId), [other]);
  await loops.clearSkippedItems(phone, inbox);
  t.deepEqual(await loops.skippedItems(phone), []);
  await loops.skipItem(phone, inbox, other, null, 'x');
  await loops.saveSyncLoop(loop);
  await f.pool.query('DELETE FROM devices WHERE id = $1', [phone]);
  t.deepEqual(await loops.skippedItems(phone), []);
  t.is(await loops.syncLoop(phone, inbox), null);
});
