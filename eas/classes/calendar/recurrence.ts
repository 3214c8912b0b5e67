// MS-ASCAL 2.2.2.37 Recurrence: checked on the way in, filtered per version on the way out, and
// expanded into occurrences with ical.js (RFC 5545 RRULE semantics) for the FilterType window.
// Type (2.2.2.45): 0 daily, 1 weekly, 2 monthly on DayOfMonth, 3 monthly on the n-th DayOfWeek,
// 5 yearly on MonthOfYear/DayOfMonth, 6 yearly on the n-th DayOfWeek of MonthOfYear (4 is unused).

import ICAL from 'ical.js';
import { DocConversionError } from '../doc/doc-class.js';
import { findNode, textOfNode, type PropNode } from '../doc/nodes.js';
import { atLeast, type ProtocolVersion } from '../../protocol.js';
import { compact, parseEasTime } from './time.js';
import type { WallClock } from './zone.js';

export const RECURRENCE_TAG = 'Calendar:Recurrence';

/** Children in one fixed order, Type first, whatever order the client sent them in. */
const CHILD_ORDER = [
  'Type', 'Occurrences', 'Interval', 'WeekOfMonth', 'DayOfWeek', 'MonthOfYear', 'Until', 'DayOfMonth',
  'CalendarType', 'IsLeapMonth', 'FirstDayOfWeek',
].map((n) => `Calendar:${n}`);

/** Children newer than 12.1: CalendarType and IsLeapMonth (14.0), 2.2.2.24 FirstDayOfWeek (14.1). */
const CHILD_SINCE: Record<string, ProtocolVersion> = {
  'Calendar:CalendarType': '14.0',
  'Calendar:IsLeapMonth': '14.0',
  'Calendar:FirstDayOfWeek': '14.1',
};

/** Allowed ranges of the integer children (their sections' value tables). */
const RANGES: Record<string, [number, number]> = {
  'Calendar:Type': [0, 6],
  'Calendar:Occurrences': [1, 999],
  'Calendar:Interval': [0, 999],
  'Calendar:WeekOfMonth': [1, 5],
  'Calendar:DayOfWeek': [1, 127],
  'Calendar:MonthOfYear': [1, 12],
  'Calendar:DayOfMonth': [1, 31],
  'Calendar:CalendarType': [0, 20],
  'Calendar:IsLeapMonth': [0, 1],
  'Calendar:FirstDayOfWeek': [0, 6],
};

/**
 * CalendarType values (MS-ASCAL CalendarType) whose days and months are the Gregorian ones (eras and
 * localisations of it), so ical.js can expand them; the lunar ones (Hijri 6, Hebrew 8, Japanese
 * 14, Chinese 15, Korean 20, Saka 16, …) cannot be.
 */
const GREGORIAN_DAYS = new Set([0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12]);

function refuse(why: string): never {
  throw new DocConversionError(`Recurrence: ${why} (MS-ASCAL 2.2.2.37)`);
}

/**
 * A client's Recurrence → the stored one: values checked, Until in Compact DateTime, in a fixed
 * order. An empty Recurrence is kept empty: the client cleared it (complete.ts removes it).
 */
export function recurrenceFromClient(node: PropNode): PropNode {
  if (!node.children?.length) return { tag: RECURRENCE_TAG, children: [] };
  const children: PropNode[] = [];
  for (const child of node.children ?? []) {
    const range = RANGES[child.tag];
    if (range) {
      const text = (child.text ?? '').trim();
      const n = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
      if (!(n >= range[0] && n <= range[1])) refuse(`${child.tag} "${text}" out of range`);
      // <2> in MS-ASCAL 7: Exchange 2010 SP1 and later take an Interval of 0 as 1.
      children.push({ tag: child.tag, text: child.tag === 'Calendar:Interval' && n === 0 ? '1' : String(n) });
    } else if (child.tag === 'Calendar:Until') {
      const until = parseEasTime(child.text);
      if (!until) refuse(`Until "${child.text ?? ''}" is not a Compact DateTime`);
      children.push({ tag: child.tag, text: compact(until) });
    } else {
      children.push(child);
    }
  }
  const type = textOfNode(children, 'Calendar:Type');
  if (type === undefined) refuse('no Type');
  if (type === '4') refuse('Type 4 is not defined');
  return { tag: RECURRENCE_TAG, children: inOrder(children) };
}

function inOrder(children: PropNode[]): PropNode[] {
  const rank = (tag: string) => {
    const i = CHILD_ORDER.indexOf(tag);
    return i < 0 ? CHILD_ORDER.length : i;
  };
  return [...children].sort((a, b) => rank(a.tag) - rank(b.tag));
}

/** The stored Recurrence as this version is sent it: children newer than the version left out. */
export function recurrenceToClient(node: PropNode, version: ProtocolVersion): PropNode {
  const children = (node.children ?? []).filter((c) => {
    const since = CHILD_SINCE[c.tag];
    return !since || atLeast(version, since);
  });
  return { tag: RECURRENCE_TAG, children };
}

export interface Recurrence {
  type: 0 | 1 | 2 | 3 | 5 | 6;
  interval: number;
  occurrences: number | null;
  until: Date | null;
  dayOfWeek: number | null;
  dayOfMonth: number | null;
  weekOfMonth: number | null;
  monthOfYear: number | null;
  calendarType: number;
  firstDayOfWeek: number | null;
}

