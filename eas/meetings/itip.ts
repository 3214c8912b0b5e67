// The iCalendar objects of the scheduling messages this server sends (RFC 5546 iTIP, written
// with ical.js): REQUEST (3.2.2) and CANCEL (3.2.5) from the organiser, REPLY (3.2.3) and
// COUNTER (3.2.7, a new time proposed) from an attendee. A REQUEST is the event as export writes it (eas/classes/ical/export-event.ts: the
// series, its overrides and VTIMEZONEs, an imported event's own properties kept); CANCEL and
// REPLY carry what their tables require and what a reader shows (SUMMARY, DTSTART, DTEND),
// with times in UTC, or as dates for an all-day event.

import ICAL from 'ical.js';
import type { EasEvent } from '../classes/ical/event.js';
import { exportEvent } from '../classes/ical/export-event.js';
import { timeProperty, type TimeForm } from '../classes/ical/ical-write.js';
import type { OriginalEvent } from '../classes/ical/original.js';
import { attendeeProperty, organizerProperty } from '../classes/ical/people.js';
import type { Person } from './event.js';

export type ItipMethod = 'REQUEST' | 'CANCEL' | 'REPLY' | 'COUNTER';

/** RFC 5545 3.2.12 PARTSTAT of a MeetingResponse UserResponse (MS-ASCMD 2.2.3.194). */
export type PartStat = 'ACCEPTED' | 'TENTATIVE' | 'DECLINED';

const PRODID = '-//eas-push//meetings//EN';

/** What CANCEL and REPLY say of the event, besides who: enough for a reader to know which meeting. */
export interface MeetingFacts {
  uid: string;
  subject: string;
  location: string;
  start: Date;
  end: Date;
  allDay: boolean;
}

export function factsOf(e: EasEvent): MeetingFacts {
  return { uid: e.uid, subject: e.subject, location: e.location, start: e.startTime, end: e.endTime, allDay: e.allDay };
}

/** The facts of one occurrence (named by its original start): the series' with its times. */
export function occurrenceFacts(e: EasEvent, instance: Date): MeetingFacts {
  const own = e.exceptions.find((x) => x.instance.getTime() === instance.getTime() && !x.deleted);
  const duration = e.endTime.getTime() - e.startTime.getTime();
  const start = own?.startTime ?? instance;
  return {
    uid: e.uid,
    subject: own?.subject ?? e.subject,
    location: own?.location ?? e.location,
    start,
    end: own?.endTime ?? new Date(start.getTime() + duration),
    allDay: own?.allDay ?? e.allDay,
  };
}

function vcalendar(method: ItipMethod): ICAL.Component {
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('prodid', PRODID);
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('calscale', 'GREGORIAN');
  cal.addPropertyWithValue('method', method);
  return cal;
}

function set(comp: ICAL.Component, name: string, value: string | number | ICAL.Time): void {
  comp.removeAllProperties(name);
  comp.addPropertyWithValue(name, value);
}

const formOf = (allDay: boolean): TimeForm => (allDay ? { kind: 'date' } : { kind: 'utc' });

/** UID, DTSTAMP, SEQUENCE, ORGANIZER, SUMMARY, LOCATION, DTSTART/DTEND and RECURRENCE-ID of a CANCEL or REPLY. */
function shortEvent(facts: MeetingFacts, opts: { organizer: Person; sequence: number; now: Date; instance: Date | null; seriesAllDay: boolean }): ICAL.Component {
  const v = new ICAL.Component('vevent');
  v.addPropertyWithValue('uid', facts.uid);
  v.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(opts.now, true));
  v.addPropertyWithValue('sequence', opts.sequence);
  v.addProperty(organizerProperty(opts.organizer));
  if (opts.instance) v.addProperty(timeProperty('recurrence-id', opts.instance, formOf(opts.seriesAllDay)));
  v.addProperty(timeProperty('dtstart', facts.start, formOf(facts.allDay)));
  v.addProperty(timeProperty('dtend', facts.end, formOf(facts.allDay)));
  if (facts.subject) v.addPropertyWithValue('summary', facts.subject);
  if (facts.location) v.addPropertyWithValue('location', facts.location);
  return v;
}

