// EAS date values read and written: MS-ASDTYPE 2.3 dateTime ("2009-11-12T00:00:00.000Z", UTC)
// and MS-ASDTYPE 2.7.2 Compact DateTime ("20091112T000000Z"). Clients are not all exact, so the
// reader also takes the forms seen in the wild: no milliseconds, no "Z" (read as UTC, which is
// what the spec says the value is), and a bare date ("2009-11-12").

import type { WallClock } from '../doc/wall-clock.js';

const EXTENDED = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?)?(Z)?$/;

interface Parts extends WallClock {
  ms: number;
  /** Minutes east of UTC ("+02:00" → 120); 0 for "Z" or none; null for an unreadable zone. */
  offset: number | null;
}

function num(v: string | undefined): number {
  return v === undefined ? 0 : Number(v);
}

function parts(s: string): Parts | null {
  const e = EXTENDED.exec(s);
  if (e) {
    const zone = e[8];
    let offset: number | null = 0;
    if (zone && zone !== 'Z') {
      const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
      offset = z ? (z[1] === '+' ? 1 : -1) * (num(z[2]) * 60 + num(z[3])) : null;
    }
    const fraction = e[7] ?? '';
    return {
      year: num(e[1]), month: num(e[2]), day: num(e[3]), hour: num(e[4]), minute: num(e[5]), second: num(e[6]),
      ms: fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0,
      offset,
    };
  }
  const c = COMPACT.exec(s);
  if (c) {
    return { year: num(c[1]), month: num(c[2]), day: num(c[3]), hour: num(c[4]), minute: num(c[5]), second: num(c[6]), ms: 0, offset: 0 };
  }
  return null;
}

/** The instant an EAS date value names (ms since the epoch), or null when it is not one. */
export function parseEasDateTime(text: string): number | null {
  const p = parts(text.trim());
  if (!p || p.offset === null) return null;
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.hour > 23 || p.minute > 59 || p.second > 59) return null;
  const d = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  d.setUTCFullYear(p.year, p.month - 1, p.day);
  d.setUTCHours(p.hour, p.minute, p.second, p.ms);
  if (d.getUTCDate() !== p.day) return null; // 31 February and the like
  return d.getTime() - p.offset * 60_000;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** MS-ASDTYPE 2.7.2 Compact DateTime of an instant: "20091112T000000Z". */
export function formatCompactDateTime(t: number): string {
  const d = new Date(t);
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}
