// Ping over real sockets: swaks delivers over SMTP, phones Ping and Sync over HTTP
// (MS-ASCMD 2.2.1.13; PUSH.md rules 1–6).
//
// Every test asserts the answer it expects as soon as it can, and none waits for a test
// timeout to show a wrong one:
// - a Ping that an event must wake has a heartbeat no test reaches (NEVER), so a loaded
//   machine cannot end it early; the wake is checked right when the event's own answer
//   comes back (swaks's 250, a command's response): the registry wakes in the commit's turn,
//   before that answer is written, so a Ping still parked once its own look at the store is
//   over (within the turn on SQLite, one query on PostgreSQL) is a failure;
// - a Ping that must NOT be woken is parked the same way, checked still parked when the
//   event's answer comes back, then ended by a newer Ping of the device (Status 1), whose
//   own heartbeat is the shortest the test server allows (heartbeatMin 1): its answer at
//   expiry tells what was pending. Nothing depends on a change landing within a heartbeat;
// - waits are on registry state and the device's push history, never on a clock.

import test, { type ExecutionContext } from 'ava';
import { el } from '../../eas/wbxml/tree.js';
import { createEasClient, type EasClient, type EasResponse } from '../helpers/eas-client.js';
import { FolderType, type PushHistoryEntry } from '../../store/types.js';
import type { TestServerOptions } from '../helpers/server.js';
import {
  answeredOrParked, deleteCommand, deliver, parked, ping, pushWorld, readChange, readPing, syncAll, syncOnce, unparkedWithin, until,
  type PingAnswer, type PushWorld,
} from './helpers.js';

/** A heartbeat no test reaches: only the event under test (or a newer Ping) answers it. */
const NEVER = 3000;
/** The shortest heartbeat the test server allows (heartbeatMin 1): for Pings that end by expiry. */
const SHORTEST = 1;
/** Bound on one HTTP round trip of this in-process server, however loaded the machine. */
const ROUND_TRIP_MS = 30_000;

/**
 * The push world, with MIME parsing on the delivery thread: a parse worker per test server
 * (one per test, all started at once) was more than half of this file's CPU, and push does
 * not depend on where the parse runs (the pool has its own tests in test/plugin).
 */
function world(t: ExecutionContext, opts: TestServerOptions = {}): Promise<PushWorld> {
  return pushWorld(t, { parseWorkers: 0, ...opts });
}

/** Resolves once the Ping is parked; fails at once if it is answered instead. */
async function parks(w: PushWorld, client: EasClient, request: Promise<EasResponse>): Promise<void> {
  if (await answeredOrParked(w, client, request, ROUND_TRIP_MS)) {
    const r = await request;
    throw new Error(`${client.opts.deviceId}'s Ping was answered at once (HTTP ${r.status}, Status ${r.body?.intOf('Status')}) instead of parking`);
  }
}

/** The answer of a Ping that must be answered without parking; fails at once if it parks. */
async function answeredAtOnce(w: PushWorld, client: EasClient, request: Promise<EasResponse>): Promise<PingAnswer> {
  if (!(await answeredOrParked(w, client, request, ROUND_TRIP_MS))) {
    throw new Error(`${client.opts.deviceId}'s Ping parked instead of answering at once`);
  }
  return readPing(await request);
}

/**
 * Call when the event that must wake `client`'s parked Ping has had its own answer (the
 * 250 to DATA, a command's HTTP response): the wake was published in the commit's turn, before
 * that answer was written, so the Ping is answered once its own look at the store is over.
 */
async function assertWoken(w: PushWorld, client: EasClient, event: string): Promise<void> {
  if (!(await unparkedWithin(w, client, ROUND_TRIP_MS))) throw new Error(`${event} did not wake ${client.opts.deviceId}'s parked Ping`);
}

