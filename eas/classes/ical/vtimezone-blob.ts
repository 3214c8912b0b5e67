// MS-ASDTYPE 2.7.6 TimeZone of a VTIMEZONE (RFC 5545 3.6.5) whose TZID names no IANA zone
// ("GMT +0100 (Standard) / GMT +0200 (Daylight)" from Exchange 2003 CDO): ical.js expands its
// STANDARD/DAYLIGHT observances into UTC transitions, and the year's pair of transitions becomes
// the blob's two yearly rules, as eas/classes/calendar/timezone.ts does for IANA zones.

import type ICAL from 'ical.js';
import { ruleFor, type EasTimeZone, type SystemTime } from '../calendar/timezone.js';
import type { WallClock } from '../doc/wall-clock.js';

const MINUTE = 60_000;
const NO_DATE: SystemTime = { year: 0, month: 0, dayOfWeek: 0, day: 0, hour: 0, minute: 0, second: 0, milliseconds: 0 };

interface Transition {
  at: number;
  from: number;
  to: number;
}

interface IcalChange extends WallClock {
  utcOffset: number;
  prevUtcOffset: number;
}

/** The zone's offset changes (minutes east of UTC), oldest first; renamings without an offset change left out. */
function transitions(tz: ICAL.Timezone, untilYear: number): Transition[] {
  tz._ensureCoverage(untilYear);
  return (tz.changes as IcalChange[])
    .map((c) => ({ at: Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second), from: c.prevUtcOffset / 60, to: c.utcOffset / 60 }))
    .filter((c) => c.from !== c.to)
    .sort((a, b) => a.at - b.at);
}

export function blobFromVtimezone(tz: ICAL.Timezone, year: number, name: string): EasTimeZone {
  const all = transitions(tz, year + 1);
  const t0 = Date.UTC(year, 0, 1);
  const t1 = Date.UTC(year + 1, 0, 1);
  const before = all.filter((c) => c.at < t0);
  const start = before.length > 0 ? before[before.length - 1]!.to : (all[0]?.from ?? 0);
  const inYear = all.filter((c) => c.at >= t0 && c.at < t1);
  const label = name.slice(0, 32);
  const first = inYear[0];
  const last = inYear[inYear.length - 1];
  if (!first || !last) {
    return { bias: -start, standardName: label, standardDate: { ...NO_DATE }, standardBias: 0, daylightName: label, daylightDate: { ...NO_DATE }, daylightBias: 0 };
  }
  // One transition in the year (a rule change): the other period is taken to start on 1 January.
  const pair = inYear.length >= 2 && first.from === last.to ? [first, last] : [{ at: t0 - last.to * MINUTE, from: last.to, to: start }, last];
  const std = Math.min(pair[0]!.from, pair[0]!.to);
  const dst = Math.max(pair[0]!.from, pair[0]!.to);
  const into = pair.find((p) => p.to === dst) ?? pair[0]!;
  const outOf = pair.find((p) => p !== into)!;
  return {
    bias: -std,
    standardName: label,
    standardDate: ruleFor(outOf.at, dst),
    standardBias: 0,
    daylightName: label,
    daylightDate: ruleFor(into.at, std),
    daylightBias: std - dst,
  };
}
