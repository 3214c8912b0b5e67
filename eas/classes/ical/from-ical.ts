// VEVENT (RFC 5545 3.6.1) with its RECURRENCE-ID overrides → EasEvent (MS-ASCAL 2.2.2).
// SUMMARY, LOCATION, DESCRIPTION, CLASS → Sensitivity, TRANSP/X-MICROSOFT-CDO-BUSYSTATUS →
// BusyStatus, CATEGORIES, ORGANIZER/ATTENDEE, the first VALARM → Reminder, RRULE → Recurrence,
// EXDATE → deleted exceptions, overrides → exceptions carrying what differs from the series.
// What EAS cannot carry is not lost: the importer keeps the original VEVENTs for export.

import ICAL from 'ical.js';
import { encodeTimeZoneBlob } from '../calendar/timezone.js';
import { reminderAlarm, reminderMinutes } from './alarm.js';
import type { EasEvent, EasEventChanges, EasException, EasRecurrence } from './event.js';
import { EntryError } from './parse-entry.js';
import { attendeesOf, organizerOf } from './people.js';
import { recurrenceFromRule } from './recurrence.js';
import { same } from './same.js';
import { allDayEndOf, dayOf, endOf, instanceOf, readTime, wallOfTime, type TimeValue } from './times.js';
import type { ZoneTable } from './zones.js';

export interface FromIcalContext {
  zones: ZoneTable;
}

export interface FromIcal {
  event: EasEvent;
  /** What was not carried over to EAS and why (kept for export): shown as warnings. */
  notes: string[];
}

const SENSITIVITY: Record<string, number> = { PUBLIC: 0, 'X-PERSONAL': 1, PRIVATE: 2, CONFIDENTIAL: 3 };
const CDO_BUSY: Record<string, number> = { FREE: 0, TENTATIVE: 1, BUSY: 2, OOF: 3, WORKINGELSEWHERE: 4 };

const text = (c: ICAL.Component, name: string): string | undefined => {
  const v = c.getFirstPropertyValue(name);
  return v === null || v === undefined ? undefined : String(v);
};

function busyStatusOf(c: ICAL.Component): number | undefined {
  const cdo = text(c, 'x-microsoft-cdo-busystatus')?.toUpperCase();
  if (cdo && cdo in CDO_BUSY) return CDO_BUSY[cdo];
  const transp = text(c, 'transp')?.toUpperCase();
  if (transp === 'TRANSPARENT') return 0;
  if (text(c, 'status')?.toUpperCase() === 'TENTATIVE') return 1;
  return transp === 'OPAQUE' ? 2 : undefined;
}

function categoriesOf(c: ICAL.Component): string[] | undefined {
  const props = c.getAllProperties('categories');
  if (props.length === 0) return undefined;
  return props.flatMap((p) => p.getValues().map((v) => String(v).trim())).filter(Boolean);
}

/** Where a component lies: its StartTime/EndTime (days when all-day) and the instants its alarms count from. */
interface Span {
  start: Date;
  end: Date;
  allDay: boolean;
  alarmStart: Date;
  alarmEnd: Date;
}

function spanOf(c: ICAL.Component, start: TimeValue, zones: ZoneTable): Span {
  const cdoAllDay = text(c, 'x-microsoft-cdo-alldayevent')?.toUpperCase() === 'TRUE' && start.wall.hour === 0 && start.wall.minute === 0;
  const allDay = start.allDay || cdoAllDay;
  const alarmEnd = endOf(c, start, zones);
  if (alarmEnd < start.at) throw new EntryError('DTEND before DTSTART');
  if (!allDay) return { start: start.at, end: alarmEnd, allDay, alarmStart: start.at, alarmEnd };
  return { start: dayOf(start.wall), end: allDayEndOf(c, start, zones), allDay, alarmStart: start.at, alarmEnd };
}

/** The fields a component sets itself (undefined where it has no such property). */
function ownFields(c: ICAL.Component, span: Span): EasEventChanges {
  const alarm = reminderAlarm(c);
  const attendees = attendeesOf(c);
  const klass = text(c, 'class')?.toUpperCase();
  return {
    subject: text(c, 'summary'),
    location: text(c, 'location'),
    body: text(c, 'description'),
    startTime: span.start,
    endTime: span.end,
    allDay: span.allDay,
    busyStatus: busyStatusOf(c),
    sensitivity: klass === undefined ? undefined : (SENSITIVITY[klass] ?? 2),
    reminder: alarm ? reminderMinutes(alarm, span.alarmStart, span.alarmEnd) : undefined,
    categories: categoriesOf(c),
    attendees: attendees.length > 0 ? attendees : undefined,
  };
}

function untilOf(until: ICAL.Time | null, start: TimeValue): Date | null {
  if (!until) return null;
  if (start.allDay) return dayOf(wallOfTime(until));
  if (until.isDate) return start.zone.toUtc({ ...start.wall, year: until.year, month: until.month, day: until.day });
  if (until.zone?.tzid === 'UTC') return new Date(until.toUnixTime() * 1000);
  return start.zone.toUtc(wallOfTime(until));
}

