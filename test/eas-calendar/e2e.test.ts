// The Calendar class behind the real server over HTTP: a 14.1 phone adds events with Sync, a
// 16.1 phone receives them in 16.x's forms, changes one, and the 14.1 phone gets the Change in
// its own; a phone's FilterType window keeps or leaves out an ended series.

import test from 'ava';
import { compact } from '../../eas/classes/calendar/time.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { startTestServer } from '../helpers/server.js';
import { cmd, onlyCollection, options, syncRequest, type CollectionSpec, type SyncedCollection } from '../eas-sync/wire.js';
import { fixture, text } from './harness.js';

const PASSWORD = 'correct horse battery';

async function env(t: { teardown(fn: () => Promise<void> | void): void }) {
  const srv = await startTestServer();
  t.teardown(() => srv.stop());
  await srv.addUser('alice@example.com', PASSWORD);
  return (deviceId: string, version: string) =>
    createEasClient({ port: srv.httpPort, user: 'alice@example.com', password: PASSWORD, deviceId, version });
}

async function sync(phone: EasClient, spec: CollectionSpec) {
  const res = await phone.post('Sync', syncRequest([spec]));
  if (res.status !== 200) throw new Error(`Sync answered HTTP ${res.status}`);
  // MS-ASCMD 2.2.1.21: nothing to say is an empty answer; the SyncKey stays.
  if (res.raw.length === 0) return nothingNew(spec);
  return onlyCollection(res.body);
}

function nothingNew(spec: CollectionSpec): SyncedCollection {
  return {
    syncKey: spec.syncKey, collectionId: spec.collectionId, status: 1, moreAvailable: false, order: [],
    adds: [], changes: [], deletes: [], softDeletes: [], responses: [], hasResponsesElement: false,
  };
}

/** SyncKey 0 (with a Supported list below 16.0), then the first page with FilterType `filter`. */
async function start(phone: EasClient, collectionId: string, filter: number, supported?: string[]) {
  const zero = await sync(phone, { syncKey: '0', collectionId, options: supported ? [el('AirSync:Supported', supported.map((s) => el(s)))] : [] });
  return sync(phone, { syncKey: zero.syncKey, collectionId, options: [options(filter)] });
}

test('14.1 adds, 16.1 reads in its forms, 16.1 changes, 14.1 gets the Change in its forms', async (t) => {
  const phone = await env(t);
  const a = phone('CALA', '14.1');
  const b = phone('CALB', '16.1');
  const calendar = await a.folderIdOfType(FolderType.Calendar);

  let aState = await start(a, calendar, 0, ['Calendar:Subject', 'Calendar:Location', 'Calendar:StartTime', 'Calendar:EndTime']);
  aState = await sync(a, {
    syncKey: aState.syncKey,
    collectionId: calendar,
    commands: [cmd.add('c1', fixture('allday_appointment.wbxml')), cmd.add('c2', fixture('simpleexception.wbxml'))],
  });
  const statuses = aState.responses.map((r: WbxmlElement) => r.textOf('Status'));
  t.deepEqual(statuses, ['1', '1']);

  await b.folderIdOfType(FolderType.Calendar);
  const bState = await start(b, calendar, 0);
  const bySubject = new Map(bState.adds.map((x) => [x.data?.textOf('Calendar:Subject'), x]));
  const allDay = bySubject.get('Test Event')!.data!;
  t.is(allDay.textOf('Calendar:StartTime'), '19700320T000000Z');
  t.false(allDay.has('Calendar:Timezone'));
  const series = bySubject.get('Event Title')!;
  t.is(series.data!.child('AirSyncBase:Location')?.textOf('AirSyncBase:DisplayName'), 'Philadelphia, PA');
  t.false(series.data!.has('Calendar:Location'));
  t.is(series.data!.path('Calendar:Exceptions', 'Calendar:Exception')?.textOf('AirSyncBase:InstanceId'), '20111229T200000Z');

  // 16.1 changes the subject only: at 16.x the rest is unchanged.
  const changed = await sync(b, { syncKey: bState.syncKey, collectionId: calendar, commands: [cmd.change(series.serverId, [el('Calendar:Subject', 'Renamed')])] });
  t.is(changed.status, 1);

  const aChanges = await sync(a, { syncKey: aState.syncKey, collectionId: calendar });
  t.is(aChanges.changes.length, 1);
  const data = aChanges.changes[0]!.data!;
  t.is(data.textOf('Calendar:Subject'), 'Renamed');
  t.is(data.textOf('Calendar:Location'), 'Philadelphia, PA');
  t.is(data.path('Calendar:Exceptions', 'Calendar:Exception')?.textOf('Calendar:ExceptionStartTime'), '20111229T200000Z');
  t.is(text(data.children, 'Calendar:Timezone'), text(fixture('simpleexception.wbxml'), 'Calendar:Timezone'));
});

test('FilterType: a series that ended two months ago reaches a phone syncing 3 months, not one syncing 1 month', async (t) => {
  const phone = await env(t);
  const a = phone('CALA', '16.1');
  const calendar = await a.folderIdOfType(FolderType.Calendar);
  const day = 86_400_000;
  const now = Date.now();
  const startAt = new Date(Math.floor((now - 120 * day) / day) * day + 9 * 3_600_000);
  let state = await start(a, calendar, 0);
  state = await sync(a, {
    syncKey: state.syncKey,
    collectionId: calendar,
    commands: [cmd.add('old', [
      el('Calendar:Subject', 'Old weekly'),
      el('Calendar:StartTime', compact(startAt)),
      el('Calendar:EndTime', compact(new Date(startAt.getTime() + 3_600_000))),
      el('Calendar:Recurrence', [el('Calendar:Type', 1), el('Calendar:Interval', 1), el('Calendar:DayOfWeek', 1 << startAt.getUTCDay()), el('Calendar:Until', compact(new Date(now - 60 * day)))]),
    ])],
  });
  t.is(state.responses[0]?.textOf('Status'), '1');

  for (const [id, filter, expected] of [['MONTH', 5, 0], ['QUARTER', 6, 1]] as const) {
    const other = phone(id, '16.1');
    await other.folderIdOfType(FolderType.Calendar);
    t.is((await start(other, calendar, filter)).adds.length, expected, `FilterType ${filter}`);
  }
});
