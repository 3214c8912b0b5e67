// The push history table (store/push-history.ts): bounded per device, tolerant of a device
// removed while its request was parked, and closed as 'interrupted' by the next server start.

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type PushHistoryOp, type Store } from '../../store/index.js';

function tempStore(t: { teardown(fn: () => void): void }): Store {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-history-'));
  const store = openStore(join(dir, 'db.sqlite'));
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

function start(id: number, deviceRowId: number): PushHistoryOp {
  return { op: 'start', id, deviceRowId, kind: 'ping', startedAt: new Date(1_700_000_000_000 + id).toISOString(), heartbeatSeconds: 60, folderIds: [1] };
}

test('each device keeps its newest 50 entries; other devices are untouched', async (t) => {
  const store = tempStore(t);
  const a = await store.createAccount('alice@example.com', 'pw');
  const phone = await store.touchDevice(a.id, 'PHONE', { deviceType: 'T', userAgent: null, protocolVersion: '16.1' });
  const tablet = await store.touchDevice(a.id, 'TABLET', { deviceType: 'T', userAgent: null, protocolVersion: '16.1' });
  await store.writePushHistory([start(1, tablet.id)]);
  const ops: PushHistoryOp[] = [];
  for (let id = 2; id <= 56; id++) {
    ops.push(start(id, phone.id), { op: 'end', id, endedAt: new Date().toISOString(), outcome: 'expiry', reported: [], commitToAnswerMs: null });
  }
  await store.writePushHistory(ops);
  const kept = await store.pushHistory(phone.id);
  t.is(kept.length, 50);
  t.is(kept[0]!.id, 56, 'newest first');
  t.is(kept[49]!.id, 7);
  t.is(kept[0]!.outcome, 'expiry');
  t.is((await store.pushHistory(tablet.id)).length, 1);
  t.is((await store.pushHistory(phone.id, 1)).length, 1);
});

test('a device removed while parked: its entries go, later writes for it are skipped, the batch still lands', async (t) => {
  const store = tempStore(t);
  const a = await store.createAccount('alice@example.com', 'pw');
  const phone = await store.touchDevice(a.id, 'PHONE', { deviceType: 'T', userAgent: null, protocolVersion: '16.1' });
  const tablet = await store.touchDevice(a.id, 'TABLET', { deviceType: 'T', userAgent: null, protocolVersion: '16.1' });
  await store.writePushHistory([start(1, phone.id)]);
  await store.removeDevice(phone.id);
  t.deepEqual(await store.pushHistory(phone.id), []);
  await store.writePushHistory([
    { op: 'end', id: 1, endedAt: new Date().toISOString(), outcome: 'disconnect', reported: [], commitToAnswerMs: null },
    start(2, phone.id),
    start(3, tablet.id),
    { op: 'next', id: 1, at: new Date().toISOString(), cmd: 'Ping' },
  ]);
  t.deepEqual(await store.pushHistory(phone.id), []);
  t.is((await store.pushHistory(tablet.id))[0]?.id, 3);
});

test('resume: open entries become interrupted, and the next id follows the highest', async (t) => {
  const store = tempStore(t);
  const a = await store.createAccount('alice@example.com', 'pw');
  const phone = await store.touchDevice(a.id, 'PHONE', { deviceType: 'T', userAgent: null, protocolVersion: '16.1' });
  t.is(await store.resumePushHistory(new Date().toISOString()), 1);
  await store.writePushHistory([
    start(7, phone.id),
    { op: 'end', id: 7, endedAt: new Date().toISOString(), outcome: 'add', reported: [1], commitToAnswerMs: 1.5 },
    start(9, phone.id),
  ]);
  const now = new Date().toISOString();
  t.is(await store.resumePushHistory(now), 10);
  const [open, done] = await store.pushHistory(phone.id);
  t.like(open, { id: 9, outcome: 'interrupted', endedAt: now, reported: [] });
  t.like(done, { id: 7, outcome: 'add', reported: [1], commitToAnswerMs: 1.5 });
});
