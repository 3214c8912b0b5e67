// MS-ASDTYPE 2.7.2 Compact DateTime ("yyyymmddThhmmssZ", always UTC), the form of every
// calendar time (StartTime, EndTime, DtStamp, Until, ExceptionStartTime, InstanceId), and the
// all-day "date" this class stores: a calendar day written as its 00:00:00Z.

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/**
 * A Compact DateTime, or (leniently, as some clients send it) an MS-ASDTYPE 2.3 dateTime
 * ("2011-12-01T20:00:00.000Z"). Null when it is neither or names no real instant.
 */
export function parseEasTime(text: string | undefined): Date | null {
  if (text === undefined) return null;
  const s = text.trim();
  // The Compact form is read in place: a calendar item's times are read several times over
  // on their way to the store (an invitation's, at delivery), and a match would allocate.
  if (s.length === 16 && s.charCodeAt(8) === T && s.charCodeAt(15) === Z) {
    const y = digits(s, 0, 4), mo = digits(s, 4, 2), d = digits(s, 6, 2);
    const h = digits(s, 9, 2), mi = digits(s, 11, 2), se = digits(s, 13, 2);
    return y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0 ? null : checkedUtc(y, mo, d, h, mi, se);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?Z$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return checkedUtc(y, mo, d, h, mi, se);
}

const T = 0x54;
const Z = 0x5a;
const ZERO = 0x30;

/** The number the `count` ASCII digits at `from` write; -1 when one is not a digit. */
function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - ZERO;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function checkedUtc(y: number, mo: number, d: number, h: number, mi: number, se: number): Date | null {
  const t = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(t);
  // Refuse what Date.UTC would roll over (20110231T…, hour 24, second 60).
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi) return null;
  return back;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The Compact DateTime of an instant (seconds precision, as the spec's form has). */
export function compact(d: Date): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}

export function isUtcMidnight(d: Date): boolean {
  return d.getTime() % DAY_MS === 0;
}

/** 00:00:00Z of the UTC day of `d`. */
export function utcDay(d: Date): Date {
  return new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}
