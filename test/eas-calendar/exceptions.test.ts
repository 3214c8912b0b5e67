// Exceptions (MS-ASCAL 2.2.2.21/2.2.2.22): below 16.0 the whole list comes with the item; at 16.x a
// client changes or deletes one occurrence by airsyncbase:InstanceId beside the ServerId (the
// Sync command hands it to the class as instance.ts builds it); changing the series' pattern or
// times deletes them; never more than 256.

import test from 'ava';
import { instanceChangeData, instanceDeleteData } from '../../eas/classes/calendar/instance.js';
import { encodeTimeZoneBlob, timeZoneFromIana } from '../../eas/classes/calendar/timezone.js';
import { compact } from '../../eas/classes/calendar/time.js';
import type { ProtocolVersion } from '../../eas/protocol.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { calendarBox, find, tags, text, type CalendarBox } from './harness.js';
import type { DocItem } from '../../store/types.js';

const BERLIN = encodeTimeZoneBlob(timeZoneFromIana('Europe/Berlin', 2030));

/** Daily 10:00 Berlin from 1 January 2030, `days` occurrences. */
function daily(days: number, extra: WbxmlElement[] = []): WbxmlElement[] {
  return [
    el('Calendar:Timezone', BERLIN),
    el('Calendar:StartTime', '20300101T090000Z'),
    el('Calendar:EndTime', '20300101T100000Z'),
    el('Calendar:Subject', 'Stand-up'),
    el('Calendar:Recurrence', [el('Calendar:Type', 0), el('Calendar:Interval', 1), el('Calendar:Occurrences', days)]),
    ...extra,
  ];
}

const occurrence = (n: number) => compact(new Date(Date.UTC(2030, 0, 1 + n, 9)));

async function exceptionsOf(box: CalendarBox, item: DocItem, version: ProtocolVersion): Promise<WbxmlElement[]> {
  return find(await box.render(item, version), 'Calendar:Exceptions')?.children ?? [];
}

/** What a 16.x Sync Change/Delete with InstanceId hands the class (instance.ts). */
async function instanceChange(box: CalendarBox, item: DocItem, data: WbxmlElement) {
  return box.change('16.1', item, data.children);
}

test('16.1: one occurrence changed by InstanceId; the others and the series unchanged', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('16.1', daily(10));
  const status = (await instanceChange(box, item!, instanceChangeData(occurrence(3), el('AirSync:ApplicationData', [
    el('Calendar:Subject', 'Stand-up (long)'),
    el('Calendar:StartTime', occurrence(3)),
    el('Calendar:EndTime', compact(new Date(Date.UTC(2030, 0, 4, 11)))),
  ])))).status;
  t.is(status, 1);
  const v16 = await exceptionsOf(box, item!, '16.1');
  t.is(v16.length, 1);
  t.is(text(v16[0]!.children, 'AirSyncBase:InstanceId'), occurrence(3));
  t.is(text(v16[0]!.children, 'Calendar:Subject'), 'Stand-up (long)');
  t.is(text(await box.render(item!, '16.1'), 'Calendar:Subject'), 'Stand-up');
  // The same exception for a 14.1 device, keyed by ExceptionStartTime.
  const v14 = await exceptionsOf(box, item!, '14.1');
  t.is(text(v14[0]!.children, 'Calendar:ExceptionStartTime'), occurrence(3));
  t.false(tags(v14[0]!.children).includes('AirSyncBase:InstanceId'));

  // A second change of the same occurrence keeps what it does not name (16.x: absent = unchanged).
  await instanceChange(box, item!, instanceChangeData(occurrence(3), el('AirSync:ApplicationData', [el('Calendar:Reminder', 5)])));
  const again = await exceptionsOf(box, item!, '16.1');
  t.is(again.length, 1);
  t.is(text(again[0]!.children, 'Calendar:Subject'), 'Stand-up (long)');
  t.is(text(again[0]!.children, 'Calendar:Reminder'), '5');
});

test('16.1: an occurrence deleted by InstanceId; the last one deleted moves the window time back', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('16.1', daily(10));
  t.is(item!.receivedAt, '2030-01-10T10:00:00.000Z');
  t.is((await instanceChange(box, item!, instanceDeleteData(occurrence(9)))).status, 1);
  const v16 = await exceptionsOf(box, item!, '16.1');
  t.deepEqual(v16.map((e) => [text(e.children, 'AirSyncBase:InstanceId'), text(e.children, 'Calendar:Deleted')]), [[occurrence(9), '1']]);
  t.is((await box.get(item!)).receivedAt, '2030-01-09T10:00:00.000Z');
  // Deleting a changed occurrence replaces what was known of it.
  await instanceChange(box, item!, instanceChangeData(occurrence(2), el('AirSync:ApplicationData', [el('Calendar:Subject', 'x')])));
  await instanceChange(box, item!, instanceDeleteData(occurrence(2)));
  const deleted = (await exceptionsOf(box, item!, '16.1')).find((e) => text(e.children, 'AirSyncBase:InstanceId') === occurrence(2))!;
  t.deepEqual(tags(deleted.children), ['Calendar:Deleted', 'AirSyncBase:InstanceId']);
});

