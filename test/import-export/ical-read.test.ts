// iCalendar → Calendar ApplicationData (eas/classes/ical/calendar-read.ts) on its own, no store:
// every fixture's count of events, refusals and skips, and the mapped values checked exactly
// (times and zones, recurrence, exceptions, alarms, all-day days, attendees).

import test from 'ava';
import { readFileSync } from 'node:fs';
import { decodeTimeZoneBlob } from '../../eas/classes/calendar/timezone.js';
import { readCalendarFile } from '../../eas/classes/ical/calendar-read.js';
import { FileError, type ImportEntry, type ReadResult } from '../../eas/classes/ical/entries.js';
import { decodeText } from '../../eas/classes/ical/text.js';
import type { ProtocolVersion } from '../../eas/protocol.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';
import { fixture, fixturePath } from './harness.js';

function read(name: string, version: ProtocolVersion = '16.1', timeZone: string | null = null): ReadResult {
  return readCalendarFile(decodeText(readFileSync(fixturePath(`ical/${name}`))), { version, self: 'alice@example.com', timeZone });
}

function byUid(r: ReadResult, uid: string): ImportEntry {
  const found = r.entries.find((e) => e.uid === uid);
  if (!found) throw new Error(`no entry ${uid} among ${r.entries.map((e) => e.uid).join(', ')}`);
  return found;
}

const t_ = (e: WbxmlElement, tag: string): string | undefined => e.textOf(tag);

test('every fixture: events imported, refused and skipped, with their lines', (t) => {
  const expected: Record<string, [entries: number, refused: string[], skipped: string[]]> = {
    'icaljs/blank_description.ics': [1, [], []],
    'icaljs/daily_recur.ics': [1, [], []],
    'icaljs/day_long_recur_yearly.ics': [1, [], []],
    'icaljs/duration_instead_of_dtend.ics': [1, [], []],
    'icaljs/forced_types.ics': [1, [], []],
    'icaljs/google_birthday.ics': [4, [], []],
    'icaljs/minimal.ics': [1, [], []],
    'icaljs/only_dtstart_date.ics': [1, [], []],
    'icaljs/rdate_exdate.ics': [1, [], []],
    'icaljs/timezones_America_Los_Angeles.ics': [0, [], []],
    'icaljs/timezones_America_New_York.ics': [0, [], []],
    'python-icalendar/alarm_etar_future.ics': [1, [], []],
    'python-icalendar/alarm_thunderbird_future.ics': [1, [], []],
    'python-icalendar/issue_1231_recurrence.ics': [1, [], []],
    'python-icalendar/issue_165_missing_event.ics': [0, ['line 20'], []],
    'python-icalendar/issue_722_missing_timezones.ics': [1, ['line 9', 'line 15'], ['line 12']],
    'python-icalendar/issue_836_do_not_quote_tzid.ics': [1, [], []],
    'python-icalendar/parsing_error.ics': [1, ['line 13'], []],
    'python-icalendar/timezone_same_start.ics': [1, [], []],
    'python-icalendar/x_location.ics': [1, [], []],
    'thunderbird/event.ics': [1, [], []],
    'thunderbird/import.ics': [4, [], []],
    'thunderbird/importLatin1.ics': [4, [], []],
    'eas-push/series.ics': [5, [], []],
    'eas-push/mixed-broken.ics': [2, ['line 11', 'line 28'], ['line 17']],
  };
  for (const [name, [entries, refused, skipped]] of Object.entries(expected)) {
    const r = read(name);
    t.is(r.entries.length, entries, name);
    t.deepEqual(r.refused.map((p) => p.position), refused, name);
    t.deepEqual(r.skipped.map((p) => p.position), skipped, name);
  }
});

test('a broken entry is refused with its line and reason; the good ones around it are read', (t) => {
  const r = read('eas-push/mixed-broken.ics');
  t.deepEqual(r.entries.map((e) => [e.position, e.uid]), [['line 4', 'good-one@example.com'], ['line 21', 'good-two@example.com']]);
  t.regex(r.refused[0]!.reason, /^VEVENT: DTSTART: invalid value/);
  t.is(r.refused[1]!.reason, 'VEVENT: BEGIN:VEVENT has no END:VEVENT');
  t.is(r.skipped[0]!.reason, 'VTODO is not imported (only VEVENT)');
  t.regex(read('python-icalendar/parsing_error.ics').refused[0]!.reason, /^VEVENT: EXDATE: invalid value/);
});

