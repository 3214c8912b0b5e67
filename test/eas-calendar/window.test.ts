// The FilterType window of calendar items (MS-ASCMD 2.2.3.68.2): an event's window time is the end
// of its last occurrence, the series expanded in its own time zone (ical.js), deleted and moved
// occurrences counted; every Recurrence Type; a series without an end is in every window.

import test from 'ava';
import { encodeTimeZoneBlob, timeZoneFromIana } from '../../eas/classes/calendar/timezone.js';
import { compact } from '../../eas/classes/calendar/time.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { calendarBox } from './harness.js';

const BERLIN = encodeTimeZoneBlob(timeZoneFromIana('Europe/Berlin', 2030));
const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

const recurrence = (fields: Record<string, string | number>) =>
  el('Calendar:Recurrence', Object.entries(fields).map(([k, v]) => el(`Calendar:${k}`, v)));

/** Mondays 10:00–11:00 Berlin from 7 January 2030 until 1 April 2030 09:00Z (after DST began on 31 March). */
function mondays(extra: WbxmlElement[] = []): WbxmlElement[] {
  return [
    el('Calendar:Timezone', BERLIN),
    el('Calendar:StartTime', '20300107T090000Z'),
    el('Calendar:EndTime', '20300107T100000Z'),
    el('Calendar:Subject', 'Weekly'),
    recurrence({ Type: 1, Interval: 1, DayOfWeek: 2, Until: '20300401T090000Z' }),
    ...extra,
  ];
}

test('windowSince: 0 all, 4 two weeks, 5 one month, 6 three months, 7 six months; other values all', async (t) => {
  const box = await calendarBox(t);
  const now = new Date('2030-06-30T12:00:00Z');
  const daysBack = (ft: number) => {
    const since = box.cls.windowSince(ft, now);
    return since === null ? null : (now.getTime() - Date.parse(since)) / 86_400_000;
  };
  t.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map(daysBack), [null, null, null, null, 14, 31, 93, 186, null]);
});

test('a weekly series ends with its last occurrence, on the wall clock of its zone across DST', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', mondays());
  // 1 April 2030 10:00 is summer time in Berlin (08:00Z), so the occurrence is before Until and
  // ends at 09:00Z; in UTC it would be 09:00Z–10:00Z.
  t.is(item!.receivedAt, '2030-04-01T09:00:00.000Z');
});

test('deleting the last occurrence moves the window time back a week', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', mondays([
    el('Calendar:Exceptions', [el('Calendar:Exception', [el('Calendar:ExceptionStartTime', '20300401T080000Z'), el('Calendar:Deleted', 1)])]),
  ]));
  t.is(item!.receivedAt, '2030-03-25T10:00:00.000Z');
});

test('an occurrence moved later than the series counts: the window time is its end', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', mondays([
    el('Calendar:Exceptions', [
      el('Calendar:Exception', [el('Calendar:ExceptionStartTime', '20300401T080000Z'), el('Calendar:Deleted', 1)]),
      el('Calendar:Exception', [
        el('Calendar:ExceptionStartTime', '20300325T090000Z'),
        el('Calendar:StartTime', '20300502T120000Z'),
        el('Calendar:EndTime', '20300502T130000Z'),
      ]),
    ]),
  ]));
  t.is(item!.receivedAt, '2030-05-02T13:00:00.000Z');
});

