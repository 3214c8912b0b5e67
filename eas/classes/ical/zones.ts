// The time zones of one calendar file: a TZID → its UTC instants and its EAS TimeZone blob.
// A TZID that is an IANA id, or maps to one (a Windows name, a "/mozilla.org/…/Europe/Berlin"
// prefix, the VTIMEZONE's X-LIC-LOCATION), gets the blob of that zone (timeZoneFromIana); one
// that does not gets a blob computed from its VTIMEZONE (vtimezone-blob.ts). Times are always
// computed from the file's own VTIMEZONE when it has one (RFC 5545 3.2.19: it is the truth).

import ICAL from 'ical.js';
import { findIana } from 'windows-iana';
import { easLocalToUtc, easOffsetAt, ianaOffsetMinutes, isZone, timeZoneFromIana, type EasTimeZone } from '../calendar/timezone.js';
import { EntryError } from './parse-entry.js';
import { blobFromVtimezone } from './vtimezone-blob.js';
import type { WallClock } from '../doc/wall-clock.js';

/** A wall-clock time (eas/classes/doc/wall-clock.ts). */
export type Wall = WallClock;

export interface Zone {
  /** The TZID as the file names it; null for UTC. */
  tzid: string | null;
  iana: string | null;
  toUtc(wall: Wall): Date;
  toWall(at: Date): Wall;
  blob(year: number): EasTimeZone;
}

/**
 * Whether ICU knows the name as a zone. An invitation or a file whose TZIDs have no VTIMEZONE
 * asks for every time it converts, and a DateTimeFormat costs tens of microseconds to make:
 * isZone keeps the one it made.
 */
export function isIana(name: string): boolean {
  return /^[A-Za-z][\w+\-/]*$/.test(name) && isZone(name);
}

/** The IANA zone a TZID stands for, or null. */
export function ianaOfTzid(tzid: string, location?: string | null): string | null {
  const name = tzid.trim();
  if (isIana(name)) return name;
  // "/mozilla.org/20050126_1/America/New_York", "/softwarestudio.org/Olson_20011030_5/Europe/Paris"
  const parts = name.split('/').filter(Boolean);
  for (let k = 1; k < parts.length - 1; k++) {
    const tail = parts.slice(k).join('/');
    if (isIana(tail)) return tail;
  }
  const windows = findIana(name, '001')[0] ?? findIana(name)[0];
  if (windows) return windows;
  if (location && isIana(location.trim())) return location.trim();
  return null;
}

const wallOf = (ms: number): Wall => {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
};
const wallMs = (w: Wall): number => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

export function utcZone(): Zone {
  return {
    tzid: null,
    iana: 'UTC',
    toUtc: (w) => new Date(wallMs(w)),
    toWall: (at) => wallOf(at.getTime()),
    blob: (year) => timeZoneFromIana('UTC', year),
  };
}

export function ianaZone(iana: string, tzid: string | null = iana): Zone {
  if (iana === 'UTC' || iana === 'Etc/UTC') return { ...utcZone(), tzid };
  return {
    tzid,
    iana,
    toUtc: (w) => easLocalToUtc(timeZoneFromIana(iana, w.year), w),
    toWall: (at) => wallOf(at.getTime() + ianaOffsetMinutes(iana, at) * 60_000),
    blob: (year) => timeZoneFromIana(iana, year),
  };
}

/** A zone known only by its EAS blob (an event a device created or moved to another zone). */
export function blobZone(tz: EasTimeZone, tzid: string): Zone {
  return {
    tzid,
    iana: null,
    toUtc: (w) => easLocalToUtc(tz, w),
    toWall: (at) => wallOf(at.getTime() + easOffsetAt(tz, at) * 60_000),
    blob: () => tz,
  };
}

/** Wall times whose offset a VTIMEZONE's zone remembers (vtimezoneZone). */
const OFFSETS_KEPT = 256;

/** A zone defined by a VTIMEZONE of the file. */
export function vtimezoneZone(component: ICAL.Component): Zone {
  const tzid = String(component.getFirstPropertyValue('tzid') ?? '');
  if (!tzid) throw new EntryError('VTIMEZONE without TZID');
  const tz = new ICAL.Timezone({ component, tzid });
  const location = component.getFirstPropertyValue('x-lic-location');
  const iana = ianaOfTzid(tzid, typeof location === 'string' ? location : null);
  // ical.js finds an offset by searching the zone's expanded changes with a clone of the time (a
  // few hundred bytes each); an event asks for the same few wall times again and again (its
  // start, while it is mapped, planned and checked), and a zone the meeting planner keeps
  // (eas/imip/planner.ts) for each invitation of the same client.
  const offsets = new Map<number, number>();
  const offsetAt = (w: Wall): number => {
    const key = wallMs(w);
    let offset = offsets.get(key);
    if (offset === undefined) {
      offset = tz.utcOffset(new ICAL.Time({ ...w, isDate: false }, tz)) * 1000;
      if (offsets.size >= OFFSETS_KEPT) offsets.clear();
      offsets.set(key, offset);
    }
    return offset;
  };
  const toUtc = (w: Wall): Date => new Date(wallMs(w) - offsetAt(w));
  return {
    tzid,
    iana,
    toUtc,
    // ical.js looks offsets up by wall-clock time: guess with the UTC fields, then correct once.
    toWall: (at) => {
      const guess = wallOf(at.getTime() + offsetAt(wallOf(at.getTime())));
      if (toUtc(guess).getTime() === at.getTime()) return guess;
      return wallOf(at.getTime() + offsetAt(guess));
    },
    blob: (year) => (iana ? timeZoneFromIana(iana, year) : blobFromVtimezone(tz, year, tzid)),
  };
}

/** The zones of one file, by TZID, with the zone of its floating times and all-day events. */
export interface ZoneTable {
  byTzid(tzid: string): Zone;
  /** For times without TZID (floating) and dates (all-day): --time-zone, X-WR-TIMEZONE, else UTC. */
  floating: Zone;
}

export function createZoneTable(vtimezones: readonly Zone[], floating: Zone): ZoneTable {
  const known = new Map<string, Zone>(vtimezones.map((z) => [z.tzid ?? 'UTC', z]));
  return {
    byTzid(tzid) {
      const found = known.get(tzid);
      if (found) return found;
      const iana = ianaOfTzid(tzid);
      if (!iana) throw new EntryError(`unknown time zone "${tzid}" (not an IANA or Windows name, and no VTIMEZONE for it in the file)`);
      const zone = ianaZone(iana, tzid);
      known.set(tzid, zone);
      return zone;
    },
    floating,
  };
}
