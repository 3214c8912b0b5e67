import { StoreError, type SyncState } from '../../store/index.js';
import { storeTest } from './contract/store-test.js';

storeTest('touchDevice creates once, then updates what the device says', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const d = await store.touchDevice(a.id, 'ABC123', { deviceType: 'iPhone', userAgent: 'Apple-iPhone/1', protocolVersion: '16.1' });
  t.is(d.wipe, 'none');
  t.deepEqual(d.info, {});
  t.is(d.policyKey, null);
  const again = await store.touchDevice(a.id, 'ABC123', { deviceType: 'iPhone', userAgent: null, protocolVersion: '14.1' });
  t.is(again.id, d.id);
  t.is(again.userAgent, 'Apple-iPhone/1');
  t.is(again.protocolVersion, '14.1');
  t.is(again.firstSeenAt, d.firstSeenAt);
  t.deepEqual(await store.getDevice(a.id, 'ABC123'), again);
  t.is(await store.getDevice(a.id, 'OTHER'), null);
  const b = await store.createAccount('bob@example.com', 'pw');
  t.is(await store.getDevice(b.id, 'ABC123'), null);
  t.not((await store.touchDevice(b.id, 'ABC123', { deviceType: 'iPhone', userAgent: null, protocolVersion: null })).id, d.id);
  t.is((await store.listDevices(a.id)).length, 1);
  t.is((await store.listDevices()).length, 2);
});

storeTest('updateDevice changes only what it is given; removeDevice drops its states', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const d = await store.touchDevice(a.id, 'ABC', { deviceType: 'Android', userAgent: null, protocolVersion: '14.0' });
  const u = await store.updateDevice(d.id, { pendingPolicyKey: 123, info: { Model: 'Pixel' }, pingHeartbeat: 480, pingFolders: [1, 2] });
  t.deepEqual([u.pendingPolicyKey, u.policyKey, u.info, u.pingHeartbeat, u.pingFolders], [123, null, { Model: 'Pixel' }, 480, [1, 2]]);
  const v = await store.updateDevice(d.id, { policyKey: 123, pendingPolicyKey: null, wipe: 'requested' });
  t.deepEqual([v.policyKey, v.pendingPolicyKey, v.wipe, v.info, v.pingFolders], [123, null, 'requested', { Model: 'Pixel' }, [1, 2]]);
  await store.saveSyncState({ deviceRowId: d.id, collectionId: 0, syncKey: 1, cursor: { modseq: 1, itemId: 0 }, filterType: 0, replay: null });
  await store.removeDevice(d.id);
  t.is(await store.getDevice(a.id, 'ABC'), null);
  t.is(await store.latestSyncState(d.id, 0), null);
  const err = await t.throwsAsync(async () => await store.updateDevice(d.id, { wipe: 'none' }), { instanceOf: StoreError });
  t.is(err?.code, 'no-such-device');
  const late = await t.throwsAsync(
    async () => await store.saveSyncState({ deviceRowId: d.id, collectionId: 0, syncKey: 2, cursor: { modseq: 1, itemId: 0 }, filterType: 0, replay: null }),
    { instanceOf: StoreError },
  );
  t.is(late?.code, 'no-such-device');
  const gone = await t.throwsAsync(async () => await store.touchDevice(9999, 'X', { deviceType: 'x', userAgent: null, protocolVersion: null }), { instanceOf: StoreError });
  t.is(gone?.code, 'no-such-account');
});

storeTest('sync states keep N and N-1 only', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const d = (await store.touchDevice(a.id, 'ABC', { deviceType: 'iPhone', userAgent: null, protocolVersion: '16.1' })).id;
  const state = (syncKey: number, collectionId = 5): SyncState => ({
    deviceRowId: d,
    collectionId,
    syncKey,
    cursor: { modseq: syncKey * 10, itemId: syncKey },
    filterType: 3,
    replay: syncKey === 3 ? '{"adds":{"c1":"5:9"}}' : null,
  });
  for (const k of [1, 2, 3]) await store.saveSyncState(state(k));
  await store.saveSyncState(state(7, 6)); // another collection is independent
  t.is(await store.getSyncState(d, 5, 1), null);
  t.deepEqual(await store.getSyncState(d, 5, 2), state(2));
  t.deepEqual(await store.getSyncState(d, 5, 3), state(3));
  t.deepEqual(await store.latestSyncState(d, 5), state(3));
  // A retry of N-1 answered again as N: saved over it, N-1 kept.
  const redo = { ...state(3), cursor: { modseq: 99, itemId: Number.MAX_SAFE_INTEGER } };
  await store.saveSyncState(redo);
  t.deepEqual(await store.getSyncState(d, 5, 3), redo, 'HEAD_ITEM (2^53-1) survives the column');
  t.deepEqual(await store.getSyncState(d, 5, 2), state(2));
  await store.resetSyncState(d, 5);
  t.is(await store.latestSyncState(d, 5), null);
  t.deepEqual(await store.latestSyncState(d, 6), state(7, 6));
});