test('16.1: changing the series\' times or pattern deletes its exceptions (MS-ASCAL 2.2.2.22)', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('16.1', daily(10));
  await instanceChange(box, item!, instanceDeleteData(occurrence(4)));
  // A change that leaves times and pattern alone keeps them.
  await box.change('16.1', item!, [el('Calendar:Subject', 'Daily stand-up')]);
  t.is((await exceptionsOf(box, item!, '16.1')).length, 1);
  await box.change('16.1', item!, [el('Calendar:StartTime', '20300101T083000Z'), el('Calendar:EndTime', '20300101T093000Z')]);
  t.is((await exceptionsOf(box, item!, '16.1')).length, 0);
  await instanceChange(box, item!, instanceDeleteData('20300105T083000Z'));
  await box.change('16.1', item!, [el('Calendar:Recurrence', [el('Calendar:Type', 0), el('Calendar:Interval', 2), el('Calendar:Occurrences', 5)])]);
  t.is((await exceptionsOf(box, item!, '16.1')).length, 0);
});

test('14.1: Exceptions sent in a Change are the whole new list', async (t) => {
  const box = await calendarBox(t);
  const exception = (n: number) => el('Calendar:Exception', [el('Calendar:ExceptionStartTime', occurrence(n)), el('Calendar:Deleted', 1)]);
  const { item } = await box.add('14.1', daily(10, [el('Calendar:Exceptions', [exception(1), exception(2)])]));
  await box.change('14.1', item!, [el('Calendar:Exceptions', [exception(5)])], { supported: [] });
  t.deepEqual((await exceptionsOf(box, item!, '14.1')).map((e) => text(e.children, 'Calendar:ExceptionStartTime')), [occurrence(5)]);
});

test('an InstanceId on an event that does not recur is refused (Status 6)', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('16.1', [el('Calendar:StartTime', '20300101T090000Z'), el('Calendar:EndTime', '20300101T100000Z')]);
  t.is((await instanceChange(box, item!, instanceDeleteData('20300101T090000Z'))).status, 6);
});

test('an all-day series: exceptions are keyed by the day, sent as local midnights below 16.0', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', [
    el('Calendar:Timezone', BERLIN),
    el('Calendar:AllDayEvent', 1),
    el('Calendar:StartTime', '20291231T230000Z'),
    el('Calendar:EndTime', '20300101T230000Z'),
    el('Calendar:Recurrence', [el('Calendar:Type', 0), el('Calendar:Interval', 1), el('Calendar:Occurrences', 5)]),
    el('Calendar:Exceptions', [el('Calendar:Exception', [el('Calendar:ExceptionStartTime', '20300102T230000Z'), el('Calendar:Deleted', 1)])]),
  ]);
  t.is(text((await exceptionsOf(box, item!, '16.1'))[0]!.children, 'AirSyncBase:InstanceId'), '20300103T000000Z');
  t.is(text((await exceptionsOf(box, item!, '14.1'))[0]!.children, 'Calendar:ExceptionStartTime'), '20300102T230000Z');
  // 16.x deletes another day by its InstanceId.
  await instanceChange(box, item!, instanceDeleteData('20300105T000000Z'));
  t.deepEqual((await exceptionsOf(box, item!, '14.1')).map((e) => text(e.children, 'Calendar:ExceptionStartTime')), ['20300102T230000Z', '20300104T230000Z']);
  // The last day (5 January) is gone: the series ends with the 4th, at midnight in Berlin.
  t.is((await box.get(item!)).receivedAt, '2030-01-04T23:00:00.000Z');
});

const manyExceptions = (n: number) =>
  el('Calendar:Exceptions', Array.from({ length: n }, (_, i) => el('Calendar:Exception', [el('Calendar:ExceptionStartTime', occurrence(i)), el('Calendar:Deleted', 1)])));

test('at most 256 exceptions (MS-ASCAL 2.2.2.21): 256 are taken, 257 refused', async (t) => {
  const box = await calendarBox(t);
  t.is((await box.add('14.1', daily(300, [manyExceptions(256)]))).status, 1);
  t.is((await box.add('14.1', daily(300, [manyExceptions(257)]))).status, 6);
  t.is(await box.store.countItems(box.account.id, box.folder.id), 1);
});

test('at most 256 exceptions: a 16.x instance change that would make the 257th is refused', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', daily(300, [manyExceptions(256)]));
  t.is((await instanceChange(box, item!, instanceDeleteData(occurrence(256)))).status, 6);
  // Changing one of the 256 is still possible.
  t.is((await instanceChange(box, item!, instanceChangeData(occurrence(10), el('AirSync:ApplicationData', [el('Calendar:Subject', 'back')])))).status, 1);
  t.is((await exceptionsOf(box, item!, '16.1')).length, 256);
});

test('an exception\'s own Body is kept and sent with it (MS-ASCAL 2.2.2.21 airsyncbase:Body)', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('16.1', daily(5));
  await instanceChange(box, item!, instanceChangeData(occurrence(1), el('AirSync:ApplicationData', [
    el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', 'Only today: demo')]),
  ])));
  for (const v of ['14.1', '16.1'] as const) {
    const body = find((await exceptionsOf(box, item!, v))[0]!.children, 'AirSyncBase:Body')!;
    t.deepEqual(tags(body.children), ['AirSyncBase:Type', 'AirSyncBase:EstimatedDataSize', 'AirSyncBase:Data'], v);
    t.is(text(body.children, 'AirSyncBase:Data'), 'Only today: demo');
  }
});
