// Ping at EAS 2.5 (MS-ASCMD 2.2.1.13 exists from 2.5; the request and answer are the same:
// HeartbeatInterval, Folders/Folder with Id and Class, Status 2.2.3.177.11). A 2.5 phone (old
// Windows Mobile pushes with Ping: "Direct Push") parks its Ping and is answered the moment swaks's
// mail is committed, as the 12.0+ tests in test/push/ping-e2e.test.ts check for newer phones.
// As there, a Ping that an event must wake has a heartbeat no test reaches, and the wake is
// checked right when swaks's 250 comes back: nothing waits on a clock.

import test, { type ExecutionContext } from 'ava';
import { createEasClient, type EasClient, type EasResponse } from '../helpers/eas-client.js';
import { answeredOrParked, deliver, ping, pushWorld, readPing, unparkedWithin, type PushWorld } from '../push/helpers.js';

const NEVER = 3000;
const ROUND_TRIP_MS = 30_000;

async function world25(t: ExecutionContext): Promise<{ w: PushWorld; phone: EasClient; inbox: string }> {
  const w = await pushWorld(t, { parseWorkers: 0 });
  const phone = createEasClient({ port: w.ts.httpPort, user: 'alice@example.com', password: 'secret', deviceId: 'WM25PHONE001', deviceType: 'PocketPC', version: '2.5' });
  const sync = await phone.folderSync();
  if (sync.status !== 1) throw new Error(`2.5 FolderSync: Status ${sync.status}`);
  return { w, phone, inbox: await phone.inboxId() };
}

/** Resolves once the Ping is parked; fails at once if it is answered instead. */
async function parks(w: PushWorld, phone: EasClient, request: Promise<EasResponse>): Promise<void> {
  if (await answeredOrParked(w, phone, request, ROUND_TRIP_MS)) {
    throw new Error(`the 2.5 Ping was answered at once (Status ${(await request).body?.intOf('Status')}) instead of parking`);
  }
}

test('a parked 2.5 Ping answers Status 2 with the Inbox when mail is delivered', async (t) => {
  const { w, phone, inbox } = await world25(t);
  const answer = ping(phone, NEVER, [inbox]);
  await parks(w, phone, answer);
  await deliver(w, 'Direct Push to an old phone');
  t.true(await unparkedWithin(w, phone, ROUND_TRIP_MS), 'woken by the commit, before swaks got its 250');
  const r = readPing(await answer);
  t.is(r.status, 2);
  t.deepEqual(r.folders, [inbox]);
  const account = (await w.ts.store.findAccount('alice@example.com'))!;
  t.is((await w.ts.store.getDevice(account.id, 'WM25PHONE001'))?.protocolVersion, '2.5');
});

test('2.5 Ping parameters: the cached folders for an empty Ping, Status 5 with the bound, Status 7 for a stranger folder', async (t) => {
  const { w, phone, inbox } = await world25(t);
  const tooLong = readPing(await ping(phone, 999_999, [inbox]));
  t.is(tooLong.status, 5);
  t.is(tooLong.heartbeat, w.ts.server.deps.config.push.heartbeatMax);
  t.is(readPing(await ping(phone, NEVER, ['424242'])).status, 7);

  // A first valid Ping caches its folders; a later empty one watches them (MS-ASCMD 3.1.5.8).
  const first = ping(phone, NEVER, [inbox]);
  await parks(w, phone, first);
  const empty = ping(phone, undefined, undefined);
  t.is(readPing(await first).status, 1, 'the newer Ping ends the older one');
  await parks(w, phone, empty);
  await deliver(w, 'Into the cached folder');
  t.true(await unparkedWithin(w, phone, ROUND_TRIP_MS));
  const r = readPing(await empty);
  t.is(r.status, 2);
  t.deepEqual(r.folders, [inbox]);
});
