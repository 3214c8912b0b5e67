// DATE and DATE-TIME values of a VEVENT (RFC 5545 3.3.4, 3.3.5) → UTC instants, in the zone
// their TZID names, in UTC ("Z"), or (floating times) in the file's floating zone. An all-day
// event's times are days, written as their 00:00:00Z, as MS-ASCAL 2.2.2.1 has them from 16.0
// (and as the Calendar class stores them): a day is the same day in every zone.

import ICAL from 'ical.js';
import { EntryError } from './parse-entry.js';
import { utcZone, type Wall, type Zone, type ZoneTable } from './zones.js';

export interface TimeValue {
  at: Date;
  allDay: boolean;
  /** The wall-clock time as written (midnight for a date). */
  wall: Wall;
  zone: Zone;
}

export function wallOfTime(t: ICAL.Time): Wall {
  return { year: t.year, month: t.month, day: t.day, hour: t.isDate ? 0 : t.hour, minute: t.isDate ? 0 : t.minute, second: t.isDate ? 0 : t.second };
}

/** The wall time `days` later (calendar days, whatever the zone's offsets do meanwhile). */
export function addDays(w: Wall, days: number): Wall {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return { ...w, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The zone of a time value of `prop` (DTSTART, EXDATE, RECURRENCE-ID…). */
function zoneOf(prop: ICAL.Property, t: ICAL.Time, zones: ZoneTable): Zone {
  if (t.isDate) return zones.floating;
  if (t.zone?.tzid === 'UTC') return utcZone();
  const tzid = prop.getFirstParameter('tzid');
  return tzid ? zones.byTzid(tzid) : zones.floating;
}

export function timeOf(prop: ICAL.Property, t: ICAL.Time, zones: ZoneTable): TimeValue {
  const zone = zoneOf(prop, t, zones);
  const wall = wallOfTime(t);
  return { at: zone.toUtc(wall), allDay: t.isDate, wall, zone };
}

export function readTime(event: ICAL.Component, name: string, zones: ZoneTable): TimeValue | null {
  const prop = event.getFirstProperty(name);
  if (!prop) return null;
  const value = prop.getFirstValue();
  if (!(value instanceof ICAL.Time)) throw new EntryError(`${name.toUpperCase()} is not a date or date-time`);
  return timeOf(prop, value, zones);
}

/** The day (00:00:00Z) of a wall-clock date. */
export function dayOf(w: Wall): Date {
  return new Date(Date.UTC(w.year, w.month - 1, w.day));
}

/**
 * The occurrence an EXDATE or RECURRENCE-ID value names: in an all-day series its day, else
 * the UTC start of that occurrence (a date names the occurrence on that day, at the series'
 * time of day).
 */
export function instanceOf(prop: ICAL.Property, t: ICAL.Time, start: TimeValue, zones: ZoneTable): Date {
  if (start.allDay) return dayOf(t.isDate ? wallOfTime(t) : timeOf(prop, t, zones).wall);
  if (!t.isDate) return timeOf(prop, t, zones).at;
  const wall = { ...start.wall, year: t.year, month: t.month, day: t.day };
  return start.zone.toUtc(wall);
}

/** DTEND, else DTSTART + DURATION, else (RFC 5545 3.6.1) one day for a date and no time for a date-time. */
export function endOf(event: ICAL.Component, start: TimeValue, zones: ZoneTable): Date {
  const end = readTime(event, 'dtend', zones);
  if (end) return end.at;
  const duration = event.getFirstPropertyValue('duration');
  if (duration instanceof ICAL.Duration) {
    const seconds = duration.toSeconds();
    if (start.allDay && seconds % 86_400 === 0) return start.zone.toUtc(addDays(start.wall, seconds / 86_400));
    return new Date(start.at.getTime() + seconds * 1000);
  }
  return start.allDay ? start.zone.toUtc(addDays(start.wall, 1)) : start.at;
}

/** The end day of an all-day event: DTEND's day, else the start day plus DURATION's days (at least one). */
export function allDayEndOf(event: ICAL.Component, start: TimeValue, zones: ZoneTable): Date {
  const end = readTime(event, 'dtend', zones);
  if (end) return dayOf(end.wall);
  const duration = event.getFirstPropertyValue('duration');
  const days = duration instanceof ICAL.Duration ? Math.max(1, Math.ceil(duration.toSeconds() / 86_400)) : 1;
  return dayOf(addDays(start.wall, days));
}
