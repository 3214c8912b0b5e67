// The EAS TimeZone blob (MS-ASDTYPE 2.7.6), carried base64-encoded by calendar:Timezone
// (MS-ASCAL 2.2.2.44) and email:TimeZone in a MeetingRequest (MS-ASEMAIL 2.2.2.78).
// It is Windows' TIME_ZONE_INFORMATION: 172 bytes, little-endian:
//   0 Bias LONG | 4 StandardName WCHAR[32] | 68 StandardDate SYSTEMTIME | 84 StandardBias LONG
//   88 DaylightName WCHAR[32] | 152 DaylightDate SYSTEMTIME | 168 DaylightBias LONG
// Biases are minutes WEST of UTC (UTC = local + bias). StandardDate is the wall-clock time (in
// daylight time) at which daylight time ends; DaylightDate the wall-clock time (in standard
// time) at which it starts. wMonth 0 = no daylight time. With wYear 0 a date is a yearly rule:
// wDay = week of the month 1..5 (5 = last), wDayOfWeek 0 = Sunday ([MS-DTYP] 2.3.13).
// A non-zero wYear ("absolute" form) is read here as the same month/day every year.
import { findIana, findWindows, WINDOWS_TO_IANA_MAP } from 'windows-iana';

export interface SystemTime { year: number; month: number; dayOfWeek: number; day: number; hour: number; minute: number; second: number; milliseconds: number }
export interface EasTimeZone { bias: number; standardName: string; standardDate: SystemTime; standardBias: number; daylightName: string; daylightDate: SystemTime; daylightBias: number }
export class TimeZoneError extends Error {
  override name = 'TimeZoneError';
}

const SIZE = 172;
const MINUTE = 60_000;
const DAY = 86_400_000;
const SYSTEMTIME_FIELDS = ['year', 'month', 'dayOfWeek', 'day', 'hour', 'minute', 'second', 'milliseconds'] as const;
const NO_DATE: SystemTime = { year: 0, month: 0, dayOfWeek: 0, day: 0, hour: 0, minute: 0, second: 0, milliseconds: 0 };

// ---- wire format (MS-ASDTYPE 2.7.6) ----

export function decodeTimeZoneBlob(base64: string): EasTimeZone {
  const known = decodedBlobs.get(base64);
  if (known) return copyOf(known);
  const tz = decodeBlob(base64);
  remember(decodedBlobs, base64, tz);
  return copyOf(tz);
}

function decodeBlob(base64: string): EasTimeZone {
  const text = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw new TimeZoneError('TimeZone: not base64');
  const buf = Buffer.from(text, 'base64');
  if (buf.length !== SIZE) throw new TimeZoneError(`TimeZone: ${buf.length} bytes, expected ${SIZE}`);
  // WCHAR[32]: up to the first NUL; 32 characters without a NUL are accepted too.
  const name = (at: number) => buf.toString('utf16le', at, at + 64).replace(/\0[\s\S]*$/, '');
  const date = (at: number): SystemTime => {
    const st = { ...NO_DATE };
    SYSTEMTIME_FIELDS.forEach((f, i) => { st[f] = buf.readUInt16LE(at + 2 * i); });
    return st;
  };
  return {
    bias: buf.readInt32LE(0), standardName: name(4), standardDate: date(68), standardBias: buf.readInt32LE(84),
    daylightName: name(88), daylightDate: date(152), daylightBias: buf.readInt32LE(168),
  };
}

export function encodeTimeZoneBlob(tz: EasTimeZone): string {
  const buf = Buffer.alloc(SIZE); // unused WCHARs MUST be 0x0000 (2.7.6)
  try {
    const name = (at: number, s: string) => buf.write(s.slice(0, 32), at, 64, 'utf16le');
    const date = (at: number, st: SystemTime) => SYSTEMTIME_FIELDS.forEach((f, i) => buf.writeUInt16LE(st[f], at + 2 * i));
    buf.writeInt32LE(tz.bias, 0); name(4, tz.standardName); date(68, tz.standardDate); buf.writeInt32LE(tz.standardBias, 84);
    name(88, tz.daylightName); date(152, tz.daylightDate); buf.writeInt32LE(tz.daylightBias, 168);
  } catch (err) {
    throw new TimeZoneError(`TimeZone: field out of range (${(err as Error).message})`);
  }
  return buf.toString('base64');
}

// ---- the blob's own rules ----