/** The stored Recurrence as values, or null when the item has none. */
export function readRecurrence(props: readonly PropNode[]): Recurrence | null {
  const node = findNode(props, RECURRENCE_TAG);
  if (!node) return null;
  const int = (name: string): number | null => {
    const t = textOfNode(node.children, `Calendar:${name}`)?.trim();
    return t && /^\d+$/.test(t) ? Number(t) : null;
  };
  const type = int('Type');
  if (type === null || ![0, 1, 2, 3, 5, 6].includes(type)) return null;
  return {
    type: type as Recurrence['type'],
    interval: Math.max(1, int('Interval') ?? 1),
    occurrences: int('Occurrences'),
    until: parseEasTime(textOfNode(node.children, 'Calendar:Until')),
    dayOfWeek: int('DayOfWeek'),
    dayOfMonth: int('DayOfMonth'),
    weekOfMonth: int('WeekOfMonth'),
    monthOfYear: int('MonthOfYear'),
    calendarType: int('CalendarType') ?? 0,
    firstDayOfWeek: int('FirstDayOfWeek'),
  };
}

/** Whether ical.js can compute the occurrences (a Gregorian-day calendar). */
export function expandable(rec: Recurrence): boolean {
  return GREGORIAN_DAYS.has(rec.calendarType);
}

/** A recurrence that never ends (Until and 2.2.2.32 Occurrences both absent). */
export function endless(rec: Recurrence): boolean {
  return rec.until === null && rec.occurrences === null;
}

const ICAL_DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

/** 2.2.2.15 DayOfWeek bit mask (1 Sunday … 64 Saturday; 127 every day, "the last day of the month" with WeekOfMonth 5). */
function byDay(mask: number | null, start: WallClock): string[] {
  if (!mask) return [ICAL_DAYS[weekday(start)]!];
  return ICAL_DAYS.filter((_, i) => (mask & (1 << i)) !== 0);
}

function weekday(w: WallClock): number {
  return new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
}

/** WeekOfMonth: 1–4, and 5 for the last one (RFC 5545 BYSETPOS -1). */
function setPos(week: number | null, start: WallClock): number {
  const w = week ?? Math.ceil(start.day / 7);
  return w >= 5 ? -1 : w;
}

interface Plan {
  rule: ICAL.Recur;
  /** The iteration's first wall clock (the event's, or the 1st of its month/year for day clamping). */
  from: WallClock;
  /** Day of month to put each occurrence on, clamped to the month's length; null = as generated. */
  clampDay: number | null;
}

/**
 * The RRULE of a Recurrence. Days of month (types 2 and 5) are generated on the 1st and moved to
 * the day, clamped to the month's last day: Exchange's "on the 31st" falls on the 30th of a
 * 30-day month (MS-OXOCAL 2.2.1.44.1), where RFC 5545 would skip that month.
 */
function plan(rec: Recurrence, start: WallClock): Plan {
  const interval = rec.interval;
  // 2.2.2.24 FirstDayOfWeek 0 = Sunday; ical.js counts Sunday as 1. Absent: Sunday, the first
  // day of DayOfWeek's own numbering.
  const wkst = (rec.firstDayOfWeek ?? 0) + 1;
  const first = (month: number): WallClock => ({ ...start, month, day: 1 });
  switch (rec.type) {
    case 0:
      return { rule: ICAL.Recur.fromData({ freq: 'DAILY', interval, wkst, ...(rec.dayOfWeek ? { byday: byDay(rec.dayOfWeek, start) } : {}) }), from: start, clampDay: null };
    case 1:
      return { rule: ICAL.Recur.fromData({ freq: 'WEEKLY', interval, wkst, byday: byDay(rec.dayOfWeek, start) }), from: start, clampDay: null };
    case 2:
      return { rule: ICAL.Recur.fromData({ freq: 'MONTHLY', interval, wkst, bymonthday: [1] }), from: first(start.month), clampDay: rec.dayOfMonth ?? start.day };
    case 3:
      return {
        rule: ICAL.Recur.fromData({ freq: 'MONTHLY', interval, wkst, byday: byDay(rec.dayOfWeek, start), bysetpos: [setPos(rec.weekOfMonth, start)] }),
        from: start,
        clampDay: null,
      };
    case 5: {
      const month = rec.monthOfYear ?? start.month;
      return { rule: ICAL.Recur.fromData({ freq: 'YEARLY', interval, wkst, bymonth: [month], bymonthday: [1] }), from: first(1), clampDay: rec.dayOfMonth ?? start.day };
    }
    case 6:
      return {
        rule: ICAL.Recur.fromData({
          freq: 'YEARLY', interval, wkst, bymonth: [rec.monthOfYear ?? start.month],
          byday: byDay(rec.dayOfWeek, start), bysetpos: [setPos(rec.weekOfMonth, start)],
        }),
        from: start,
        clampDay: null,
      };
  }
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const key = (w: WallClock) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/**
 * The wall-clock starts of the occurrences, from the series start on, in order, at most
 * `Occurrences` of them. Until is the caller's (it is an instant, these are wall clocks).
 * Endless without Occurrences: the caller stops.
 */
export function* occurrenceStarts(rec: Recurrence, start: WallClock): Generator<WallClock> {
  const { rule, from, clampDay } = plan(rec, start);
  const it = rule.iterator(ICAL.Time.fromData({ ...from, isDate: false }));
  let count = 0;
  for (let t = it.next(); t; t = it.next()) {
    let w: WallClock = { year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second };
    if (clampDay !== null) w = { ...w, day: Math.min(clampDay, daysIn(w.year, w.month)) };
    if (key(w) < key(start)) continue;
    yield w;
    count += 1;
    if (rec.occurrences !== null && count >= rec.occurrences) return;
  }
}
