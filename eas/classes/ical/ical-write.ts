// Writes one EasEvent field into a VEVENT (RFC 5545 3.6.1), replacing the properties that carry
// it: the inverse of from-ical.ts, used by export for the fields a device changed (and for every
// field of an event a device created).

import ICAL from 'ical.js';
import { displayAlarm, reminderAlarm } from './alarm.js';
import type { EasEvent, EventField } from './event.js';
import { attendeeOf, attendeeProperty, organizerProperty } from './people.js';
import { ruleFromRecurrence } from './recurrence.js';
import { same } from './same.js';
import type { Wall, Zone } from './zones.js';

/** How times of an event are written: in UTC, in a named zone, floating, or as dates (from days). */
export type TimeForm = { kind: 'utc' } | { kind: 'zone'; zone: Zone } | { kind: 'floating'; zone: Zone } | { kind: 'date' };

const CLASS_OF: Record<number, string> = { 0: 'PUBLIC', 1: 'PRIVATE', 2: 'PRIVATE', 3: 'CONFIDENTIAL' };
const CDO_OF: Record<number, string> = { 1: 'TENTATIVE', 3: 'OOF', 4: 'WORKINGELSEWHERE' };

const icalTime = (w: Wall): ICAL.Time => ICAL.Time.fromData({ ...w, isDate: false });

/** A DATE or DATE-TIME property value for `at` in `form`. */
export function timeProperty(name: string, at: Date, form: TimeForm): ICAL.Property {
  const prop = new ICAL.Property(name);
  if (form.kind === 'utc') {
    prop.setValue(ICAL.Time.fromJSDate(at, true));
    return prop;
  }
  if (form.kind === 'date') {
    prop.resetType('date');
    prop.setValue(ICAL.Time.fromData({ year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate(), isDate: true }));
    return prop;
  }
  const wall = form.zone.toWall(at);
  prop.setValue(icalTime(wall));
  if (form.kind === 'zone' && form.zone.tzid) prop.setParameter('tzid', form.zone.tzid);
  return prop;
}

/** Several DATE or DATE-TIME values of one property (EXDATE) in `form`. */
export function timesProperty(name: string, list: readonly Date[], form: TimeForm): ICAL.Property {
  const prop = timeProperty(name, list[0]!, form);
  prop.setValues(list.map((at) => timeProperty(name, at, form).getFirstValue()));
  return prop;
}

function replace(comp: ICAL.Component, name: string, props: ICAL.Property[]): void {
  comp.removeAllProperties(name);
  for (const p of props) comp.addProperty(p);
}

function text(comp: ICAL.Component, name: string, value: string): void {
  replace(comp, name, []);
  if (value !== '') comp.addPropertyWithValue(name, value);
}

function writeReminder(comp: ICAL.Component, minutes: number | null, summary: string): void {
  const alarm = reminderAlarm(comp);
  if (minutes === null) {
    if (alarm) comp.removeSubcomponent(alarm);
    return;
  }
  if (!alarm) {
    comp.addSubcomponent(displayAlarm(minutes, summary));
    return;
  }
  const trigger = new ICAL.Property('trigger');
  trigger.setValue(ICAL.Duration.fromSeconds(-minutes * 60));
  replace(alarm, 'trigger', [trigger]);
}

function writeAttendees(comp: ICAL.Component, list: EasEvent['attendees']): void {
  // An attendee nobody changed keeps its own parameters (X-NUM-GUESTS, RSVP…).
  const kept = comp.getAllProperties('attendee');
  const props = list.map((a) => kept.find((p) => same(attendeeOf(p), a)) ?? attendeeProperty(a));
  replace(comp, 'attendee', props);
}

/** Writes one field of `e` into `comp`; `form` says how its times are written. */
export function writeField(comp: ICAL.Component, field: Exclude<EventField, 'exceptions'>, e: EasEvent, form: TimeForm): void {
  switch (field) {
    case 'subject':
      return text(comp, 'summary', e.subject);
    case 'location':
      return text(comp, 'location', e.location);
    case 'body':
      return text(comp, 'description', e.body);
    case 'time':
      replace(comp, 'duration', []);
      replace(comp, 'dtstart', [timeProperty('dtstart', e.startTime, form)]);
      replace(comp, 'dtend', [timeProperty('dtend', e.endTime, form)]);
      return;
    case 'busyStatus':
      text(comp, 'transp', e.busyStatus === 0 ? 'TRANSPARENT' : 'OPAQUE');
      return text(comp, 'x-microsoft-cdo-busystatus', CDO_OF[e.busyStatus] ?? '');
    case 'sensitivity':
      return text(comp, 'class', CLASS_OF[e.sensitivity] ?? 'PRIVATE');
    case 'reminder':
      return writeReminder(comp, e.reminder, e.subject);
    case 'categories': {
      replace(comp, 'categories', []);
      if (e.categories.length === 0) return;
      const prop = new ICAL.Property('categories');
      prop.setValues(e.categories);
      comp.addProperty(prop);
      return;
    }
    case 'organizer':
      return replace(comp, 'organizer', e.organizer ? [organizerProperty(e.organizer)] : []);
    case 'attendees':
      return writeAttendees(comp, e.attendees);
    case 'recurrence': {
      ['rrule', 'rdate', 'exrule'].forEach((n) => replace(comp, n, []));
      if (!e.recurrence) return;
      const until = e.recurrence.until ? timeProperty('until', e.recurrence.until, form.kind === 'date' ? form : { kind: 'utc' }).getFirstValue() as ICAL.Time : null;
      comp.addPropertyWithValue('rrule', ruleFromRecurrence(e.recurrence, until));
      return;
    }
  }
}
