// The store side of duplicate-send detection (store/client-ids.ts): claims, releases, stale
// claims of a process that died mid-send, and the purge in maintenance.

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';

const DAY = 86_400_000;

async function setup(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'eas-clientid-'));
  const store = openStore(join(dir, 'mail.sqlite'));
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const account = await store.createAccount('alice@example.test', 'pw-long-enough');
  const device = await store.touchDevice(account.id, 'phone1', { deviceType: 'Phone', userAgent: null, protocolVersion: '16.1' });
  return { store, account, device };
}

test('claim, then sent: the same ClientId is a duplicate; released: it can be claimed again', async (t) => {
  const { store, device } = await setup(t);
  t.is(await store.claimClientId(device.id, 'c1'), 'claimed');
  t.is(await store.claimClientId(device.id, 'c1'), 'in-flight', 'a second request while the first is sending');
  await store.markClientIdSent(device.id, 'c1');
  t.is(await store.claimClientId(device.id, 'c1'), 'sent');
  await store.releaseClientId(device.id, 'c1');
  t.is(await store.claimClientId(device.id, 'c1'), 'sent', 'a sent ClientId is never released');

  t.is(await store.claimClientId(device.id, 'c2'), 'claimed');
  await store.releaseClientId(device.id, 'c2');
  t.is(await store.claimClientId(device.id, 'c2'), 'claimed', 'a failed send does not block the retry');
});

test('a claim left by a process that died mid-send goes stale', async (t) => {
  const { store, device } = await setup(t);
  const then = new Date(Date.now() - 60 * 60_000);
  t.is(await store.claimClientId(device.id, 'c1', then), 'claimed');
  t.is(await store.claimClientId(device.id, 'c1'), 'claimed');
});

test('maintenance forgets ClientIds after clientIdDays (default 7), and removing the device drops them', async (t) => {
  const { store, account, device } = await setup(t);
  await store.claimClientId(device.id, 'c1');
  await store.markClientIdSent(device.id, 'c1');
  t.like(await store.maintenance({ now: new Date(Date.now() + 6 * DAY) }), { clientIds: 0 });
  t.is(await store.claimClientId(device.id, 'c1'), 'sent');
  t.like(await store.maintenance({ now: new Date(Date.now() + 8 * DAY) }), { clientIds: 1 });
  t.is(await store.claimClientId(device.id, 'c1'), 'claimed');
  await store.markClientIdSent(device.id, 'c1');
  await store.removeDevice(device.id);
  const again = await store.touchDevice(account.id, 'phone1', { deviceType: 'Phone', userAgent: null, protocolVersion: '16.1' });
  t.is(await store.claimClientId(again.id, 'c1'), 'claimed');
});