const cases: [string, WbxmlElement[], string][] = [
  ['daily, 10 occurrences', [el('Calendar:StartTime', '20300101T090000Z'), el('Calendar:EndTime', '20300101T100000Z'), recurrence({ Type: 0, Interval: 1, Occurrences: 10 })], '2030-01-10T10:00:00.000Z'],
  ['every weekday, 6 occurrences from a Friday', [el('Calendar:StartTime', '20300104T090000Z'), el('Calendar:EndTime', '20300104T100000Z'), recurrence({ Type: 0, Interval: 1, DayOfWeek: 62, Occurrences: 6 })], '2030-01-11T10:00:00.000Z'],
  ['monthly on the 31st, 2 occurrences: the 28th in February', [el('Calendar:StartTime', '20300131T090000Z'), el('Calendar:EndTime', '20300131T100000Z'), recurrence({ Type: 2, Interval: 1, DayOfMonth: 31, Occurrences: 2 })], '2030-02-28T10:00:00.000Z'],
  ['monthly on the 2nd Tuesday, 3 occurrences', [el('Calendar:StartTime', '20300108T090000Z'), el('Calendar:EndTime', '20300108T100000Z'), recurrence({ Type: 3, Interval: 1, DayOfWeek: 4, WeekOfMonth: 2, Occurrences: 3 })], '2030-03-12T10:00:00.000Z'],
  ['monthly on the last day (DayOfWeek 127, WeekOfMonth 5), 2 occurrences', [el('Calendar:StartTime', '20300131T090000Z'), el('Calendar:EndTime', '20300131T100000Z'), recurrence({ Type: 3, Interval: 1, DayOfWeek: 127, WeekOfMonth: 5, Occurrences: 2 })], '2030-02-28T10:00:00.000Z'],
  ['yearly on 29 February, 2 occurrences: the 28th next year', [el('Calendar:StartTime', '20280229T090000Z'), el('Calendar:EndTime', '20280229T100000Z'), recurrence({ Type: 5, Interval: 1, MonthOfYear: 2, DayOfMonth: 29, Occurrences: 2 })], '2029-02-28T10:00:00.000Z'],
  ['yearly on the last Sunday of March (Type 6), 3 occurrences', [el('Calendar:StartTime', '20300331T090000Z'), el('Calendar:EndTime', '20300331T100000Z'), recurrence({ Type: 6, Interval: 1, DayOfWeek: 1, WeekOfMonth: 5, MonthOfYear: 3, Occurrences: 3 })], '2032-03-28T10:00:00.000Z'],
  ['every 2 weeks on Tuesday and Thursday until 31 January', [el('Calendar:StartTime', '20300101T090000Z'), el('Calendar:EndTime', '20300101T100000Z'), recurrence({ Type: 1, Interval: 2, DayOfWeek: 20, Until: '20300131T235959Z' })], '2030-01-31T10:00:00.000Z'],
  ['a Chinese lunar series cannot be expanded: until its Until', [el('Calendar:StartTime', '20300101T090000Z'), el('Calendar:EndTime', '20300101T100000Z'), recurrence({ Type: 5, Interval: 1, MonthOfYear: 1, DayOfMonth: 1, CalendarType: 15, Until: '20350101T090000Z' })], '2035-01-01T10:00:00.000Z'],
  ['a Chinese lunar series counted by Occurrences: every window', [el('Calendar:StartTime', '20300101T090000Z'), el('Calendar:EndTime', '20300101T100000Z'), recurrence({ Type: 5, Interval: 1, MonthOfYear: 1, DayOfMonth: 1, CalendarType: 15, Occurrences: 5 })], FAR_FUTURE],
  ['no Until, no Occurrences: every window', [el('Calendar:StartTime', '20300101T090000Z'), el('Calendar:EndTime', '20300101T100000Z'), recurrence({ Type: 0, Interval: 1 })], FAR_FUTURE],
];

for (const [name, props, expected] of cases) {
  test(`window time: ${name}`, async (t) => {
    const box = await calendarBox(t);
    const { status, item } = await box.add('14.1', props);
    t.is(status, 1);
    t.is(item!.receivedAt, expected);
  });
}

test('an all-day weekly series at 16.1 ends with its last day', async (t) => {
  const box = await calendarBox(t, { preferredZone: () => 'Europe/Berlin' });
  const { item } = await box.add('16.1', [
    el('Calendar:AllDayEvent', 1),
    el('Calendar:StartTime', '20300107T000000Z'),
    el('Calendar:EndTime', '20300108T000000Z'),
    recurrence({ Type: 1, Interval: 1, DayOfWeek: 2, Occurrences: 4 }),
  ]);
  // Mondays 7, 14, 21, 28 January; the 28th ends at midnight in Berlin (23:00Z).
  t.is(item!.receivedAt, '2030-01-28T23:00:00.000Z');
});

