// The time zone an event's wall-clock times live in, whichever way it is known: an IANA zone
// (derived from the client's blob and stored beside it, or the account's preferred zone), the
// MS-ASDTYPE 2.7.6 blob itself, or UTC. One interface over timezone.ts for the rest of the class:
// the offset at an instant, an instant's wall clock, a wall clock's instant.

import { findNode, PRIVATE_NS, textOfNode, type PropNode } from '../doc/nodes.js';
import { decodeTimeZoneBlob, easLocalToUtc, easOffsetAt, ianaFromTimeZone, ianaOffsetMinutes, isZone, TimeZoneError, type EasTimeZone } from './timezone.js';
import { DAY_MS, MINUTE_MS, parseEasTime } from './time.js';
import type { WallClock } from '../doc/wall-clock.js';

export const TIMEZONE_TAG = 'Calendar:Timezone';
/**
 * The IANA zone this server derived from the event's Timezone blob: a private node (doc/nodes.ts),
 * never sent to a client. Absent when no IANA zone has the blob's rules, and then the blob's own
 * rules are used.
 */
export const ZONE_TAG = `${PRIVATE_NS}zone`;

export type EventZone = { kind: 'iana'; iana: string } | { kind: 'blob'; tz: EasTimeZone } | { kind: 'utc' };

export const UTC_ZONE: EventZone = { kind: 'utc' };

export type { WallClock };

/** The blob of a Timezone node, or null when absent or empty. Throws TimeZoneError when malformed. */
export function blobOf(props: readonly PropNode[]): EasTimeZone | null {
  const text = textOfNode(props, TIMEZONE_TAG)?.trim();
  return text ? decodeTimeZoneBlob(text) : null;
}

/** The blob of a Timezone node when it decodes, else null (stored data is never refused). */
export function storedBlob(props: readonly PropNode[]): EasTimeZone | null {
  try {
    return blobOf(props);
  } catch (err) {
    if (err instanceof TimeZoneError) return null;
    throw err;
  }
}

/**
 * The private zone node for the stored properties: the IANA zone whose rules match the blob in
 * the year the event starts (the preferred zone wins a tie), or none.
 */
export function zoneNode(props: readonly PropNode[], preferred: string | null): PropNode | null {
  const tz = storedBlob(props);
  if (!tz) return null;
  const start = parseEasTime(textOfNode(props, 'Calendar:StartTime')) ?? new Date();
  const { iana, fixedOffsetMinutes } = ianaFromTimeZone(tz, start.getUTCFullYear(), preferred);
  // A fixed offset is what remains when no zone matched: the blob's own rules say more then.
  return iana && fixedOffsetMinutes === null ? { tag: ZONE_TAG, text: iana } : null;
}

/**
 * The zone to expand occurrences in: the derived IANA zone (it knows the rule changes of every
 * year, a blob only one year's rule), else the blob, else the preferred zone, else UTC.
 */
export function expansionZone(props: readonly PropNode[], preferred: string | null): EventZone {
  const iana = findNode(props, ZONE_TAG)?.text;
  if (iana) return { kind: 'iana', iana };
  return blobZone(props, preferred);
}

/**
 * The zone the client meant its wall clocks in: its blob (all-day midnights are computed with
 * it, and sent back with it), else the preferred zone, else UTC.
 */
export function blobZone(props: readonly PropNode[], preferred: string | null): EventZone {
  const tz = storedBlob(props);
  if (tz) return { kind: 'blob', tz };
  return preferred ? { kind: 'iana', iana: preferred } : UTC_ZONE;
}

/** Minutes east of UTC at `at`. */
export function offsetAt(zone: EventZone, at: Date): number {
  switch (zone.kind) {
    case 'utc':
      return 0;
    case 'blob':
      return easOffsetAt(zone.tz, at);
    case 'iana':
      return ianaOffsetMinutes(zone.iana, at);
  }
}

export function wallClock(zone: EventZone, at: Date): WallClock {
  const w = new Date(at.getTime() + offsetAt(zone, at) * MINUTE_MS);
  return {
    year: w.getUTCFullYear(),
    month: w.getUTCMonth() + 1,
    day: w.getUTCDate(),
    hour: w.getUTCHours(),
    minute: w.getUTCMinutes(),
    second: w.getUTCSeconds(),
  };
}

/**
 * The instant of a wall-clock time. As timezone.ts does for blobs: a time in a spring-forward
 * gap moves forward by the gap, a time in a fall-back overlap is the earlier instant.
 */
export function instantOf(zone: EventZone, local: WallClock): Date {
  if (zone.kind === 'blob') return easLocalToUtc(zone.tz, local);
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  if (zone.kind === 'utc') return new Date(wall);
  const offsets = [...new Set([offsetAt(zone, new Date(wall - DAY_MS)), offsetAt(zone, new Date(wall + DAY_MS))])];
  const valid = offsets.filter((o) => offsetAt(zone, new Date(wall - o * MINUTE_MS)) === o);
  return new Date(wall - (valid.length ? Math.max(...valid) : Math.min(...offsets)) * MINUTE_MS);
}

/** The zone name when this machine's ICU knows it, else null (a misconfigured preference is no zone). */
export function knownZone(iana: string | null | undefined): string | null {
  return iana && isZone(iana) ? iana : null;
}
