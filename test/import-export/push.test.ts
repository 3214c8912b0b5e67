// An import reaches a phone waiting on the calendar: a Ping parked on the Calendar folder over
// HTTP is answered (Status 2, that folder) by the import's commit, which the store publishes as
// adds of no device (origin null). The import runs on the server's own store, as it does in
// the server process; the phone's Ping has a heartbeat no test reaches.

import test from 'ava';
import { calendarFormat } from '../../eas/classes/ical/calendar-format.js';
import { importText } from '../../eas/classes/ical/pim-transfer.js';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { runCli } from '../cli/run.js';
import { parked, pushWorld, readPing, syncAll, until } from '../push/helpers.js';
import { fixture, fixturePath, pimClasses } from './harness.js';

const NEVER = 3000;

test('a Ping parked on the Calendar is answered by an import into it', async (t) => {
  const w = await pushWorld(t);
  const calendarId = await w.phone.folderIdOfType(FolderType.Calendar);
  await syncAll(w.phone, calendarId);
  const answer = w.phone.post(
    'Ping',
    el('Ping:Ping', [el('Ping:HeartbeatInterval', NEVER), el('Ping:Folders', [el('Ping:Folder', [el('Ping:Id', calendarId), el('Ping:Class', 'Calendar')])])]),
  );
  await until(async () => await parked(w, w.phone), 'the phone\'s Ping parked');

  const done = await importText({ store: w.ts.store, account: w.alice, classes: pimClasses(), now: new Date() }, calendarFormat(), fixture('ical/eas-push/series.ics'), undefined);
  t.is(done.outcome.added, 5);
  // Only the import can end it: its heartbeat is beyond any test's time.
  await until(async () => !await parked(w, w.phone), 'the import waking the phone\'s Ping', 30_000);
  const ping = readPing(await answer);
  t.is(ping.status, 2);
  t.deepEqual(ping.folders, [calendarId]);
  t.is(await w.ts.store.countItems(w.alice.id, done.folder.id), 5);
});

test('the CLI imports into the data directory of a running server, in a process of its own, and the parked Ping hears of it', async (t) => {
  const w = await pushWorld(t);
  const calendarId = await w.phone.folderIdOfType(FolderType.Calendar);
  await syncAll(w.phone, calendarId);
  const answer = w.phone.post(
    'Ping',
    el('Ping:Ping', [el('Ping:HeartbeatInterval', NEVER), el('Ping:Folders', [el('Ping:Folder', [el('Ping:Id', calendarId), el('Ping:Class', 'Calendar')])])]),
  );
  await until(async () => await parked(w, w.phone), 'the phone\'s Ping parked');
  const r = await runCli(['calendar', 'import', 'alice@example.com', fixturePath('ical/eas-push/series.ics'), ...w.ts.storeArgs]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'imported 5 events into "Calendar" of alice@example.com: 5 added, 0 updated, 0 unchanged\n');
  const calendar = (await w.ts.store.folderByType(w.alice.id, FolderType.Calendar))!;
  t.is(await w.ts.store.countItems(w.alice.id, calendar.id), 5, 'the server\'s own store sees the commit');
  // Another process's commit reaches the server's change feed (store.publishExternalCommits).
  const ping = readPing(await answer);
  t.is(ping.status, 2);
  t.deepEqual(ping.folders, [calendarId]);
  const out = await runCli(['calendar', 'export', 'alice@example.com', ...w.ts.storeArgs]);
  t.is(out.code, 0, out.stderr);
  t.regex(out.stdout, /^BEGIN:VCALENDAR\r\n[\s\S]*UID:standup-series@example\.com[\s\S]*END:VCALENDAR\r\n$/);
});