test('a file that is no calendar at all is one FileError', (t) => {
  const err = t.throws(() => readCalendarFile(fixture('ical/eas-push/not-a-calendar.ics'), { version: '16.1', self: 'a@b.c' }), { instanceOf: FileError });
  t.is(err?.message, 'not an iCalendar file: no BEGIN:VCALENDAR');
});

test('a TZID with its VTIMEZONE: the UTC times and the IANA zone\'s blob (America/Los_Angeles)', (t) => {
  const e = read('icaljs/daily_recur.ics').entries[0]!;
  const a = e.appData;
  t.is(t_(a, 'Calendar:StartTime'), '20120801T120000Z'); // 05:00 PDT
  t.is(t_(a, 'Calendar:EndTime'), '20120801T130000Z');
  const tz = decodeTimeZoneBlob(t_(a, 'Calendar:Timezone')!);
  t.like(tz, { bias: 480, daylightBias: -60, standardBias: 0, standardName: 'Pacific Standard Time' });
  t.like(tz.daylightDate, { month: 3, day: 2, dayOfWeek: 0, hour: 2 });
  t.like(tz.standardDate, { month: 11, day: 1, dayOfWeek: 0, hour: 2 });
  t.is(a.path('Calendar:Recurrence')?.textOf('Calendar:Type'), '0');
  t.is(t_(a, 'Calendar:Reminder'), '30', 'the DISPLAY alarm, -PT30M');
  t.is(t_(a, 'Calendar:ClientUid'), 'tgh9qho17b07pk2n2ji3gluans@google.com');
  t.deepEqual(e.setNodes, [{ tag: 'Calendar:UID', text: 'tgh9qho17b07pk2n2ji3gluans@google.com' }]);
});

test('a Windows TZID maps to its IANA zone; a TZID with no IANA name gets a blob from its VTIMEZONE', (t) => {
  const eastern = read('python-icalendar/issue_836_do_not_quote_tzid.ics').entries[0]!.appData;
  t.is(t_(eastern, 'Calendar:StartTime'), '20241028T210000Z'); // 17:00 EDT
  t.is(decodeTimeZoneBlob(t_(eastern, 'Calendar:Timezone')!).standardName, 'Eastern Standard Time');

  const standup = byUid(read('eas-push/series.ics'), 'standup-series@example.com').appData;
  t.is(t_(standup, 'Calendar:StartTime'), '20240603T073000Z'); // 09:30 at +02:00
  t.is(t_(standup, 'Calendar:EndTime'), '20240603T074500Z');
  const tz = decodeTimeZoneBlob(t_(standup, 'Calendar:Timezone')!);
  t.like(tz, { bias: -60, standardBias: 0, daylightBias: -60, standardName: 'GMT +0100 (Standard) / GMT +0200' }); // the TZID's first 32 characters
  t.like(tz.standardDate, { month: 10, day: 5, dayOfWeek: 0, hour: 3 });
  t.like(tz.daylightDate, { month: 3, day: 5, dayOfWeek: 0, hour: 2 });
});

test('an IANA TZID without VTIMEZONE, DURATION, and a monthly nth-weekday rule with UNTIL', (t) => {
  const a = byUid(read('eas-push/series.ics'), 'patch-tuesday@example.com').appData;
  t.is(t_(a, 'Calendar:StartTime'), '20240611T170000Z');
  t.is(t_(a, 'Calendar:EndTime'), '20240611T190000Z');
  const r = a.child('Calendar:Recurrence')!;
  t.deepEqual(
    r.children.map((c) => [c.tag, c.text]),
    [['Calendar:Type', '3'], ['Calendar:WeekOfMonth', '2'], ['Calendar:DayOfWeek', '4'], ['Calendar:Until', '20241231T230000Z'], ['Calendar:CalendarType', '0']],
  );
});

