// RRULE (RFC 5545 3.3.10) ↔ MS-ASCAL 2.2.2.39 Recurrence. EAS has six patterns: daily (0),
// weekly on days (1), monthly on a day (2), monthly on the nth weekday (3), yearly on a date (5),
// yearly on the nth weekday of a month (6). A rule outside them (HOURLY, BYWEEKNO, two BYMONTHDAY
// values, …) is reported as unsupported with the reason; the importer then keeps the rule for
// export and imports the first occurrence only (ical/from-ical.ts).

import ICAL from 'ical.js';
import type { EasRecurrence } from './event.js';

const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
const SUPPORTED_PARTS = new Set(['BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS']);
/** DayOfWeek 127 with WeekOfMonth 5: the last day of the month. */
const ANY_DAY = 127;

export interface RuleStart {
  /** Day of month, month and weekday (0 Sunday) of DTSTART in its own zone. */
  day: number;
  month: number;
  weekday: number;
}

export type RuleResult = { ok: true; recurrence: Omit<EasRecurrence, 'until'> & { until: ICAL.Time | null } } | { ok: false; reason: string };

interface ByDay {
  ordinal: number | null;
  bit: number;
}

function parseByDay(values: readonly unknown[]): ByDay[] | null {
  const out: ByDay[] = [];
  for (const v of values) {
    const m = /^\s*([+-]?\d{1,2})?\s*(SU|MO|TU|WE|TH|FR|SA)\s*$/i.exec(String(v));
    if (!m) return null;
    out.push({ ordinal: m[1] === undefined ? null : Number(m[1]), bit: 1 << DAYS.indexOf(m[2]!.toUpperCase() as (typeof DAYS)[number]) });
  }
  return out;
}

/** EAS WeekOfMonth of an ordinal: 1–4, and -1 (last) as 5; null for the rest (5th, 2nd to last…). */
const weekOf = (n: number): number | null => (n >= 1 && n <= 4 ? n : n === -1 ? 5 : null);

const mask = (days: readonly ByDay[]): number => days.reduce((m, d) => m | d.bit, 0);

/** "the nth weekday" of a monthly or yearly rule: BYDAY=2TU, or BYDAY=MO,…,FR;BYSETPOS=-1. */
function nthDay(byDay: ByDay[] | null, setPos: number[]): { weekOfMonth: number; dayOfWeek: number } | string {
  if (!byDay || byDay.length === 0) return 'BYDAY missing';
  if (setPos.length === 0) {
    if (byDay.length !== 1 || byDay[0]!.ordinal === null) return 'several BYDAY values without BYSETPOS';
    const week = weekOf(byDay[0]!.ordinal);
    return week === null ? `BYDAY=${byDay[0]!.ordinal} (EAS has 1st–4th and last)` : { weekOfMonth: week, dayOfWeek: byDay[0]!.bit };
  }
  if (setPos.length !== 1 || byDay.some((d) => d.ordinal !== null)) return 'BYSETPOS with several positions or ordinal BYDAY';
  const week = weekOf(setPos[0]!);
  return week === null ? `BYSETPOS=${setPos[0]} (EAS has 1st–4th and last)` : { weekOfMonth: week, dayOfWeek: mask(byDay) };
}