const stdOffset = (tz: EasTimeZone) => 0 - (tz.bias + tz.standardBias); // minutes east of UTC
const dstOffset = (tz: EasTimeZone) => 0 - (tz.bias + tz.daylightBias);
const hasDst = (tz: EasTimeZone) =>
  tz.standardDate.month >= 1 && tz.standardDate.month <= 12 && tz.daylightDate.month >= 1 && tz.daylightDate.month <= 12;
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The wall-clock time (as a UTC-fields timestamp) a SYSTEMTIME rule names in `year`. */
function ruleWallClock(st: SystemTime, year: number): number {
  let day = st.day;
  if (st.year === 0) {
    const first = new Date(Date.UTC(year, st.month - 1, 1)).getUTCDay();
    const week = Math.min(Math.max(st.day, 1), 5);
    day = 1 + ((st.dayOfWeek - first + 7) % 7) + 7 * (week - 1);
    while (day > daysInMonth(year, st.month)) day -= 7; // week 5 = the last one
  }
  return Date.UTC(year, st.month - 1, day, st.hour, st.minute, st.second, st.milliseconds);
}

/** The blob's transitions in `year`: the instant and the offset (minutes east) from then on. */
function blobTransitions(tz: EasTimeZone, year: number): { at: number; offset: number }[] {
  if (!hasDst(tz)) return [];
  const std = stdOffset(tz);
  const dst = dstOffset(tz);
  return [
    { at: ruleWallClock(tz.daylightDate, year) - std * MINUTE, offset: dst }, // DaylightDate is in standard time
    { at: ruleWallClock(tz.standardDate, year) - dst * MINUTE, offset: std }, // StandardDate is in daylight time
  ].sort((a, b) => a.at - b.at);
}

/** Offset (minutes east of UTC) the blob gives at an instant. */
export function easOffsetAt(tz: EasTimeZone, at: Date): number {
  const t = at.getTime();
  const year = at.getUTCFullYear();
  let offset = stdOffset(tz);
  for (const tr of [year - 1, year, year + 1].flatMap((y) => blobTransitions(tz, y))) if (tr.at <= t) offset = tr.offset;
  return offset;
}

/**
 * Wall-clock time → UTC under the blob's rules. A time in the spring-forward gap is shifted
 * forward by the gap (Temporal/RFC 5545 'compatible': 02:30 in a 02:00→03:00 gap is 03:30);
 * a time in the fall-back overlap is the earlier of its two instants (the daylight one).
 */
export function easLocalToUtc(tz: EasTimeZone, local: { year: number; month: number; day: number; hour: number; minute: number; second?: number }): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second ?? 0);
  const offsets = [...new Set([stdOffset(tz), dstOffset(tz)])];
  const valid = offsets.filter((o) => easOffsetAt(tz, new Date(wall - o * MINUTE)) === o);
  return new Date(wall - (valid.length ? Math.max(...valid) : Math.min(...offsets)) * MINUTE);
}

// ---- IANA zones through Node's ICU ----

const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(iana: string): Intl.DateTimeFormat {
  let f = formats.get(iana);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: iana, timeZoneName: 'longOffset' });
    } catch {
      throw new TimeZoneError(`unknown time zone: ${iana}`);
    }
    formats.set(iana, f);
  }
  return f;
}
/** Whether this machine's ICU knows the zone (its formatter is made once, then cached). */
export const isZone = (name: string) => { try { formatFor(name); return true; } catch { return false; } };

/** Offset (minutes east of UTC) of an IANA zone at an instant, from ICU's "GMT+05:30" form. */
export function ianaOffsetMinutes(iana: string, at: Date): number {
  const name = formatFor(iana).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT(?:([+\-\u2212])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(name);
  if (!m) throw new TimeZoneError(`unexpected offset ${name} for ${iana}`);
  if (!m[1]) return 0;
  return (m[1] === '+' ? 1 : -1) * Math.round(Number(m[2]) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0) / 60);
}

interface ZoneYear { start: number; transitions: { at: number; from: number; to: number }[] }
const zoneYears = new Map<string, ZoneYear>(); // per zone and year: a few KB at most

/** Offsets sampled daily across the (UTC) year; each change is narrowed to the minute. */
function zoneYear(iana: string, year: number): ZoneYear {
  const key = `${iana}|${year}`;
  const cached = zoneYears.get(key);
  if (cached) return cached;
  const off = (ms: number) => ianaOffsetMinutes(iana, new Date(ms));
  const t0 = Date.UTC(year, 0, 1);
  const t1 = Date.UTC(year + 1, 0, 1);
  const result: ZoneYear = { start: off(t0), transitions: [] };
  let prev = t0;
  let cur = result.start;
  for (let t = Math.min(t0 + DAY, t1); prev < t1; t = Math.min(t + DAY, t1)) {
    const end = off(t);
    while (cur !== end) {
      let lo = prev / MINUTE; // offset there is `cur`
      let hi = t / MINUTE; // offset differs somewhere in (lo, hi]
      while (hi - lo > 1) { const mid = Math.floor((lo + hi) / 2); if (off(mid * MINUTE) === cur) lo = mid; else hi = mid; }
      const to = off(hi * MINUTE);
      result.transitions.push({ at: hi * MINUTE, from: cur, to });
      prev = hi * MINUTE;
      cur = to;
    }
    prev = t;
  }
  zoneYears.set(key, result);
  return result;
}