/** The device's newest push-history entry, once it has ended (written a turn after the answer). */
async function lastEnded(w: PushWorld, client: EasClient): Promise<PushHistoryEntry> {
  const device = await w.ts.store.getDevice(w.alice.id, client.opts.deviceId);
  if (!device) throw new Error(`no device ${client.opts.deviceId}`);
  let entry: PushHistoryEntry | undefined;
  await until(async () => {
    entry = (await w.ts.store.pushHistory(device.id, 1))[0];
    return entry?.endedAt != null;
  }, `${client.opts.deviceId}'s last Ping recorded as ended`, ROUND_TRIP_MS);
  return entry!;
}

/**
 * Ends `client`'s parked Ping with a newer one of SHORTEST heartbeat on the same folders
 * (PUSH.md rule 3): returns the old Ping's answer and the new one's, given at its expiry.
 */
async function supersedeAndExpire(
  w: PushWorld,
  client: EasClient,
  older: Promise<EasResponse>,
  folderIds: string[],
): Promise<{ older: PingAnswer; newer: PingAnswer; newerEntry: PushHistoryEntry }> {
  const newer = ping(client, SHORTEST, folderIds);
  const olderAnswer = readPing(await older);
  const newerAnswer = readPing(await newer);
  return { older: olderAnswer, newer: newerAnswer, newerEntry: await lastEnded(w, client) };
}

test('a parked Ping answers Status 2 with the Inbox after a delivery; a Sync then returns the mail', async (t) => {
  const w = await world(t);
  const { syncKey } = await syncAll(w.phone, w.inbox);
  const answer = ping(w.phone, NEVER, [w.inbox]);
  await parks(w, w.phone, answer);
  await deliver(w, 'Pushed to you');
  await assertWoken(w, w.phone, 'the delivery');
  const r = readPing(await answer);
  t.is(r.status, 2);
  t.deepEqual(r.folders, [w.inbox]);
  t.is(w.ts.server.push.size(), 0);
  const sync = await syncOnce(w.phone, w.inbox, syncKey);
  t.deepEqual(sync.adds.map((a) => a.subject), ['Pushed to you']);
});

test("mail delivered between the device's last Sync and its Ping answers at once", async (t) => {
  const w = await world(t);
  await syncAll(w.phone, w.inbox);
  await deliver(w, 'Arrived while the phone was between requests');
  // Only the missed-mail check can answer this Ping without it ever being parked.
  const r = await answeredAtOnce(w, w.phone, ping(w.phone, NEVER, [w.inbox]));
  t.is(r.status, 2);
  t.deepEqual(r.folders, [w.inbox]);
});

test('a folder the phone never synced is not reported on its own; a new add into it wakes the Ping', async (t) => {
  const w = await world(t);
  await deliver(w, 'Old mail');
  const answer = ping(w.phone, NEVER, [w.inbox]);
  await parks(w, w.phone, answer);
  await deliver(w, 'New mail');
  await assertWoken(w, w.phone, 'the new mail');
  const r = readPing(await answer);
  t.is(r.status, 2);
  t.deepEqual(r.folders, [w.inbox]);
});

test('under adds, a read flag or a delete by another device waits for the heartbeat, which reports the folder', async (t) => {
  const w = await world(t);
  await deliver(w, 'one');
  await deliver(w, 'two');
  const tablet = await syncAll(w.tablet, w.inbox);
  await syncAll(w.phone, w.inbox);
  const [first, second] = tablet.adds;
  const answer = ping(w.phone, NEVER, [w.inbox]);
  await parks(w, w.phone, answer);
  const changed = await syncOnce(w.tablet, w.inbox, tablet.syncKey, {
    commands: [readChange(first!.serverId, true), deleteCommand(second!.serverId)],
  });
  t.is(changed.status, 1);
  // The tablet's commit has been published and every wake check has run by now.
  await new Promise((resolve) => setImmediate(resolve));
  t.true(await parked(w, w.phone), 'the change did not wake the Ping');
  const { older, newer, newerEntry } = await supersedeAndExpire(w, w.phone, answer, [w.inbox]);
  t.is(older.status, 1, 'the parked Ping was never woken: a newer Ping ends it with Status 1');
  t.is(newerEntry.outcome, 'expiry', 'the change does not answer a Ping at once either');
  t.is(newer.status, 2, 'reported at expiry');
  t.deepEqual(newer.folders, [w.inbox]);
});