export function recurrenceFromRule(rule: ICAL.Recur, start: RuleStart): RuleResult {
  const fail = (reason: string): RuleResult => ({ ok: false, reason });
  const parts = rule.parts as Record<string, unknown[]>;
  const extra = Object.keys(parts).filter((k) => !SUPPORTED_PARTS.has(k) && (parts[k]?.length ?? 0) > 0);
  if (extra.length > 0) return fail(`${extra.join(', ')} has no EAS equivalent`);
  const byDay = parts.BYDAY?.length ? parseByDay(parts.BYDAY) : null;
  if (parts.BYDAY?.length && !byDay) return fail(`BYDAY=${parts.BYDAY.join(',')} is not understood`);
  const monthDays = (parts.BYMONTHDAY ?? []).map(Number);
  const months = (parts.BYMONTH ?? []).map(Number);
  const setPos = (parts.BYSETPOS ?? []).map(Number);
  const base = {
    interval: rule.interval || 1,
    occurrences: rule.count ?? null,
    until: rule.count ? null : (rule.until ?? null),
    dayOfWeek: null as number | null,
    dayOfMonth: null as number | null,
    weekOfMonth: null as number | null,
    monthOfYear: null as number | null,
    firstDayOfWeek: rule.wkst !== ICAL.Time.MONDAY ? rule.wkst - 1 : null,
  };
  const plainDays = byDay !== null && byDay.every((d) => d.ordinal === null);

  switch (rule.freq) {
    case 'DAILY':
      if (monthDays.length || months.length || setPos.length) return fail('DAILY with BYMONTHDAY, BYMONTH or BYSETPOS');
      if (!byDay) return { ok: true, recurrence: { ...base, type: 0 } };
      // Every weekday is a weekly rule in EAS; with an interval it would mean something else.
      if (!plainDays || base.interval !== 1) return fail('DAILY with BYDAY and an interval');
      return { ok: true, recurrence: { ...base, type: 1, dayOfWeek: mask(byDay) } };
    case 'WEEKLY':
      if (monthDays.length || months.length || setPos.length) return fail('WEEKLY with BYMONTHDAY, BYMONTH or BYSETPOS');
      if (byDay && !plainDays) return fail('WEEKLY with an ordinal BYDAY');
      return { ok: true, recurrence: { ...base, type: 1, dayOfWeek: byDay ? mask(byDay) : 1 << start.weekday } };
    case 'MONTHLY': {
      if (months.length) return fail('MONTHLY with BYMONTH');
      if (monthDays.length > 1) return fail('several BYMONTHDAY values');
      if (monthDays.length === 1) {
        if (byDay || setPos.length) return fail('BYMONTHDAY with BYDAY or BYSETPOS');
        const d = monthDays[0]!;
        if (d === -1) return { ok: true, recurrence: { ...base, type: 3, dayOfWeek: ANY_DAY, weekOfMonth: 5 } };
        if (d < 1) return fail(`BYMONTHDAY=${d} (EAS counts from the start of the month, or the last day)`);
        return { ok: true, recurrence: { ...base, type: 2, dayOfMonth: d } };
      }
      if (!byDay) return setPos.length ? fail('BYSETPOS without BYDAY') : { ok: true, recurrence: { ...base, type: 2, dayOfMonth: start.day } };
      const nth = nthDay(byDay, setPos);
      return typeof nth === 'string' ? fail(nth) : { ok: true, recurrence: { ...base, type: 3, ...nth } };
    }
    case 'YEARLY': {
      if (months.length > 1) return fail('several BYMONTH values');
      const month = months[0] ?? start.month;
      if (!byDay) {
        if (setPos.length || monthDays.length > 1 || (monthDays[0] ?? 1) < 1) return fail('YEARLY with BYSETPOS or several or negative BYMONTHDAY');
        return { ok: true, recurrence: { ...base, type: 5, monthOfYear: month, dayOfMonth: monthDays[0] ?? start.day } };
      }
      if (monthDays.length) return fail('BYMONTHDAY with BYDAY');
      if (!months.length) return fail('YEARLY with BYDAY but no BYMONTH');
      const nth = nthDay(byDay, setPos);
      return typeof nth === 'string' ? fail(nth) : { ok: true, recurrence: { ...base, type: 6, monthOfYear: month, ...nth } };
    }
    default:
      return fail(`FREQ=${rule.freq} has no EAS equivalent`);
  }
}

function byDayValues(dayOfWeek: number, ordinal: number | null): string[] {
  return DAYS.filter((_, i) => (dayOfWeek & (1 << i)) !== 0).map((d) => `${ordinal ?? ''}${d}`);
}

/** EAS Recurrence → RRULE. `until` is written as the caller formats it (UTC date-time, or a date for all-day events). */
export function ruleFromRecurrence(r: EasRecurrence, until: ICAL.Time | null): ICAL.Recur {
  const rule = new ICAL.Recur({ freq: 'DAILY' });
  const nth = (): void => {
    const ordinal = r.weekOfMonth === 5 ? -1 : (r.weekOfMonth ?? 1);
    const days = r.dayOfWeek ?? 0;
    if (days === ANY_DAY && ordinal === -1) rule.setComponent('BYMONTHDAY', [-1]);
    else if ((days & (days - 1)) === 0) rule.setComponent('BYDAY', byDayValues(days, ordinal));
    else {
      rule.setComponent('BYDAY', byDayValues(days, null));
      rule.setComponent('BYSETPOS', [ordinal]);
    }
  };
  switch (r.type) {
    case 0:
      rule.freq = 'DAILY';
      break;
    case 1:
      rule.freq = 'WEEKLY';
      if (r.dayOfWeek) rule.setComponent('BYDAY', byDayValues(r.dayOfWeek, null));
      break;
    case 2:
      rule.freq = 'MONTHLY';
      if (r.dayOfMonth) rule.setComponent('BYMONTHDAY', [r.dayOfMonth]);
      break;
    case 3:
      rule.freq = 'MONTHLY';
      nth();
      break;
    case 5:
      rule.freq = 'YEARLY';
      if (r.monthOfYear) rule.setComponent('BYMONTH', [r.monthOfYear]);
      if (r.dayOfMonth) rule.setComponent('BYMONTHDAY', [r.dayOfMonth]);
      break;
    case 6:
      rule.freq = 'YEARLY';
      if (r.monthOfYear) rule.setComponent('BYMONTH', [r.monthOfYear]);
      nth();
      break;
    default:
      throw new Error(`Recurrence Type ${r.type} is not an EAS pattern`);
  }
  rule.interval = r.interval > 1 ? r.interval : 1;
  if (r.occurrences) rule.count = r.occurrences;
  else if (until) rule.until = until;
  if (r.firstDayOfWeek !== null) rule.wkst = r.firstDayOfWeek + 1;
  return rule;
}