/**
 * A transition as a yearly SYSTEMTIME rule: the wall clock just before it (`at` in UTC ms,
 * `before` the offset in minutes then), as "n-th (5 = last) weekday of the month".
 */
export function ruleFor(at: number, before: number): SystemTime {
  const w = new Date(at + before * MINUTE);
  const year = w.getUTCFullYear();
  const month = w.getUTCMonth() + 1;
  const day = w.getUTCDate();
  return {
    year: 0, month, dayOfWeek: w.getUTCDay(), day: day + 7 > daysInMonth(year, month) ? 5 : Math.ceil(day / 7),
    hour: w.getUTCHours(), minute: w.getUTCMinutes(), second: w.getUTCSeconds(), milliseconds: 0,
  };
}

/**
 * The blob for `iana` in `year`, from the zone's real transitions in that year (Intl/ICU).
 * Exact for 0 transitions (no DST), 2 (one DST period, either hemisphere) and 1 (a rule change:
 * the other period is made to start on 1 January 00:00). A year with more than two (e.g.
 * Casablanca before 2018: DST interrupted by Ramadan) cannot be one yearly rule: the blob then
 * keeps the first and last transitions and misses the interruption.
 */
export function timeZoneFromIana(iana: string, year: number): EasTimeZone {
  const key = `${iana}|${year}`;
  let tz = blobsOfZones.get(key);
  if (!tz) {
    tz = blobOfZone(iana, year);
    remember(blobsOfZones, key, tz);
  }
  return copyOf(tz);
}

/**
 * Both directions are pure functions of ICU's zone data, asked again for every event of an
 * import or every invitation of a busy sender: kept like the formats and zone years above, up to
 * CONVERSIONS_KEPT each (the oldest answer goes first).
 */
const CONVERSIONS_KEPT = 256;
const blobsOfZones = new Map<string, EasTimeZone>();
const zonesOfBlobs = new Map<string, { iana: string | null; fixedOffsetMinutes: number | null }>();
/** Blob texts as decoded: one event's blob is read several times on its way in (zone.ts). */
const decodedBlobs = new Map<string, EasTimeZone>();
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CONVERSIONS_KEPT) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
}
const copyOf = (tz: EasTimeZone): EasTimeZone => ({ ...tz, standardDate: { ...tz.standardDate }, daylightDate: { ...tz.daylightDate } });

function blobOfZone(iana: string, year: number): EasTimeZone {
  const { start, transitions } = zoneYear(iana, year);
  const name = (findWindows(iana)[0] ?? iana).slice(0, 32); // an IANA name when Windows has none
  const first = transitions[0];
  const last = transitions[transitions.length - 1];
  if (!first || !last) {
    return { bias: 0 - start, standardName: name, standardDate: { ...NO_DATE }, standardBias: 0, daylightName: name, daylightDate: { ...NO_DATE }, daylightBias: 0 };
  }
  const pair = transitions.length >= 2 && first.from === last.to
    ? [first, last]
    : [{ at: Date.UTC(year, 0, 1) - last.to * MINUTE, from: last.to, to: start }, last];
  const std = Math.min(pair[0]!.from, pair[0]!.to);
  const dst = Math.max(pair[0]!.from, pair[0]!.to);
  const into = pair.find((p) => p.to === dst) ?? pair[0]!;
  const outOf = pair.find((p) => p !== into)!;
  return {
    bias: 0 - std, standardName: name, standardDate: ruleFor(outOf.at, dst), standardBias: 0,
    daylightName: name.replace(/Standard Time$/, 'Daylight Time'), daylightDate: ruleFor(into.at, std), daylightBias: std - dst,
  };
}

/** Same offsets as the blob over `year` (both are constant between their transitions). The first
 *  and last day are skipped: a one-transition year's synthetic 1 January change is in local time. */
function sameRules(tz: EasTimeZone, iana: string, year: number): boolean {
  const t0 = Date.UTC(year, 0, 2);
  const t1 = Date.UTC(year, 11, 31);
  const probe = (ms: number) => easOffsetAt(tz, new Date(ms)) === ianaOffsetMinutes(iana, new Date(ms));
  if (![t0, Date.UTC(year, 3, 1), Date.UTC(year, 6, 1), Date.UTC(year, 9, 1)].every(probe)) return false; // cheap filter
  const points = [...zoneYear(iana, year).transitions.map((t) => t.at), ...blobTransitions(tz, year).map((t) => t.at)];
  return points.filter((p) => p >= t0 && p < t1).every(probe);
}