test('at expiry with nothing pending: Status 1', async (t) => {
  const w = await world(t);
  await syncAll(w.phone, w.inbox);
  const r = readPing(await ping(w.phone, SHORTEST, [w.inbox]));
  t.is(r.status, 1);
  t.deepEqual(r.folders, []);
  t.is((await lastEnded(w, w.phone)).outcome, 'expiry');
});

test('under all, a read flag by another device wakes the Ping at once', async (t) => {
  const w = await world(t, { pushOn: 'all' });
  await deliver(w, 'one');
  const tablet = await syncAll(w.tablet, w.inbox);
  await syncAll(w.phone, w.inbox);
  const answer = ping(w.phone, NEVER, [w.inbox]);
  await parks(w, w.phone, answer);
  const changed = await syncOnce(w.tablet, w.inbox, tablet.syncKey, { commands: [readChange(tablet.adds[0]!.serverId, true)] });
  t.is(changed.status, 1);
  await assertWoken(w, w.phone, "the tablet's read flag");
  const r = readPing(await answer);
  t.is(r.status, 2);
  t.deepEqual(r.folders, [w.inbox]);
});

test("a device's own Sync changes never come back to it (even under all)", async (t) => {
  const w = await world(t, { pushOn: 'all' });
  await deliver(w, 'one');
  await deliver(w, 'two');
  const phone = await syncAll(w.phone, w.inbox);
  const answer = ping(w.phone, NEVER, [w.inbox]);
  await parks(w, w.phone, answer);
  // The same phone, on a second connection, flags one read and deletes the other.
  const own = await syncOnce(w.phone, w.inbox, phone.syncKey, {
    commands: [readChange(phone.adds[0]!.serverId, true), deleteCommand(phone.adds[1]!.serverId)],
  });
  t.is(own.status, 1);
  await new Promise((resolve) => setImmediate(resolve));
  t.true(await parked(w, w.phone), 'its own change did not wake it');
  const { older, newer, newerEntry } = await supersedeAndExpire(w, w.phone, answer, [w.inbox]);
  t.is(older.status, 1, 'the parked Ping was never woken: a newer Ping ends it with Status 1');
  t.is(newerEntry.outcome, 'expiry');
  t.is(newer.status, 1, 'and it is not pending at expiry');
});

test('MoveItems by another device into a monitored folder wakes the Ping; out of it does not', async (t) => {
  const w = await world(t);
  const laptop = createEasClient({ port: w.ts.httpPort, user: 'alice@example.com', password: 'secret', deviceId: 'LAPTOP0001' });
  await laptop.folderSync();
  await deliver(w, 'to move');
  const tablet = await syncAll(w.tablet, w.inbox);
  const archive = String((await w.ts.store.folderByType(w.alice.id, FolderType.DeletedItems))!.id);
  await syncAll(w.phone, w.inbox);
  await syncAll(laptop, archive);

  // The phone watches the Inbox (the source), the laptop the destination; the tablet moves.
  const inboxPing = ping(w.phone, NEVER, [w.inbox]);
  await parks(w, w.phone, inboxPing);
  const archivePing = ping(laptop, NEVER, [archive]);
  await parks(w, laptop, archivePing);
  const moved = await w.tablet.post(
    'MoveItems',
    el('Move:MoveItems', [
      el('Move:Move', [el('Move:SrcMsgId', tablet.adds[0]!.serverId), el('Move:SrcFldId', w.inbox), el('Move:DstFldId', archive)]),
    ]),
  );
  t.is(moved.body?.path('Response')?.intOf('Status'), 3, 'MoveItems succeeded');
  await assertWoken(w, laptop, 'the move into the watched folder');
  const woken = readPing(await archivePing);
  t.is(woken.status, 2);
  t.deepEqual(woken.folders, [archive], 'the move into the watched folder woke the laptop');
  t.true(await parked(w, w.phone), 'the move out of the Inbox did not wake the phone');
  const { older, newer, newerEntry } = await supersedeAndExpire(w, w.phone, inboxPing, [w.inbox]);
  t.is(older.status, 1, "the phone's parked Ping was never woken: a newer Ping ends it with Status 1");
  t.is(newerEntry.outcome, 'expiry', 'the move out does not answer a Ping at once either');
  t.is(newer.status, 2, 'the move out is reported at expiry');
  t.deepEqual(newer.folders, [w.inbox]);
});

