// The imported iCalendar of one event, as the importer keeps it in the item's private "x:ical"
// node: a VCALENDAR with the floating zone used at import (X-WR-TIMEZONE), the VTIMEZONEs the
// event names and its VEVENTs (the series and its overrides) exactly as they were in the file.
// Export reads it back and re-derives the EasEvent the import made of it (export-event.ts).

import ICAL from 'ical.js';
import type { EasEvent } from './event.js';
import { eventFromIcal } from './from-ical.js';
import { joinLines, parseComponent } from './parse-entry.js';
import { readTime, type TimeValue } from './times.js';
import { createZoneTable, ianaZone, isIana, utcZone, vtimezoneZone, type Zone, type ZoneTable } from './zones.js';

export const ICAL_NODE = 'x:ical';

export interface OriginalEvent {
  /** The VEVENT of the series (or of the lone event). */
  master: ICAL.Component;
  /** Its RECURRENCE-ID overrides. */
  overrides: ICAL.Component[];
  timezones: ICAL.Component[];
  zones: ZoneTable;
  /** What import made of it. */
  event: EasEvent;
  start: TimeValue;
}

/** The text kept for one event: `vtimezones` and `vevents` as lists of the file's lines. */
export function originalText(floating: Zone, vtimezones: readonly string[][], vevents: readonly string[][]): string {
  const head = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//eas-push//import//EN'];
  if (floating.iana && floating.iana !== 'UTC') head.push(`X-WR-TIMEZONE:${floating.iana}`);
  return joinLines([...head, ...vtimezones.flat(), ...vevents.flat(), 'END:VCALENDAR']);
}

/** The series VEVENT (the one without RECURRENCE-ID, else the first) and its overrides. */
export function splitSeries(vevents: readonly ICAL.Component[]): { master: ICAL.Component; overrides: ICAL.Component[] } {
  const master = vevents.find((v) => !v.hasProperty('recurrence-id')) ?? vevents[0]!;
  return { master, overrides: vevents.filter((v) => v !== master && v.hasProperty('recurrence-id')) };
}

export function floatingZoneOf(calendar: ICAL.Component, override: string | null): Zone {
  const name = override ?? String(calendar.getFirstPropertyValue('x-wr-timezone') ?? '').trim();
  return name && isIana(name) ? ianaZone(name) : utcZone();
}

export function readOriginal(text: string, uid: string): OriginalEvent {
  const calendar = parseComponent(text);
  const timezones = calendar.getAllSubcomponents('vtimezone');
  const zones = createZoneTable(timezones.map(vtimezoneZone), floatingZoneOf(calendar, null));
  const { master, overrides } = splitSeries(calendar.getAllSubcomponents('vevent'));
  const { event } = eventFromIcal(master, overrides, uid, { zones });
  // Occurrences of an all-day series are named by their days (times.ts instanceOf).
  return { master, overrides, timezones, zones, event, start: { ...readTime(master, 'dtstart', zones)!, allDay: event.allDay } };
}