test('a weekly series: days, count, WKST, EXDATE as a deleted exception, the override as a changed one', (t) => {
  const a = byUid(read('eas-push/series.ics'), 'standup-series@example.com').appData;
  const r = a.child('Calendar:Recurrence')!;
  t.deepEqual(
    r.children.map((c) => [c.tag, c.text]),
    [['Calendar:Type', '1'], ['Calendar:Occurrences', '10'], ['Calendar:DayOfWeek', String(2 | 8 | 32)], ['Calendar:FirstDayOfWeek', '0']],
  );
  const exceptions = a.child('Calendar:Exceptions')!.all('Calendar:Exception');
  t.is(exceptions.length, 2);
  t.deepEqual(exceptions[0]!.children.map((c) => [c.tag, c.text]), [['Calendar:Deleted', '1'], ['AirSyncBase:InstanceId', '2024-06-05T07:30:00.000Z']]);
  t.deepEqual(
    exceptions[1]!.children.map((c) => [c.tag, c.text]),
    [['AirSyncBase:InstanceId', '2024-06-07T07:30:00.000Z'], ['Calendar:Subject', 'Stand-up (moved)'], ['Calendar:StartTime', '20240607T083000Z'], ['Calendar:EndTime', '20240607T084500Z']],
  );
  // Below 16.0 the same exceptions are named by ExceptionStartTime.
  const old = byUid(read('eas-push/series.ics', '14.1'), 'standup-series@example.com').appData;
  t.is(old.child('Calendar:Exceptions')!.all('Calendar:Exception')[1]!.textOf('Calendar:ExceptionStartTime'), '20240607T073000Z');
  t.is(t_(old, 'Calendar:UID'), 'standup-series@example.com');
  t.is(t_(old, 'Calendar:Location'), 'Room 4');
});

test('people, privacy, busy status, categories, body, and the reminder from the DISPLAY alarm', (t) => {
  const a = byUid(read('eas-push/series.ics'), 'standup-series@example.com').appData;
  t.is(t_(a, 'Calendar:Subject'), 'Stand-up');
  t.is(a.child('AirSyncBase:Location')?.textOf('AirSyncBase:DisplayName'), 'Room 4');
  t.is(a.child('AirSyncBase:Body')?.textOf('AirSyncBase:Data'), 'Daily stand-up.\nBring your board.');
  t.is(t_(a, 'Calendar:Sensitivity'), '2');
  t.is(t_(a, 'Calendar:BusyStatus'), '2');
  t.is(t_(a, 'Calendar:Reminder'), '15', 'the DISPLAY alarm (-PT15M), not the EMAIL one');
  t.deepEqual(a.child('Calendar:Categories')!.all('Calendar:Category').map((c) => c.text), ['Work', 'Team']);
  t.is(t_(a, 'Calendar:OrganizerEmail'), 'alice@example.com');
  t.is(t_(a, 'Calendar:OrganizerName'), 'Alice Example');
  t.is(t_(a, 'Calendar:MeetingStatus'), '1', 'alice organizes it');
  t.deepEqual(
    a.child('Calendar:Attendees')!.all('Calendar:Attendee').map((x) => x.children.map((c) => c.text)),
    [['bob@example.org', 'Bob', '3', '1'], ['carol@example.org', 'Carol', '2', '2']],
  );
  const google = read('icaljs/google_birthday.ics').entries[0]!.appData;
  t.is(t_(google, 'Calendar:Sensitivity'), '0');
  t.is(t_(google, 'Calendar:MeetingStatus'), '0', 'attendees but no organizer: an appointment');
});

