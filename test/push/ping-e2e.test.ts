// Ping over real sockets: swaks delivers over SMTP, phones Ping and Sync over HTTP
// (MS-ASCMD 2.2.1.13; PUSH.md rules 1–6). Heartbeats are short; waits are on registry state.

import test from 'ava';
import { el } from '../../eas/wbxml/tree.js';
import { createEasClient } from '../helpers/eas-client.js';
import { FolderType } from '../../store/types.js';
import {
  deleteCommand, deliver, parked, ping, pushWorld, readChange, readPing, syncAll, syncOnce, until, waitParked,
} from './helpers.js';

test('a parked Ping answers Status 2 with the Inbox after a delivery; a Sync then returns the mail', async (t) => {
  const w = await pushWorld(t);
  const { syncKey } = await syncAll(w.phone, w.inbox);
  const answer = ping(w.phone, 3000, [w.inbox]);
  await waitParked(w, w.phone);
  await deliver(w, 'Pushed to you');
  const r = readPing(await answer);
  t.is(r.status, 2);
  t.deepEqual(r.folders, [w.inbox]);
  t.is(w.ts.server.push.size(), 0);
  const sync = await syncOnce(w.phone, w.inbox, syncKey);
  t.deepEqual(sync.adds.map((a) => a.subject), ['Pushed to you']);
});

test("mail delivered between the device's last Sync and its Ping answers at once", async (t) => {
  t.timeout(15_000);
  const w = await pushWorld(t);
  await syncAll(w.phone, w.inbox);
  await deliver(w, 'Arrived while the phone was between requests');
  // A 3000 s heartbeat: only the missed-mail check can answer this within the test's timeout.
  const r = readPing(await ping(w.phone, 3000, [w.inbox]));
  t.is(r.status, 2);
  t.deepEqual(r.folders, [w.inbox]);
});

test('a folder the phone never synced is not reported on its own; a new add into it wakes the Ping', async (t) => {
  const w = await pushWorld(t);
  await deliver(w, 'Old mail');
  const answer = ping(w.phone, 3000, [w.inbox]);
  await waitParked(w, w.phone);
  await deliver(w, 'New mail');
  t.deepEqual(readPing(await answer).folders, [w.inbox]);
});

test('under adds, a read flag or a delete by another device waits for the heartbeat, which reports the folder', async (t) => {
  const w = await pushWorld(t);
  await deliver(w, 'one');
  await deliver(w, 'two');
  const tablet = await syncAll(w.tablet, w.inbox);
  await syncAll(w.phone, w.inbox);
  const [first, second] = tablet.adds;
  const answer = ping(w.phone, 2, [w.inbox]);
  await waitParked(w, w.phone);
  const changed = await syncOnce(w.tablet, w.inbox, tablet.syncKey, {
    commands: [readChange(first!.serverId, true), deleteCommand(second!.serverId)],
  });
  t.is(changed.status, 1);
  // The tablet's commit has been published and every wake check has run by now.
  await new Promise((resolve) => setImmediate(resolve));
  t.true(parked(w, w.phone), 'the change did not wake the Ping');
  const r = readPing(await answer);
  t.is(r.status, 2, 'reported at expiry');
  t.deepEqual(r.folders, [w.inbox]);
});

test('at expiry with nothing pending: Status 1', async (t) => {
  const w = await pushWorld(t);
  await syncAll(w.phone, w.inbox);
  const r = readPing(await ping(w.phone, 1, [w.inbox]));
  t.is(r.status, 1);
  t.deepEqual(r.folders, []);
});

test('under all, a read flag by another device wakes the Ping at once', async (t) => {
  t.timeout(15_000);
  const w = await pushWorld(t, { pushOn: 'all' });
  await deliver(w, 'one');
  const tablet = await syncAll(w.tablet, w.inbox);
  await syncAll(w.phone, w.inbox);
  const answer = ping(w.phone, 3000, [w.inbox]);
  await waitParked(w, w.phone);
  await syncOnce(w.tablet, w.inbox, tablet.syncKey, { commands: [readChange(tablet.adds[0]!.serverId, true)] });
  const r = readPing(await answer);
  t.is(r.status, 2);
  t.deepEqual(r.folders, [w.inbox]);
});

test("a device's own Sync changes never come back to it (even under all)", async (t) => {
  const w = await pushWorld(t, { pushOn: 'all' });
  await deliver(w, 'one');
  await deliver(w, 'two');
  const phone = await syncAll(w.phone, w.inbox);
  const answer = ping(w.phone, 2, [w.inbox]);
  await waitParked(w, w.phone);
  // The same phone, on a second connection, flags one read and deletes the other.
  const own = await syncOnce(w.phone, w.inbox, phone.syncKey, {
    commands: [readChange(phone.adds[0]!.serverId, true), deleteCommand(phone.adds[1]!.serverId)],
  });
  t.is(own.status, 1);
  await new Promise((resolve) => setImmediate(resolve));
  t.true(parked(w, w.phone), 'its own change did not wake it');
  t.is(readPing(await answer).status, 1, 'and it is not pending at expiry');
});