test('out-of-range heartbeat: Status 5 at once with the bound', async (t) => {
  const w = await world(t, { heartbeatMin: 30, heartbeatMax: 900 });
  const low = readPing(await ping(w.phone, 10, [w.inbox]));
  t.like(low, { status: 5, heartbeat: 30 });
  const high = readPing(await ping(w.phone, 3540, [w.inbox]));
  t.like(high, { status: 5, heartbeat: 900 });
});

test('too many folders: Status 6 with MaxFolders', async (t) => {
  const w = await world(t, { maxPingFolders: 2 });
  const ids = [...w.phone.folders.keys()].slice(0, 3);
  t.like(readPing(await ping(w.phone, 60, ids)), { status: 6, maxFolders: 2 });
});

test('unknown folder: Status 7', async (t) => {
  const w = await world(t);
  t.is(readPing(await ping(w.phone, 60, [w.inbox, '987654'])).status, 7);
});

test('empty Ping without a cache: Status 3; with one, the cached folders are watched', async (t) => {
  const w = await world(t);
  t.is(readPing(await ping(w.phone, undefined, undefined)).status, 3);
  // A Ping with folders and heartbeat caches both; the empty Ping that follows ends it
  // (Status 1) and is parked on the cached Inbox with the cached heartbeat.
  const first = ping(w.phone, NEVER, [w.inbox]);
  await parks(w, w.phone, first);
  const answer = ping(w.phone, undefined, undefined);
  const expired = readPing(await first);
  t.is(expired.status, 1);
  await parks(w, w.phone, answer);
  await deliver(w, 'for the cached Inbox');
  await assertWoken(w, w.phone, 'the delivery to the cached Inbox');
  const r = readPing(await answer);
  t.is(r.status, 2);
  t.deepEqual(r.folders, [w.inbox]);
});

test('a second Ping from the same device ends the first at once with Status 1', async (t) => {
  const w = await world(t);
  const first = ping(w.phone, NEVER, [w.inbox]);
  await parks(w, w.phone, first);
  const second = ping(w.phone, NEVER, [w.inbox]);
  t.is(readPing(await first).status, 1);
  // The first was ended in the same turn as the second was parked: what is parked now is the second.
  await parks(w, w.phone, second);
  t.is(w.ts.server.push.size(), 1);
  await deliver(w, 'for the second');
  await assertWoken(w, w.phone, 'the delivery');
  t.is(readPing(await second).status, 2);
});

test('a client that disconnects leaves no waiter behind', async (t) => {
  const w = await world(t);
  const abort = new AbortController();
  const answer = ping(w.phone, NEVER, [w.inbox], abort.signal);
  const other = new AbortController();
  const tabletAnswer = ping(w.tablet, NEVER, [w.inbox], other.signal);
  await parks(w, w.phone, answer);
  await parks(w, w.tablet, tabletAnswer);
  t.is(w.ts.server.push.size(), 2);
  abort.abort();
  other.abort();
  await t.throwsAsync(answer);
  await t.throwsAsync(tabletAnswer);
  await until(() => w.ts.server.push.size() === 0, 'registry empty');
  t.is(w.ts.store.feed.size(), 0, 'no feed subscription left');
});
