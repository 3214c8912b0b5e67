// The store side of duplicate-send detection (store/client-ids.ts): claims, releases, stale
// claims of a process that died mid-send, and the purge in maintenance.

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';

const DAY = 86_400_000;

function setup(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'eas-clientid-'));
  const store = openStore(join(dir, 'mail.sqlite'));
  t.teardown(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const account = store.createAccount('alice@example.test', 'pw-long-enough');
  const device = store.touchDevice(account.id, 'phone1', { deviceType: 'Phone', userAgent: null, protocolVersion: '16.1' });
  return { store, account, device };
}

test('claim, then sent: the same ClientId is a duplicate; released: it can be claimed again', (t) => {
  const { store, device } = setup(t);
  t.is(store.claimClientId(device.id, 'c1'), 'claimed');
  t.is(store.claimClientId(device.id, 'c1'), 'in-flight', 'a second request while the first is sending');
  store.markClientIdSent(device.id, 'c1');
  t.is(store.claimClientId(device.id, 'c1'), 'sent');
  store.releaseClientId(device.id, 'c1');
  t.is(store.claimClientId(device.id, 'c1'), 'sent', 'a sent ClientId is never released');

  t.is(store.claimClientId(device.id, 'c2'), 'claimed');
  store.releaseClientId(device.id, 'c2');
  t.is(store.claimClientId(device.id, 'c2'), 'claimed', 'a failed send does not block the retry');
});

test('a claim left by a process that died mid-send goes stale', (t) => {
  const { store, device } = setup(t);
  const then = new Date(Date.now() - 60 * 60_000);
  t.is(store.claimClientId(device.id, 'c1', then), 'claimed');
  t.is(store.claimClientId(device.id, 'c1'), 'claimed');
});

test('maintenance forgets ClientIds after clientIdDays (default 7), and removing the device drops them', (t) => {
  const { store, account, device } = setup(t);
  store.claimClientId(device.id, 'c1');
  store.markClientIdSent(device.id, 'c1');
  t.like(store.maintenance({ now: new Date(Date.now() + 6 * DAY) }), { clientIds: 0 });
  t.is(store.claimClientId(device.id, 'c1'), 'sent');
  t.like(store.maintenance({ now: new Date(Date.now() + 8 * DAY) }), { clientIds: 1 });
  t.is(store.claimClientId(device.id, 'c1'), 'claimed');
  store.markClientIdSent(device.id, 'c1');
  store.removeDevice(device.id);
  const again = store.touchDevice(account.id, 'phone1', { deviceType: 'Phone', userAgent: null, protocolVersion: '16.1' });
  t.is(store.claimClientId(again.id, 'c1'), 'claimed');
});