test('MoveItems by another device into a monitored folder wakes the Ping; out of it does not', async (t) => {
  const w = await pushWorld(t);
  const laptop = createEasClient({ port: w.ts.httpPort, user: 'alice@example.com', password: 'secret', deviceId: 'LAPTOP0001' });
  await laptop.folderSync();
  await deliver(w, 'to move');
  const tablet = await syncAll(w.tablet, w.inbox);
  const archive = String(w.ts.store.folderByType(w.alice.id, FolderType.DeletedItems)!.id);
  await syncAll(w.phone, w.inbox);
  await syncAll(laptop, archive);

  // The phone watches the Inbox (the source), the laptop the destination; the tablet moves.
  const inboxPing = ping(w.phone, 2, [w.inbox]);
  await waitParked(w, w.phone);
  const archivePing = ping(laptop, 3000, [archive]);
  await waitParked(w, laptop);
  const moved = await w.tablet.post(
    'MoveItems',
    el('Move:MoveItems', [
      el('Move:Move', [el('Move:SrcMsgId', tablet.adds[0]!.serverId), el('Move:SrcFldId', w.inbox), el('Move:DstFldId', archive)]),
    ]),
  );
  t.is(moved.body?.path('Response')?.intOf('Status'), 3, 'MoveItems succeeded');
  t.deepEqual(readPing(await archivePing).folders, [archive], 'the move into the watched folder woke the laptop');
  t.true(parked(w, w.phone), 'the move out of the Inbox did not wake the phone');
  const r = readPing(await inboxPing);
  t.is(r.status, 2, 'the move out is reported at expiry');
  t.deepEqual(r.folders, [w.inbox]);
});

test('out-of-range heartbeat: Status 5 at once with the bound', async (t) => {
  const w = await pushWorld(t, { heartbeatMin: 30, heartbeatMax: 900 });
  const low = readPing(await ping(w.phone, 10, [w.inbox]));
  t.like(low, { status: 5, heartbeat: 30 });
  const high = readPing(await ping(w.phone, 3540, [w.inbox]));
  t.like(high, { status: 5, heartbeat: 900 });
});

test('too many folders: Status 6 with MaxFolders', async (t) => {
  const w = await pushWorld(t, { maxPingFolders: 2 });
  const ids = [...w.phone.folders.keys()].slice(0, 3);
  t.like(readPing(await ping(w.phone, 60, ids)), { status: 6, maxFolders: 2 });
});

test('unknown folder: Status 7', async (t) => {
  const w = await pushWorld(t);
  t.is(readPing(await ping(w.phone, 60, [w.inbox, '987654'])).status, 7);
});

test('empty Ping without a cache: Status 3; with one, the cached folders are watched', async (t) => {
  const w = await pushWorld(t);
  t.is(readPing(await ping(w.phone, undefined, undefined)).status, 3);
  const expired = readPing(await ping(w.phone, 1, [w.inbox]));
  t.is(expired.status, 1);
  const answer = ping(w.phone, undefined, undefined);
  await waitParked(w, w.phone);
  await deliver(w, 'for the cached Inbox');
  t.deepEqual(readPing(await answer).folders, [w.inbox]);
});

test('a second Ping from the same device ends the first at once with Status 1', async (t) => {
  t.timeout(15_000);
  const w = await pushWorld(t);
  const first = ping(w.phone, 3000, [w.inbox]);
  await waitParked(w, w.phone);
  const second = ping(w.phone, 3000, [w.inbox]);
  t.is(readPing(await first).status, 1);
  await until(() => parked(w, w.phone), 'second Ping parked');
  t.is(w.ts.server.push.size(), 1);
  await deliver(w, 'for the second');
  t.is(readPing(await second).status, 2);
});

test('a client that disconnects leaves no waiter behind', async (t) => {
  const w = await pushWorld(t);
  const abort = new AbortController();
  const answer = ping(w.phone, 3000, [w.inbox], abort.signal);
  const other = new AbortController();
  const tabletAnswer = ping(w.tablet, 3000, [w.inbox], other.signal);
  await waitParked(w, w.phone);
  await waitParked(w, w.tablet);
  t.is(w.ts.server.push.size(), 2);
  abort.abort();
  other.abort();
  await t.throwsAsync(answer);
  await t.throwsAsync(tabletAnswer);
  await until(() => w.ts.server.push.size() === 0, 'registry empty');
  t.is(w.ts.store.feed.size(), 0, 'no feed subscription left');
});
