// docs/sync.md §9, a folder that never stops re-downloading, over real sockets: a phone that
// cannot take one message keeps repeating its SyncKey. The page is sent again, then halved on
// each repeat until the message is alone; refused alone three times, it is skipped for that
// phone (listed by `eas-push device show` with its subject, never deleted) and the rest of the
// folder syncs. A server restart in the middle of the hunt does not start it over; a SyncKey 0
// of the folder gives the skipped message another chance.

import test from 'ava';
import { el } from '../../eas/wbxml/tree.js';
import { runCli } from '../cli/run.js';
import { bodyPreference } from './wire.js';
import { ALICE, phoneEnv, subjectOf, syncOne } from './phone-env.js';

const SUBJECTS = ['One', 'Two', 'Broken', 'Four', 'Five', 'Six'];

test('a phone that keeps refusing one message gets every other one; the skipped one shows in device show', async (t) => {
  t.timeout(180_000);
  const e = await phoneEnv(t);
  for (const s of SUBJECTS) await e.mail(s);
  const phone = e.phone('FUSSYPHONE');
  const inbox = await phone.inboxId();
  const zero = (await syncOne(phone, { syncKey: '0', collectionId: inbox }))!;

  // The phone: it takes an answer whole or not at all, and it cannot take "Broken".
  const held = new Map<string, string>();
  const windows: number[] = [];
  let key = zero.syncKey;
  let requests = 0;
  let refused = 0;
  let done = false;
  while (!done && requests < 30) {
    requests++;
    const res = await syncOne(phone, {
      syncKey: key,
      collectionId: inbox,
      windowSize: 4,
      options: requests === 1 ? [el('AirSync:Options', [el('AirSync:FilterType', 0), bodyPreference(1)])] : undefined,
    });
    if (res === null) break;
    t.is(res.status, 1, `request ${requests}`);
    windows.push(res.adds.length);
    if (res.adds.some((a) => subjectOf(a.data) === 'Broken')) {
      refused++;
      // Halfway through the hunt the server restarts; the hunt goes on where it was.
      if (refused === 5) await e.restart();
      continue;
    }
    for (const a of res.adds) held.set(a.serverId, subjectOf(a.data));
    key = res.syncKey;
    done = !res.moreAvailable;
  }
  t.true(done, 'the folder finished syncing');
  t.deepEqual([...held.values()].sort(), SUBJECTS.filter((s) => s !== 'Broken').sort());
  // Full page twice, half, (taken) full page twice, half, then "Broken" alone three times and
  // once more, after which it is skipped; the rest comes at the full window again.
  t.deepEqual(windows, [4, 4, 2, 4, 4, 2, 1, 1, 1, 0, 3]);

  // Listed for the admin, with its subject; still on the server for everyone else.
  const shown = await runCli(['device', 'show', ALICE, 'FUSSYPHONE', ...e.srv.storeArgs]);
  t.is(shown.code, 0, shown.stderr);
  t.regex(shown.stdout, /^skipped items \(the device kept refusing them; they stay on the server\), 1:$/m);
  t.regex(shown.stdout, /^ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}Inbox {2}item \d+:\d+ {2}"Broken"$/m);
  const other = e.phone('OTHERPHONE');
  const otherZero = (await syncOne(other, { syncKey: '0', collectionId: inbox }))!;
  const otherPage = (await syncOne(other, { syncKey: otherZero.syncKey, collectionId: inbox }))!;
  t.deepEqual(otherPage.adds.map((a) => subjectOf(a.data)).sort(), [...SUBJECTS].sort());

  // The episode is over: new mail comes at once, at the full window, without "Broken".
  await e.mail('Seven');
  const next = (await syncOne(phone, { syncKey: key, collectionId: inbox, windowSize: 4 }))!;
  t.deepEqual(next.adds.map((a) => subjectOf(a.data)), ['Seven']);
  t.is(await syncOne(phone, { syncKey: next.syncKey, collectionId: inbox, windowSize: 4 }), null);

  // Starting the folder over (SyncKey 0) lifts the skip: "Broken" gets another chance.
  const resync = (await syncOne(phone, { syncKey: '0', collectionId: inbox }))!;
  const all = (await syncOne(phone, { syncKey: resync.syncKey, collectionId: inbox }))!;
  t.deepEqual(all.adds.map((a) => subjectOf(a.data)).sort(), [...SUBJECTS, 'Seven'].sort());
  const after = await runCli(['device', 'show', ALICE, 'FUSSYPHONE', ...e.srv.storeArgs]);
  t.notRegex(after.stdout, /skipped items/);
});

test('a single repeat is a plain retry: the same page again, nothing skipped', async (t) => {
  t.timeout(90_000);
  const e = await phoneEnv(t);
  for (const s of ['A', 'B', 'C']) await e.mail(s);
  const phone = e.phone('ONCEPHONE');
  const inbox = await phone.inboxId();
  const zero = (await syncOne(phone, { syncKey: '0', collectionId: inbox }))!;
  const first = (await syncOne(phone, { syncKey: zero.syncKey, collectionId: inbox, windowSize: 2 }))!;
  const again = (await syncOne(phone, { syncKey: zero.syncKey, collectionId: inbox, windowSize: 2 }))!;
  t.is(again.syncKey, first.syncKey);
  t.deepEqual(again.adds.map((a) => a.serverId), first.adds.map((a) => a.serverId));
  const rest = (await syncOne(phone, { syncKey: again.syncKey, collectionId: inbox, windowSize: 2 }))!;
  t.deepEqual(rest.adds.map((a) => subjectOf(a.data)), ['C']);
  const shown = await runCli(['device', 'show', ALICE, 'ONCEPHONE', ...e.srv.storeArgs]);
  t.is(shown.code, 0, shown.stderr);
  t.notRegex(shown.stdout, /skipped items/);
});