test('a weekly event that ended two months ago is outside FilterType 5 and inside FilterType 6', async (t) => {
  const box = await calendarBox(t);
  const now = new Date();
  const day = 86_400_000;
  const start = new Date(Math.floor((now.getTime() - 120 * day) / day) * day + 10 * 3_600_000);
  const { item } = await box.add('14.1', [
    el('Calendar:StartTime', compact(start)),
    el('Calendar:EndTime', compact(new Date(start.getTime() + 3_600_000))),
    recurrence({ Type: 1, Interval: 1, DayOfWeek: 1 << start.getUTCDay(), Until: compact(new Date(now.getTime() - 60 * day)) }),
  ]);
  const at = Date.parse(item!.receivedAt);
  t.true(at <= now.getTime() - 60 * day && at > now.getTime() - 68 * day, item!.receivedAt);
  t.true(at < Date.parse(box.cls.windowSince(5, now)!));
  t.true(at >= Date.parse(box.cls.windowSince(6, now)!));

  // The store's window agrees: another device syncing with FilterType 6 gets it, with 5 does not.
  const other = await box.store.touchDevice(box.account.id, 'other', { deviceType: 'TestPhone', userAgent: null, protocolVersion: '14.1' });
  const adds = async (ft: number) =>
    (await box.store.changes({ accountId: box.account.id, folderId: box.folder.id, deviceRowId: other.id, cursor: { modseq: 0, itemId: 0 }, limit: 10, since: box.cls.windowSince(ft, now) })).changes.length;
  t.is(await adds(6), 1);
  t.is(await adds(5), 0);
});

test('a series with a deleted and a modified exception: the moved occurrence decides which windows hold it', async (t) => {
  const box = await calendarBox(t);
  const now = new Date();
  const day = 86_400_000;
  // Weekly from 130 days ago until 70 days ago: outside a month's window, inside three months'.
  const start = new Date(Math.floor((now.getTime() - 130 * day) / day) * day + 10 * 3_600_000);
  const nth = (n: number) => new Date(start.getTime() + 7 * n * day);
  const series = (exceptions: WbxmlElement[]) => [
    el('Calendar:StartTime', compact(start)),
    el('Calendar:EndTime', compact(new Date(start.getTime() + 3_600_000))),
    recurrence({ Type: 1, Interval: 1, DayOfWeek: 1 << start.getUTCDay(), Until: compact(new Date(now.getTime() - 70 * day)) }),
    el('Calendar:Exceptions', exceptions),
  ];
  const deleted = el('Calendar:Exception', [el('Calendar:ExceptionStartTime', compact(nth(1))), el('Calendar:Deleted', 1)]);
  const moved = (to: Date) => el('Calendar:Exception', [
    el('Calendar:ExceptionStartTime', compact(nth(2))),
    el('Calendar:StartTime', compact(to)),
    el('Calendar:EndTime', compact(new Date(to.getTime() + 3_600_000))),
  ]);
  const inWindow = (at: string, ft: number) => Date.parse(at) >= Date.parse(box.cls.windowSince(ft, now)!);

  const ended = (await box.add('14.1', series([deleted, moved(nth(2))]))).item!;
  t.false(inWindow(ended.receivedAt, 5));
  t.true(inWindow(ended.receivedAt, 6));

  // One occurrence moved to 20 days ago: the event is in the last month again.
  const recent = new Date(now.getTime() - 20 * day);
  const { item } = await box.add('14.1', series([deleted, moved(recent)]));
  t.is(item!.receivedAt, new Date(Math.floor(recent.getTime() / 1000) * 1000 + 3_600_000).toISOString());
  t.true(inWindow(item!.receivedAt, 5));
  t.false(inWindow(item!.receivedAt, 4)); // but not in the last two weeks
});
