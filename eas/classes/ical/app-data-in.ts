// Calendar ApplicationData as the server sends it to a device (MS-ASCAL 2.2.2; the class's
// render) → EasEvent, for export. Read liberally: the 16.x and the older forms of Location,
// UID and the exception's occurrence are all understood, whichever the class sends.

import { htmlToText } from '../../../store/html-text.js';
import { WbxmlElement } from '../../wbxml/tree.js';
import { parseEasTime } from './compact-time.js';
import type { EasAttendee, EasEvent, EasEventChanges, EasException, EasRecurrence } from './event.js';

const int = (e: WbxmlElement, tag: string): number | null => {
  const n = e.intOf(tag);
  return n === undefined || Number.isNaN(n) ? null : n;
};

function bodyText(e: WbxmlElement): string | undefined {
  const b = e.child('AirSyncBase:Body');
  if (!b) return undefined;
  const data = b.textOf('AirSyncBase:Data') ?? '';
  // The body is sent with CRLF line ends; DESCRIPTION has LF.
  return (b.textOf('AirSyncBase:Type')?.trim() === '2' ? htmlToText(data) : data).replace(/\r\n/g, '\n');
}

function locationText(e: WbxmlElement): string | undefined {
  return e.textOf('Calendar:Location') ?? e.child('AirSyncBase:Location')?.textOf('AirSyncBase:DisplayName');
}

function attendeesOf(e: WbxmlElement): EasAttendee[] | undefined {
  const list = e.child('Calendar:Attendees');
  if (!list) return undefined;
  return list.all('Calendar:Attendee').map((a) => ({
    email: a.textOf('Calendar:Email') ?? '',
    name: a.textOf('Calendar:Name') ?? a.textOf('Calendar:Email') ?? '',
    status: int(a, 'Calendar:AttendeeStatus') ?? 0,
    type: int(a, 'Calendar:AttendeeType') ?? 1,
  }));
}

function categoriesOf(e: WbxmlElement): string[] | undefined {
  return e.child('Calendar:Categories')?.all('Calendar:Category').map((c) => c.text ?? '');
}

function time(e: WbxmlElement, tag: string): Date | undefined {
  return parseEasTime(e.textOf(tag)) ?? undefined;
}

function recurrenceOf(r: WbxmlElement): EasRecurrence {
  return {
    type: int(r, 'Calendar:Type') ?? 0,
    interval: int(r, 'Calendar:Interval') ?? 1,
    occurrences: int(r, 'Calendar:Occurrences'),
    until: parseEasTime(r.textOf('Calendar:Until')),
    dayOfWeek: int(r, 'Calendar:DayOfWeek'),
    dayOfMonth: int(r, 'Calendar:DayOfMonth'),
    weekOfMonth: int(r, 'Calendar:WeekOfMonth'),
    monthOfYear: int(r, 'Calendar:MonthOfYear'),
    firstDayOfWeek: int(r, 'Calendar:FirstDayOfWeek'),
  };
}

function changesOf(x: WbxmlElement): EasEventChanges {
  const reminder = int(x, 'Calendar:Reminder');
  const allDay = int(x, 'Calendar:AllDayEvent');
  const entries: EasEventChanges = {
    subject: x.textOf('Calendar:Subject'),
    location: locationText(x),
    body: bodyText(x),
    startTime: time(x, 'Calendar:StartTime'),
    endTime: time(x, 'Calendar:EndTime'),
    allDay: allDay === null ? undefined : allDay === 1,
    busyStatus: int(x, 'Calendar:BusyStatus') ?? undefined,
    sensitivity: int(x, 'Calendar:Sensitivity') ?? undefined,
    reminder: reminder ?? undefined,
    categories: categoriesOf(x),
    attendees: attendeesOf(x),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as EasEventChanges;
}

function exceptionOf(x: WbxmlElement): EasException | null {
  const instance = parseEasTime(x.textOf('Calendar:ExceptionStartTime') ?? x.textOf('AirSyncBase:InstanceId'));
  if (!instance) return null;
  if (int(x, 'Calendar:Deleted') === 1) return { instance, deleted: true };
  return { instance, deleted: false, ...changesOf(x) };
}

/** The children of an ApplicationData (as render returns them) → EasEvent; null without start or end. */
export function eventFromAppData(children: readonly WbxmlElement[]): EasEvent | null {
  const e = new WbxmlElement('AirSync', 'ApplicationData', [...children]);
  const startTime = time(e, 'Calendar:StartTime');
  const endTime = time(e, 'Calendar:EndTime');
  if (!startTime || !endTime) return null;
  const organizerEmail = e.textOf('Calendar:OrganizerEmail');
  const recurrence = e.child('Calendar:Recurrence');
  return {
    uid: e.textOf('Calendar:UID') ?? e.textOf('Calendar:ClientUid') ?? '',
    subject: e.textOf('Calendar:Subject') ?? '',
    location: locationText(e) ?? '',
    body: bodyText(e) ?? '',
    startTime,
    endTime,
    allDay: int(e, 'Calendar:AllDayEvent') === 1,
    timeZone: (e.textOf('Calendar:Timezone') ?? '').trim(),
    busyStatus: int(e, 'Calendar:BusyStatus') ?? 2,
    sensitivity: int(e, 'Calendar:Sensitivity') ?? 0,
    reminder: int(e, 'Calendar:Reminder'),
    categories: categoriesOf(e) ?? [],
    organizer: organizerEmail ? { email: organizerEmail, name: e.textOf('Calendar:OrganizerName') ?? '' } : null,
    attendees: attendeesOf(e) ?? [],
    dtStamp: parseEasTime(e.textOf('Calendar:DtStamp')),
    recurrence: recurrence ? recurrenceOf(recurrence) : null,
    exceptions: (e.child('Calendar:Exceptions')?.all('Calendar:Exception') ?? [])
      .map(exceptionOf)
      .filter((x): x is EasException => x !== null)
      .sort((a, b) => a.instance.getTime() - b.instance.getTime()),
  };
}
