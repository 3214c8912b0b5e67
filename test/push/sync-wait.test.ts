// Sync with Wait / HeartbeatInterval (MS-ASCMD 2.2.1.21, 2.2.3.198, 2.2.3.88.2; docs/push.md rule 7):
// the same parking as Ping, through the Sync command.

import test from 'ava';
import { deliver, parked, ping, pushWorld, readPing, syncAll, syncOnce, until, waitParked } from './helpers.js';

test('a Sync with HeartbeatInterval returns the new message when it lands', async (t) => {
  t.timeout(15_000);
  const w = await pushWorld(t);
  const { syncKey } = await syncAll(w.phone, w.inbox);
  const answer = syncOnce(w.phone, w.inbox, syncKey, { heartbeat: 3000 });
  await waitParked(w, w.phone);
  await deliver(w, 'Waited for');
  const r = await answer;
  t.is(r.response.status, 200);
  t.is(r.status, 1);
  t.deepEqual(r.adds.map((a) => a.subject), ['Waited for']);
  t.not(r.syncKey, syncKey);
  t.is(w.ts.server.push.size(), 0);
});

test('a Sync with Wait (minutes) parks too; a delivery answers it', async (t) => {
  t.timeout(15_000);
  const w = await pushWorld(t, { heartbeatMin: 60, heartbeatMax: 3540 });
  const { syncKey } = await syncAll(w.phone, w.inbox);
  const answer = syncOnce(w.phone, w.inbox, syncKey, { wait: 30 });
  await waitParked(w, w.phone);
  await deliver(w, 'Waited for minutes');
  t.deepEqual((await answer).adds.map((a) => a.subject), ['Waited for minutes']);
});

test('at expiry with no change: an empty 200', async (t) => {
  const w = await pushWorld(t);
  const { syncKey } = await syncAll(w.phone, w.inbox);
  const r = await syncOnce(w.phone, w.inbox, syncKey, { heartbeat: 1 });
  t.is(r.response.status, 200);
  t.is(r.response.raw.length, 0);
});

test('out of range: Status 14 with Limit; Wait and HeartbeatInterval together: Status 4', async (t) => {
  const w = await pushWorld(t, { heartbeatMin: 60, heartbeatMax: 600 });
  const { syncKey } = await syncAll(w.phone, w.inbox);
  const high = await syncOnce(w.phone, w.inbox, syncKey, { heartbeat: 601 });
  t.is(high.response.body?.intOf('Status'), 14);
  t.is(high.response.body?.intOf('Limit'), 600);
  const low = await syncOnce(w.phone, w.inbox, syncKey, { wait: 0 });
  t.is(low.response.body?.intOf('Status'), 14);
  t.is(low.response.body?.intOf('Limit'), 1);
  const both = await syncOnce(w.phone, w.inbox, syncKey, { wait: 5, heartbeat: 300 });
  t.is(both.response.body?.intOf('Status'), 4);
  t.false(await parked(w, w.phone));
});

test('a Ping from the same device ends its parked Sync (an empty 200): one parked request per device', async (t) => {
  t.timeout(15_000);
  const w = await pushWorld(t);
  const { syncKey } = await syncAll(w.phone, w.inbox);
  const waiting = syncOnce(w.phone, w.inbox, syncKey, { heartbeat: 3000 });
  await waitParked(w, w.phone);
  const pinged = ping(w.phone, 3000, [w.inbox]);
  const ended = await waiting;
  t.is(ended.response.status, 200);
  t.is(ended.response.raw.length, 0, 'the superseded Sync ends with an empty 200');
  await until(async () => await parked(w, w.phone), 'Ping parked');
  t.is(w.ts.server.push.size(), 1);
  await deliver(w, 'after the switch');
  t.is(readPing(await pinged).status, 2);
});
