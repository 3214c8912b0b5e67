// `eas-push device …` run as its own process against the data dir of a running test server, as
// an admin would: the push history of a phone driven through park → add, expiry, disconnect,
// and "parked now" seen from outside the server process.

import test from 'ava';
import { runCli } from '../cli/run.js';
import { startTestServer } from '../helpers/server.js';
import { deliver, ping, pushWorld, readPing, syncAll, syncOnce, until, waitParked, type PushWorld } from '../push/helpers.js';

function cli(w: PushWorld, ...args: string[]) {
  return runCli(['device', ...args, ...w.ts.storeArgs]);
}

async function history(w: PushWorld, deviceId: string) {
  const device = (await w.ts.store.getDevice(w.alice.id, deviceId))!;
  return await w.ts.store.pushHistory(device.id);
}

test('device show prints the push history with an outcome, a verdict and the gap for each Ping', async (t) => {
  // Two CLI processes and three Pings: on PostgreSQL each CLI process also opens the store's
  // pool and checks its schema, and 30 s ran out on a loaded 2-core machine.
  t.timeout(60_000);
  const w = await pushWorld(t);
  const { syncKey } = await syncAll(w.phone, w.inbox);

  // 1. Parked, then woken by a delivery.
  const first = ping(w.phone, 300, [w.inbox]);
  await waitParked(w, w.phone);
  await until(async () => (await history(w, 'PHONE0001'))[0]?.endedAt === null, 'the parked entry is written');
  const listed = await cli(w, 'list', 'alice@example.com');
  t.is(listed.code, 0, listed.stderr);
  t.regex(listed.stdout, /^DEVICE\s+TYPE\s+EAS\s+LAST SEEN\s+PUSH PARKED\s+USER AGENT$/m);
  t.regex(listed.stdout, /^PHONE0001\s+\S+\s+\S+\s+.+\s+since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/m, 'the phone is parked now');
  t.regex(listed.stdout, /^TABLET0001\s.*\sno\s/m);
  await deliver(w, 'Pushed');
  t.is(readPing(await first).status, 2);
  t.deepEqual((await syncOnce(w.phone, w.inbox, syncKey)).adds.map((a) => a.subject), ['Pushed']);

  // 2. Nothing happens: the heartbeat elapses.
  t.is(readPing(await ping(w.phone, 1, [w.inbox])).status, 1);

  // 3. The phone goes away while parked.
  const abort = new AbortController();
  const third = ping(w.phone, 300, [w.inbox], abort.signal);
  // Parked past its first look (a query on PostgreSQL): a request gone before that has no entry.
  await waitParked(w, w.phone, third);
  abort.abort();
  await t.throwsAsync(third);
  await until(async () => !w.ts.server.push.isParked(w.alice.id, (await w.ts.store.getDevice(w.alice.id, 'PHONE0001'))!.id), 'dropped');

  // Its next request closes the gap of the disconnect.
  await w.phone.folderSync();
  await until(async () => {
    const h = await history(w, 'PHONE0001');
    return h.length === 3 && h[0]!.outcome === 'disconnect' && h[0]!.nextRequestAt !== null;
  }, 'three entries recorded');

  const shown = await cli(w, 'show', 'alice@example.com', 'PHONE0001');
  t.is(shown.code, 0, shown.stderr);
  const out = shown.stdout;
  t.regex(out, /^device PHONE0001 of alice@example\.com$/m);
  t.regex(out, /^ {2}parked now: +no$/m);
  t.regex(out, /^push history \(newest first, last 3\):$/m);
  const lines = out.split('\n').filter((l) => /^ {2}\d{4}-/.test(l));
  t.is(lines.length, 3, out);
  const [disconnect, expiry, add] = lines as [string, string, string];
  t.regex(disconnect, /Ping\s+300 s\s+folders \d+\s+disconnect: the device or the network closed the connection after [\d.]+ (ms|s) \(before its 300 s heartbeat/);
  t.regex(disconnect, /; the device's next FolderSync came [\d.]+ (ms|s) later$/);
  t.regex(expiry, /Ping\s+1 s\s+folders \d+\s+expiry: heartbeat \(1 s\) elapsed with nothing new; the device's next Ping came [\d.]+ (ms|s) later$/);
  t.regex(add, /Ping\s+300 s\s+folders \d+\s+add: new mail: answered [\d.]+ ms after delivery, parked [\d.]+ (ms|s); the device's next Sync came/);
});

test('a newer request supersedes the parked one: its gap is the newer request', async (t) => {
  const w = await pushWorld(t);
  const first = ping(w.phone, 300, [w.inbox]);
  // Parked past its first look (a query on PostgreSQL): superseded during it, it has no entry.
  await waitParked(w, w.phone, first);
  const second = ping(w.phone, 1, [w.inbox]);
  t.is(readPing(await first).status, 1);
  t.is(readPing(await second).status, 1);
  await until(async () => (await history(w, 'PHONE0001'))[0]?.outcome === 'expiry', 'both recorded');
  const [, superseded] = await history(w, 'PHONE0001');
  t.like(superseded, { outcome: 'superseded', nextRequestCmd: 'Ping', heartbeatSeconds: 300 });
  const shown = await cli(w, 'show', 'alice@example.com', 'PHONE0001');
  t.regex(shown.stdout, /superseded: replaced by a newer Ping of the device after /);
});

test('a Sync with Wait is recorded as a Sync-Wait', async (t) => {
  const w = await pushWorld(t);
  const { syncKey } = await syncAll(w.phone, w.inbox);
  const waiting = syncOnce(w.phone, w.inbox, syncKey, { heartbeat: 300 });
  await waitParked(w, w.phone);
  await deliver(w, 'During the wait');
  t.deepEqual((await waiting).adds.map((a) => a.subject), ['During the wait']);
  await until(async () => (await history(w, 'PHONE0001'))[0]?.outcome === 'add', 'recorded');
  const shown = await cli(w, 'show', 'alice@example.com', 'PHONE0001');
  t.regex(shown.stdout, /Sync-Wait\s+300 s\s+folders \d+\s+add: new mail: answered [\d.]+ ms after delivery/);
});

test('device wipe says which wipe it sends; account-only needs 16.1; remove forgets the device', async (t) => {
  const w = await pushWorld(t);
  const full = await cli(w, 'wipe', 'alice@example.com', 'PHONE0001');
  t.is(full.code, 0, full.stderr);
  t.regex(full.stdout, /^FULL remote wipe requested for PHONE0001 of alice@example\.com/);
  t.regex(full.stdout, /FACTORY-RESET, erasing all its data, not only this account/);
  t.is((await w.ts.store.getDevice(w.alice.id, 'PHONE0001'))!.wipe, 'requested');

  const accountOnly = await cli(w, 'wipe', 'alice@example.com', 'TABLET0001', '--account-only');
  t.is(accountOnly.code, 0, accountOnly.stderr);
  t.regex(accountOnly.stdout, /^account-only remote wipe requested for TABLET0001/);
  t.regex(accountOnly.stdout, /the rest of the phone is left alone/);
  t.is((await w.ts.store.getDevice(w.alice.id, 'TABLET0001'))!.wipe, 'account-only-requested');

  await w.ts.store.touchDevice(w.alice.id, 'OLDPHONE', { deviceType: 'Old', userAgent: null, protocolVersion: '14.1' });
  const old = await cli(w, 'wipe', 'alice@example.com', 'OLDPHONE', '--account-only');
  t.is(old.code, 1);
  t.is(old.stdout, '');
  t.is(
    old.stderr,
    'eas-push: device OLDPHONE speaks EAS 14.1: an account-only wipe needs 16.1 and would never be sent (wipe without --account-only, or device remove)\n',
  );
  t.is((await w.ts.store.getDevice(w.alice.id, 'OLDPHONE'))!.wipe, 'none');

  const removed = await cli(w, 'remove', 'alice@example.com', 'PHONE0001');
  t.is(removed.code, 0, removed.stderr);
  t.is(removed.stdout, 'removed device PHONE0001 of alice@example.com\n');
  t.is(await w.ts.store.getDevice(w.alice.id, 'PHONE0001'), null);
  const listed = await cli(w, 'list');
  t.notRegex(listed.stdout, /PHONE0001/);
  t.regex(listed.stdout, /^alice@example\.com\s+TABLET0001\s/m, 'without ADDRESS: every account, with its column');
});

test('one-line errors that name the fix; --help for each command', async (t) => {
  const w = await pushWorld(t);
  const noAccount = await cli(w, 'show', 'nobody@example.com', 'PHONE0001');
  t.is(noAccount.code, 1);
  t.is(noAccount.stderr, 'eas-push: no account nobody@example.com (see eas-push user list)\n');
  const noDevice = await cli(w, 'wipe', 'alice@example.com', 'NOPE');
  t.is(noDevice.code, 1);
  t.is(noDevice.stderr, 'eas-push: no device NOPE for alice@example.com (see eas-push device list alice@example.com)\n');
  const usage = await cli(w, 'show', 'alice@example.com');
  t.is(usage.code, 2);
  t.is(usage.stderr, 'eas-push: usage: eas-push device show ADDRESS DEVICE\n');
  const unknown = await runCli(['device', 'frobnicate']);
  t.is(unknown.code, 2);
  t.is(unknown.stderr, 'eas-push: unknown command "device frobnicate" (see eas-push device --help)\n');

  for (const [sub, usageLine] of [
    ['list', 'device list [ADDRESS]'],
    ['show', 'device show ADDRESS DEVICE'],
    ['wipe', 'device wipe ADDRESS DEVICE [--account-only]'],
    ['remove', 'device remove ADDRESS DEVICE'],
  ] as const) {
    const help = await runCli(['device', sub, '--help']);
    t.is(help.code, 0);
    t.true(help.stdout.startsWith(`Usage: eas-push ${usageLine}\n`), help.stdout);
    t.regex(help.stdout, /--data-dir DIR/);
  }
  const wipeHelp = await runCli(['device', 'wipe', '--help']);
  t.regex(wipeHelp.stdout, /FULL\nremote wipe: the phone is reset to factory settings/);
  const top = await runCli(['device', '--help']);
  t.is(top.code, 0);
  t.regex(top.stdout, /eas-push device wipe ADDRESS DEVICE \[--account-only\]/);
});

test('a parked record left by a server that is gone: stale for the CLI, interrupted at the next start', async (t) => {
  const w = await pushWorld(t);
  await w.phone.folderSync();
  const phone = (await w.ts.store.getDevice(w.alice.id, 'PHONE0001'))!;
  // What a killed server leaves behind: an entry that started an hour ago and never ended.
  const startedAt = new Date(Date.now() - 3600_000).toISOString();
  await w.ts.store.writePushHistory([
    { op: 'start', id: 1_000_000, deviceRowId: phone.id, kind: 'ping', startedAt, heartbeatSeconds: 600, folderIds: [Number(w.inbox)] },
  ]);
  const listed = await cli(w, 'list', 'alice@example.com');
  t.regex(listed.stdout, /^PHONE0001\s.*\sno \(stale record\)\s/m);
  const stale = await cli(w, 'show', 'alice@example.com', 'PHONE0001');
  t.regex(stale.stdout, /^ {2}parked now: +no \(stale record from .*: the server is not running or was killed\)$/m);

  // The next server on this data dir closes it.
  const dataDir = w.ts.dataDir;
  await w.ts.server.close();
  const again = await startTestServer({ dataDir });
  t.teardown(() => again.stop());
  // Matched by its start, not its id: PostgreSQL hands out the stored id itself (max + 1, so
  // that nodes sharing the database never collide: docs/postgres.md), SQLite keeps the one given.
  t.like((await again.store.pushHistory(phone.id))[0], { startedAt, outcome: 'interrupted' });
  const shown = await runCli(['device', 'show', 'alice@example.com', 'PHONE0001', ...again.storeArgs]);
  t.regex(shown.stdout, /^ {2}parked now: +no$/m);
  t.regex(shown.stdout, /Ping\s+600 s\s+folders \d+\s+interrupted: never answered: the server stopped without answering \(crash or kill\)$/m);
});
