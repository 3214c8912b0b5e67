// EasEvent → Calendar ApplicationData as a client of `version` sends it in a Sync Add
// (MS-ASCAL 2.2.2). From 16.0 the location is AirSyncBase:Location (MS-ASAIRS 2.2.2.27), the
// client's UID is ClientUid (MS-ASCAL 2.2.2.14), an exception names its occurrence by
// AirSyncBase:InstanceId instead of ExceptionStartTime (MS-ASCAL 2.2.2.23), and an all-day
// event's times are its days at 00:00:00 (2.2.2.1); below 16.0 they are the local midnights
// of the event's Timezone.

import { atLeast, type ProtocolVersion } from '../../protocol.js';
import { decodeTimeZoneBlob, easLocalToUtc } from '../calendar/timezone.js';
import { el, type WbxmlElement } from '../../wbxml/tree.js';
import { compactTime, isoTime } from './compact-time.js';
import type { EasAttendee, EasEvent, EasEventChanges, EasException, EasRecurrence } from './event.js';

/** MS-ASCAL 2.2.2.28 MeetingStatus: 0 appointment, 1 meeting the user organizes, 3 meeting received. */
function meetingStatus(e: EasEvent, self: string): number {
  if (e.attendees.length === 0 || !e.organizer) return 0;
  return e.organizer.email.toLowerCase() === self.toLowerCase() ? 1 : 3;
}

/** A StartTime/EndTime/key: an all-day day as this version writes it. */
function timeOut(at: Date, allDay: boolean, e: EasEvent, version: ProtocolVersion): string {
  if (!allDay || atLeast(version, '16.0')) return compactTime(at);
  try {
    return compactTime(easLocalToUtc(decodeTimeZoneBlob(e.timeZone), { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate(), hour: 0, minute: 0 }));
  } catch {
    return compactTime(at);
  }
}

const body = (text: string): WbxmlElement => el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', text)]);

function location(text: string, version: ProtocolVersion): WbxmlElement {
  return atLeast(version, '16.0') ? el('AirSyncBase:Location', [el('AirSyncBase:DisplayName', text)]) : el('Calendar:Location', text);
}

function attendees(list: readonly EasAttendee[]): WbxmlElement {
  return el(
    'Calendar:Attendees',
    list.map((a) =>
      el('Calendar:Attendee', [
        el('Calendar:Email', a.email),
        el('Calendar:Name', a.name),
        a.status !== 0 && el('Calendar:AttendeeStatus', a.status),
        el('Calendar:AttendeeType', a.type),
      ]),
    ),
  );
}

const categories = (list: readonly string[]): WbxmlElement => el('Calendar:Categories', list.map((c) => el('Calendar:Category', c)));

function recurrence(r: EasRecurrence, version: ProtocolVersion): WbxmlElement {
  const hasCalendarType = [2, 3, 5, 6].includes(r.type) && atLeast(version, '14.0');
  return el('Calendar:Recurrence', [
    el('Calendar:Type', r.type),
    r.occurrences !== null && el('Calendar:Occurrences', r.occurrences),
    r.interval > 1 && el('Calendar:Interval', r.interval),
    r.weekOfMonth !== null && el('Calendar:WeekOfMonth', r.weekOfMonth),
    r.dayOfWeek !== null && el('Calendar:DayOfWeek', r.dayOfWeek),
    r.monthOfYear !== null && el('Calendar:MonthOfYear', r.monthOfYear),
    r.until !== null && el('Calendar:Until', compactTime(r.until)),
    r.dayOfMonth !== null && el('Calendar:DayOfMonth', r.dayOfMonth),
    hasCalendarType && el('Calendar:CalendarType', 0),
    r.firstDayOfWeek !== null && atLeast(version, '14.1') && el('Calendar:FirstDayOfWeek', r.firstDayOfWeek),
  ]);
}

function changes(c: EasEventChanges, e: EasEvent, version: ProtocolVersion): (WbxmlElement | false)[] {
  const allDay = c.allDay ?? e.allDay;
  return [
    c.subject !== undefined && el('Calendar:Subject', c.subject),
    c.startTime !== undefined && el('Calendar:StartTime', timeOut(c.startTime, allDay, e, version)),
    c.endTime !== undefined && el('Calendar:EndTime', timeOut(c.endTime, allDay, e, version)),
    c.body !== undefined && body(c.body),
    c.location !== undefined && location(c.location, version),
    c.categories !== undefined && categories(c.categories),
    c.sensitivity !== undefined && el('Calendar:Sensitivity', c.sensitivity),
    c.busyStatus !== undefined && el('Calendar:BusyStatus', c.busyStatus),
    c.allDay !== undefined && el('Calendar:AllDayEvent', c.allDay ? 1 : 0),
    c.reminder !== undefined && c.reminder !== null && el('Calendar:Reminder', c.reminder),
    c.attendees !== undefined && attendees(c.attendees),
  ];
}

function exception(x: EasException, e: EasEvent, version: ProtocolVersion): WbxmlElement {
  const which = atLeast(version, '16.0') ? el('AirSyncBase:InstanceId', isoTime(x.instance)) : el('Calendar:ExceptionStartTime', timeOut(x.instance, e.allDay, e, version));
  if (x.deleted) return el('Calendar:Exception', [el('Calendar:Deleted', 1), which]);
  return el('Calendar:Exception', [which, ...changes(x, e, version)]);
}

export function eventToAppData(e: EasEvent, version: ProtocolVersion, self: string): WbxmlElement {
  return el('AirSync:ApplicationData', [
    el('Calendar:Timezone', e.timeZone),
    el('Calendar:AllDayEvent', e.allDay ? 1 : 0),
    e.body !== '' && body(e.body),
    el('Calendar:BusyStatus', e.busyStatus),
    !!e.organizer?.name && el('Calendar:OrganizerName', e.organizer.name),
    e.organizer !== null && el('Calendar:OrganizerEmail', e.organizer.email),
    e.dtStamp !== null && el('Calendar:DtStamp', compactTime(e.dtStamp)),
    el('Calendar:EndTime', timeOut(e.endTime, e.allDay, e, version)),
    e.location !== '' && location(e.location, version),
    e.reminder !== null && el('Calendar:Reminder', e.reminder),
    el('Calendar:Sensitivity', e.sensitivity),
    e.subject !== '' && el('Calendar:Subject', e.subject),
    el('Calendar:StartTime', timeOut(e.startTime, e.allDay, e, version)),
    atLeast(version, '16.0') ? el('Calendar:ClientUid', e.uid) : el('Calendar:UID', e.uid),
    el('Calendar:MeetingStatus', meetingStatus(e, self)),
    e.attendees.length > 0 && attendees(e.attendees),
    e.categories.length > 0 && categories(e.categories),
    e.recurrence !== null && recurrence(e.recurrence, version),
    e.exceptions.length > 0 && el('Calendar:Exceptions', e.exceptions.map((x) => exception(x, e, version))),
  ]);
}