/** Names a blob may carry: a Windows zone id, its "Daylight Time" twin, an IANA id (some clients
 *  even write it as 8-bit text, read here as UTF-16 garbage that is unpacked again). */
function nameHints(tz: EasTimeZone): string[] {
  const out: string[] = [];
  for (const raw of [tz.standardName, tz.daylightName]) {
    const s = raw.trim();
    if (!s) continue;
    out.push(s, s.replace(/Daylight Time$/, 'Standard Time'));
    const packed = Buffer.from(raw, 'utf16le').toString('latin1').replace(/\0[\s\S]*$/, '');
    if (/^[\x21-\x7e]{3,}$/.test(packed)) out.push(packed);
  }
  return [...new Set(out)];
}

/** Widely used zones first (a name list, not offsets), so that an unnamed US Pacific blob is
 *  Los Angeles rather than Tijuana; then the main IANA zone of every Windows zone (CLDR
 *  windowsZones, territory 001). */
const COMMON = ['UTC', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Sao_Paulo',
  'Europe/London', 'Europe/Berlin', 'Europe/Paris', 'Europe/Helsinki', 'Europe/Moscow', 'Asia/Kolkata', 'Australia/Sydney', 'Pacific/Auckland'];
let commonZones: string[] | undefined;
function candidates(): string[] {
  commonZones ??= [...new Set([...COMMON, ...WINDOWS_TO_IANA_MAP.filter((e) => e.territory === '001').map((e) => e.iana[0]!)])].filter(isZone);
  return commonZones;
}

/**
 * The IANA zone of a blob for events in `year`: (1) its Windows zone name (or an IANA id written
 * in the name), unless the blob's standard offset never occurs in that zone that year; (2) the
 * zone whose offsets equal the blob's all that year: `preferred` (the account's zone) first,
 * then COMMON and the Windows zones; (3) the standard offset as a fixed zone: "Etc/GMT-1" when
 * whole hours (fixedOffsetMinutes set too), else iana null. A fixed result drops the blob's DST:
 * use easLocalToUtc/easOffsetAt with the blob itself when exact local times matter.
 */
export function ianaFromTimeZone(tz: EasTimeZone, year: number, preferred?: string | null): { iana: string | null; fixedOffsetMinutes: number | null } {
  const key = `${JSON.stringify(tz)}|${year}|${preferred ?? ''}`;
  let out = zonesOfBlobs.get(key);
  if (!out) {
    out = zoneOfBlob(tz, year, preferred);
    remember(zonesOfBlobs, key, out);
  }
  return { ...out };
}

function zoneOfBlob(tz: EasTimeZone, year: number, preferred?: string | null): { iana: string | null; fixedOffsetMinutes: number | null } {
  const found = (iana: string) => ({ iana: iana === 'Etc/UTC' ? 'UTC' : iana, fixedOffsetMinutes: null });
  const pref = preferred && isZone(preferred) ? preferred : null;
  for (const hint of nameHints(tz)) {
    // A Windows zone id (CLDR's main zone for it), else an explicit Area/Location IANA id.
    const named = findIana(hint, '001').find(isZone) ?? (/^[A-Za-z]+\/[\w+\-/]+$/.test(hint) && isZone(hint) ? hint : undefined);
    if (!named) continue;
    const windows = findWindows(named) as string[];
    if (pref && pref !== named && (findWindows(pref) as string[]).some((w) => windows.includes(w)) && sameRules(tz, pref, year)) return found(pref);
    // The name wins unless the blob's standard offset never occurs in that zone that year.
    const zy = zoneYear(named, year);
    if ([zy.start, ...zy.transitions.map((t) => t.to)].includes(stdOffset(tz))) return found(named);
  }
  // Rules: the account's zone first. A blob without daylight time matches many zones; only an
  // odd offset (+05:30, +05:45) is worth a named zone, a whole-hour one is given as Etc/GMT.
  const off = stdOffset(tz);
  if (!hasDst(tz) && off === 0) return found('UTC');
  const etc = off === 0 ? 'Etc/GMT' : off % 60 === 0 && off >= -720 && off <= 840 ? `Etc/GMT${off > 0 ? '-' : '+'}${Math.abs(off) / 60}` : null;
  const zones = hasDst(tz) || !etc ? candidates() : [];
  for (const zone of pref ? [pref, ...zones] : zones) if (sameRules(tz, zone, year)) return found(zone);
  // No zone has these rules that year: the standard offset, fixed (Etc/GMT signs are inverted).
  return { iana: etc, fixedOffsetMinutes: off };
}
