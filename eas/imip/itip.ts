// The iCalendar part of a meeting message (RFC 6047 iMIP) read as one iTIP message (RFC 5546):
// its METHOD, the one UID it is about, that UID's VEVENTs (the series and its RECURRENCE-ID
// overrides) and the time zones they name. The part is used only when it parses as a whole,
// every property value included (ical.js through the importer's parse-entry.ts; a VTIMEZONE the
// planner has seen before was checked then); anything less throws ItipError and the message is
// delivered as plain mail.

import type ICAL from 'ical.js';
import { checkValues, parseUnchecked } from '../classes/ical/parse-entry.js';
import { floatingZoneOf } from '../classes/ical/original.js';
import { addressOf, organizerOf } from '../classes/ical/people.js';
import { createZoneTable, vtimezoneZone, type Zone, type ZoneTable } from '../classes/ical/zones.js';
import type { MeetingMethod } from './meeting.js';

/** The calendar part cannot be used as a whole: the message is plain mail. */
export class ItipError extends Error {
  override name = 'ItipError';
}

/** The methods a delivery acts on; the others (PUBLISH, COUNTER, ADD, REFRESH…) are plain mail. */
const HANDLED: ReadonlySet<string> = new Set<MeetingMethod>(['REQUEST', 'CANCEL', 'REPLY']);

export interface ItipMessage {
  method: MeetingMethod;
  /** The part's text, and the VCALENDAR it parses to. */
  text: string;
  calendar: ICAL.Component;
  uid: string;
  /** The VEVENT without RECURRENCE-ID, when the message has it. */
  master: ICAL.Component | null;
  /** The VEVENTs with RECURRENCE-ID: the occurrences the message is (also) about. */
  overrides: ICAL.Component[];
  timezones: ICAL.Component[];
  zones: ZoneTable;
  /** ORGANIZER (address in lower case), from the master or else the first VEVENT. */
  organizer: { email: string; name: string } | null;
}

export function sequenceOf(vevent: ICAL.Component): number {
  const value = Number(vevent.getFirstPropertyValue('sequence') ?? 0);
  return Number.isInteger(value) && value >= 0 ? value : 0;
}

/** DTSTAMP as ms since 1970, 0 when absent. */
export function stampOf(vevent: ICAL.Component): number {
  const value = vevent.getFirstPropertyValue('dtstamp') as ICAL.Time | null;
  return value && typeof value === 'object' && 'toUnixTime' in value ? value.toUnixTime() * 1000 : 0;
}

/** The METHOD of the part: its Content-Type's parameter, else the VCALENDAR's (RFC 6047 2.4). */
export function methodOf(part: { method: string | null; text: string }): string | null {
  if (part.method) return part.method.toUpperCase();
  const m = /^METHOD:([^\r\n]*)/im.exec(part.text);
  return m ? m[1]!.trim().toUpperCase() : null;
}

/** True when the part is a kind of scheduling message a delivery acts on. */
export function isHandledMethod(method: string | null): method is MeetingMethod {
  return method !== null && HANDLED.has(method);
}

/** The zone of a VTIMEZONE whose values are not checked yet (throws EntryError). */
export function checkedZone(vtimezone: ICAL.Component): Zone {
  checkValues(vtimezone);
  return vtimezoneZone(vtimezone);
}

/**
 * Reads the part; null when its METHOD is not one a delivery acts on. Throws ItipError.
 * `zoneOf` makes the zone of a VTIMEZONE and checks its values first (default: checkedZone); the
 * planner passes one that reuses the zone of a VTIMEZONE it has seen (and checked) before.
 */
export function readItip(part: { method: string | null; text: string }, zoneOf: (vtimezone: ICAL.Component) => Zone = checkedZone): ItipMessage | null {
  const method = methodOf(part);
  if (!isHandledMethod(method)) return null;
  let calendar: ICAL.Component;
  try {
    calendar = parseUnchecked(part.text);
    checkValues(calendar, 'vtimezone');
  } catch (err) {
    throw new ItipError(`the calendar part does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (calendar.name !== 'vcalendar') throw new ItipError(`the calendar part is a ${calendar.name.toUpperCase()}, not a VCALENDAR`);
  const vevents = calendar.getAllSubcomponents('vevent');
  if (vevents.length === 0) throw new ItipError(`${method} without a VEVENT`);
  const uids = new Set(vevents.map((v) => String(v.getFirstPropertyValue('uid') ?? '').trim()));
  if (uids.has('')) throw new ItipError('a VEVENT without UID (RFC 5546 requires one)');
  if (uids.size > 1) throw new ItipError(`VEVENTs of ${uids.size} UIDs in one message (RFC 5546 3.1: one)`);
  const uid = [...uids][0]!;
  const masters = vevents.filter((v) => !v.hasProperty('recurrence-id'));
  if (masters.length > 1) throw new ItipError(`${masters.length} VEVENTs without RECURRENCE-ID for UID ${uid}`);
  const timezones = calendar.getAllSubcomponents('vtimezone');
  let zones: ZoneTable;
  try {
    zones = createZoneTable(timezones.map(zoneOf), floatingZoneOf(calendar, null));
  } catch (err) {
    throw new ItipError(`VTIMEZONE: ${err instanceof Error ? err.message : String(err)}`);
  }
  const master = masters[0] ?? null;
  const first = master ?? vevents[0]!;
  const organizer = organizerOf(first);
  return {
    method,
    text: part.text,
    calendar,
    uid,
    master,
    overrides: vevents.filter((v) => v.hasProperty('recurrence-id')),
    timezones,
    zones,
    organizer: organizer ? { email: organizer.email.toLowerCase(), name: organizer.name } : null,
  };
}

/** The ATTENDEE lines of a VEVENT with their address in lower case. */
export function attendeeLines(vevent: ICAL.Component): { email: string; prop: ICAL.Property }[] {
  return vevent.getAllProperties('attendee').map((prop) => ({ email: addressOf(prop.getFirstValue()).toLowerCase(), prop }));
}