test('all-day events are days (16.x), and local midnights of the zone below 16.0', (t) => {
  const r = read('eas-push/series.ics');
  const trip = byUid(r, 'trip@example.com').appData;
  t.is(t_(trip, 'Calendar:AllDayEvent'), '1');
  t.is(t_(trip, 'Calendar:StartTime'), '20240722T000000Z');
  t.is(t_(trip, 'Calendar:EndTime'), '20240726T000000Z');
  const yearly = byUid(r, 'anniversary@example.com').appData;
  t.deepEqual(yearly.child('Calendar:Recurrence')!.children.map((c) => [c.tag, c.text]), [
    ['Calendar:Type', '5'], ['Calendar:MonthOfYear', '5'], ['Calendar:DayOfMonth', '17'], ['Calendar:CalendarType', '0'],
  ]);
  t.is(t_(yearly, 'Calendar:BusyStatus'), '0', 'TRANSP:TRANSPARENT');
  // Below 16.0: midnight in X-WR-TIMEZONE (Europe/Berlin, +02:00 in July).
  const old = byUid(read('eas-push/series.ics', '14.1'), 'trip@example.com').appData;
  t.is(t_(old, 'Calendar:StartTime'), '20240721T220000Z');
  t.is(t_(old, 'Calendar:EndTime'), '20240725T220000Z');
  // A date without DTEND lasts one day; a DURATION of a day likewise.
  t.is(t_(read('icaljs/only_dtstart_date.ics').entries[0]!.appData, 'Calendar:EndTime'), '20120701T000000Z');
});

test('EXDATE as a date names the occurrence on that day at the series\' time', (t) => {
  const a = read('icaljs/rdate_exdate.ics').entries[0]!.appData;
  t.is(t_(a, 'Calendar:StartTime'), '20240609T030000Z');
  t.deepEqual(a.child('Calendar:Recurrence')!.children.map((c) => [c.tag, c.text]), [['Calendar:Type', '0'], ['Calendar:Occurrences', '4']]);
  t.deepEqual(a.child('Calendar:Exceptions')!.all('Calendar:Exception')[0]!.children.map((c) => c.text), ['1', '2024-06-11T03:00:00.000Z']);
});

test('a rule EAS cannot express: the first occurrence, a warning, and the rule kept in the private original', (t) => {
  const e = byUid(read('eas-push/series.ics'), 'hourly@example.com');
  t.false(e.appData.has('Calendar:Recurrence'));
  t.is(t_(e.appData, 'Calendar:StartTime'), '20240610T080000Z');
  t.is(e.notes.length, 1);
  t.regex(e.notes[0]!, /^RRULE:FREQ=HOURLY;COUNT=4;INTERVAL=2 \(FREQ=HOURLY has no EAS equivalent\): EAS cannot express it, imported as its first occurrence only/);
  t.is(e.privateNodes[0]!.tag, 'x:ical');
  t.regex(e.privateNodes[0]!.text!, /RRULE:FREQ=HOURLY;INTERVAL=2;COUNT=4/);
});

test('floating times take --time-zone, else X-WR-TIMEZONE, else UTC; Latin-1 files are read', (t) => {
  const utc = read('thunderbird/import.ics');
  t.is(t_(utc.entries[0]!.appData, 'Calendar:StartTime'), '20190101T150000Z');
  const vienna = read('thunderbird/import.ics', '16.1', 'Europe/Vienna');
  t.is(t_(vienna.entries[0]!.appData, 'Calendar:StartTime'), '20190101T140000Z');
  const latin1 = read('thunderbird/importLatin1.ics');
  t.is(t_(latin1.entries[3]!.appData, 'Calendar:Subject'), 'Event Två');
  t.deepEqual(latin1.entries.map((e) => e.uid), utc.entries.map((e) => e.uid), 'same events, same derived UIDs');
  t.regex(utc.entries[0]!.uid, /^[0-9a-f]{32}@eas-push\.import$/);
});

test('overrides whose series is not in the file are events of their own', (t) => {
  const r = read('icaljs/google_birthday.ics');
  t.deepEqual(r.entries.map((e) => e.uid), [
    '2014_BIRTHDAY_79d389868f96182e@google.com',
    'BIRTHDAY_79d389868f96182e@google.com/20121210',
    'BIRTHDAY_79d389868f96182e@google.com/20131210',
    'BIRTHDAY_79d389868f96182e@google.com/20141210',
  ]);
  t.is(t_(r.entries[1]!.appData, 'Calendar:StartTime'), '20121210T000000Z');
  t.regex(r.entries[0]!.notes[0]!, /^RDATE beside the RRULE/);
});