function recurrenceOf(master: ICAL.Component, start: TimeValue): { recurrence: EasRecurrence | null; unsupported: string | null } {
  const rules = master.getAllProperties('rrule');
  const extra = ['rdate', 'exrule'].filter((n) => master.hasProperty(n)).map((n) => n.toUpperCase());
  if (rules.length === 0) return { recurrence: null, unsupported: extra.length ? `${extra.join(' and ')} without RRULE` : null };
  if (rules.length > 1) return { recurrence: null, unsupported: 'several RRULEs' };
  if (extra.length) return { recurrence: null, unsupported: `${extra.join(' and ')} beside the RRULE` };
  const rule = rules[0]!.getFirstValue() as ICAL.Recur;
  const weekday = new Date(Date.UTC(start.wall.year, start.wall.month - 1, start.wall.day)).getUTCDay();
  const result = recurrenceFromRule(rule, { day: start.wall.day, month: start.wall.month, weekday });
  if (!result.ok) return { recurrence: null, unsupported: `RRULE:${rule.toString()} (${result.reason})` };
  return { recurrence: { ...result.recurrence, until: untilOf(result.recurrence.until, start) }, unsupported: null };
}

function exceptionOf(override: ICAL.Component, series: EasEvent, duration: number, ctx: FromIcalContext, start: TimeValue): EasException {
  const rid = override.getFirstProperty('recurrence-id')!;
  const instance = instanceOf(rid, rid.getFirstValue() as ICAL.Time, start, ctx.zones);
  const seriesValues: Required<EasEventChanges> = { ...series, startTime: instance, endTime: new Date(instance.getTime() + duration) };
  const ownStart = readTime(override, 'dtstart', ctx.zones);
  const own: EasEventChanges = ownStart ? ownFields(override, spanOf(override, ownStart, ctx.zones)) : { ...ownFields(override, { start: instance, end: seriesValues.endTime, allDay: series.allDay, alarmStart: instance, alarmEnd: seriesValues.endTime }), startTime: undefined, endTime: undefined, allDay: undefined };
  const changes: EasException = { instance, deleted: false };
  for (const key of ['subject', 'location', 'body', 'busyStatus', 'sensitivity', 'reminder', 'categories', 'attendees', 'allDay'] as const) {
    if (own[key] !== undefined && !same(own[key], seriesValues[key])) Object.assign(changes, { [key]: own[key] });
  }
  if (own.startTime && own.endTime && (!same(own.startTime, seriesValues.startTime) || !same(own.endTime, seriesValues.endTime))) {
    changes.startTime = own.startTime;
    changes.endTime = own.endTime;
  }
  return changes;
}

/** `master`: the VEVENT of the series (or a lone event); `overrides`: its RECURRENCE-ID VEVENTs. */
export function eventFromIcal(master: ICAL.Component, overrides: readonly ICAL.Component[], uid: string, ctx: FromIcalContext): FromIcal {
  const notes: string[] = [];
  const start = readTime(master, 'dtstart', ctx.zones);
  if (!start) throw new EntryError('VEVENT without DTSTART');
  const span = spanOf(master, start, ctx.zones);
  // Occurrences of an all-day series are named by their days (EXDATE, RECURRENCE-ID, UNTIL).
  const series: TimeValue = { ...start, allDay: span.allDay };
  const own = ownFields(master, span);
  const stamp = master.getFirstPropertyValue('dtstamp');
  const event: EasEvent = {
    uid,
    subject: own.subject ?? '',
    location: own.location ?? '',
    body: own.body ?? '',
    startTime: span.start,
    endTime: span.end,
    allDay: span.allDay,
    timeZone: encodeTimeZoneBlob(start.zone.blob(start.wall.year)),
    busyStatus: own.busyStatus ?? 2,
    sensitivity: own.sensitivity ?? 0,
    reminder: own.reminder ?? null,
    categories: own.categories ?? [],
    organizer: organizerOf(master),
    attendees: own.attendees ?? [],
    dtStamp: stamp instanceof ICAL.Time ? new Date(stamp.toUnixTime() * 1000) : null,
    recurrence: null,
    exceptions: [],
  };

  const { recurrence, unsupported } = recurrenceOf(master, series);
  if (unsupported) {
    notes.push(`${unsupported}: EAS cannot express it, imported as its first occurrence only (the rule is kept for export)`);
    return { event, notes };
  }
  if (!recurrence) {
    if (overrides.length > 0) notes.push('RECURRENCE-ID overrides of an event that does not repeat: kept for export only');
    return { event, notes };
  }
  event.recurrence = recurrence;
  const byInstance = new Map<number, EasException>();
  for (const prop of master.getAllProperties('exdate')) {
    for (const value of prop.getValues()) {
      const instance = instanceOf(prop, value as ICAL.Time, series, ctx.zones);
      byInstance.set(instance.getTime(), { instance, deleted: true });
    }
  }
  const duration = span.end.getTime() - span.start.getTime();
  for (const override of overrides) {
    const rid = override.getFirstProperty('recurrence-id')!;
    if (String(rid.getFirstParameter('range') ?? '').toUpperCase() === 'THISANDFUTURE') {
      notes.push('RECURRENCE-ID;RANGE=THISANDFUTURE has no EAS equivalent: that override is kept for export only');
      continue;
    }
    const exception = exceptionOf(override, event, duration, ctx, series);
    if (!byInstance.get(exception.instance.getTime())?.deleted) byInstance.set(exception.instance.getTime(), exception);
  }
  event.exceptions = [...byInstance.values()].sort((a, b) => a.instance.getTime() - b.instance.getTime());
  return { event, notes };
}