function text(cal: ICAL.Component): string {
  return cal.toString() + '\r\n';
}

/**
 * RFC 5546 3.2.2 REQUEST (a new meeting, or an update: 3.2.2.2): every VEVENT of the event with
 * the organiser, the SEQUENCE and a fresh DTSTAMP; an attendee without PARTSTAT is NEEDS-ACTION
 * and asked to answer (RSVP).
 */
export function requestCalendar(e: EasEvent, original: OriginalEvent | null, opts: { organizer: Person; sequence: number; now: Date }): string {
  const { vevents, vtimezones } = exportEvent(e, original, opts.now);
  const cal = vcalendar('REQUEST');
  for (const tz of vtimezones) cal.addSubcomponent(tz);
  const masterAttendees = vevents[0]?.getAllProperties('attendee') ?? [];
  for (const v of vevents) {
    set(v, 'dtstamp', ICAL.Time.fromJSDate(opts.now, true));
    set(v, 'sequence', opts.sequence);
    v.removeAllProperties('organizer');
    v.addProperty(organizerProperty(opts.organizer));
    v.removeAllProperties('method');
    // The organiser's own alarms and categories are the organiser's.
    for (const alarm of v.getAllSubcomponents('valarm')) v.removeSubcomponent(alarm);
    v.removeAllProperties('categories');
    // 3.2.2: ATTENDEE is required in every VEVENT; an override that changed nothing of them has none.
    if (v.getAllProperties('attendee').length === 0) for (const a of masterAttendees) v.addProperty(new ICAL.Property(structuredClone(a.toJSON())));
    for (const a of v.getAllProperties('attendee')) {
      const partstat = String(a.getFirstParameter('partstat') ?? '').toUpperCase();
      if (partstat === '' || partstat === 'NEEDS-ACTION') {
        a.setParameter('partstat', 'NEEDS-ACTION');
        a.setParameter('rsvp', 'TRUE');
      }
    }
    cal.addSubcomponent(v);
  }
  return text(cal);
}

/**
 * RFC 5546 3.2.5 CANCEL of the meeting, or (with `instance`) of one occurrence (3.2.5: with its
 * RECURRENCE-ID), to `attendees`. STATUS:CANCELLED says it to readers that look no further.
 */
export function cancelCalendar(
  facts: MeetingFacts,
  opts: { organizer: Person; attendees: readonly Person[]; sequence: number; now: Date; instance: Date | null; seriesAllDay: boolean },
): string {
  const cal = vcalendar('CANCEL');
  const v = shortEvent(facts, opts);
  for (const a of opts.attendees) v.addProperty(attendeeProperty({ email: a.email, name: a.name || a.email, status: 0, type: 1 }));
  v.addPropertyWithValue('status', 'CANCELLED');
  cal.addSubcomponent(v);
  return text(cal);
}

/**
 * RFC 5546 3.2.3 REPLY of one attendee: its ATTENDEE with the PARTSTAT, the meeting's UID and
 * SEQUENCE (the version answered), and the RECURRENCE-ID when it answers one occurrence.
 */
export function replyCalendar(
  facts: MeetingFacts,
  opts: {
    organizer: Person; attendee: Person; partstat: PartStat; sequence: number; now: Date; instance: Date | null; seriesAllDay: boolean; comment?: string;
    /** RFC 5546 3.2.7 COUNTER instead: the same answer with the times the attendee proposes. */
    proposal?: { start: Date; end: Date } | null;
  },
): string {
  const cal = vcalendar(opts.proposal ? 'COUNTER' : 'REPLY');
  const v = shortEvent(opts.proposal ? { ...facts, ...opts.proposal } : facts, opts);
  const status = opts.partstat === 'ACCEPTED' ? 3 : opts.partstat === 'TENTATIVE' ? 2 : 4;
  const attendee = attendeeProperty({ email: opts.attendee.email, name: opts.attendee.name || opts.attendee.email, status, type: 1 });
  attendee.removeParameter('role');
  v.addProperty(attendee);
  if (opts.comment?.trim()) v.addPropertyWithValue('comment', opts.comment.trim());
  cal.addSubcomponent(v);
  return text(cal);
}
