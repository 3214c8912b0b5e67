// Reading vCard property values and parameters the same way for 3.0 and 4.0 (RFC 2426, RFC 6350):
// TYPE in all its spellings, PREF, structured and multi-valued text, dates with or without a year.

import ICAL from 'ical.js';

/** TYPE values, lower-case: TYPE=WORK;TYPE=VOICE, TYPE="work,voice" and TYPE=work,voice alike. */
export function typesOf(prop: ICAL.Property): string[] {
  const raw = prop.getParameter('type');
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.flatMap((t) => String(t).split(',')).map((t) => t.trim().toLowerCase()).filter(Boolean);
}

/** Preference: 4.0 PREF=1 (1 is the most preferred), 3.0 TYPE=pref; 100 when none. */
export function prefOf(prop: ICAL.Property): number {
  const pref = Number(prop.getFirstParameter('pref'));
  if (Number.isInteger(pref) && pref >= 1) return pref;
  return typesOf(prop).includes('pref') ? 1 : 100;
}

/** A structured value's components (N, ADR, ORG) as strings; a multi-valued component joined with ", ". */
export function components(prop: ICAL.Property): string[] {
  const value = prop.getFirstValue() as unknown;
  const list = Array.isArray(value) ? value : [value];
  return list.map((c) => (Array.isArray(c) ? c.map(String).join(', ') : c === null || c === undefined ? '' : String(c)));
}

/** Every value of a (possibly multi-valued) text property. */
export function textValues(prop: ICAL.Property): string[] {
  return prop
    .getValues()
    .map((v) => String(v).trim())
    .filter(Boolean);
}

export function textOf(prop: ICAL.Property): string {
  const v = prop.getFirstValue();
  return v === null || v === undefined ? '' : String(v);
}

/** BDAY/ANNIVERSARY → "YYYY-MM-DD"; a date without a year gets 1604 (as iOS writes it); null if not a date. */
export function dateOf(prop: ICAL.Property): string | null {
  const v = prop.getFirstValue() as unknown;
  let parts: { year: number | null; month: number | null; day: number | null } | null = null;
  if (v instanceof ICAL.VCardTime || v instanceof ICAL.Time) parts = { year: v.year, month: v.month, day: v.day };
  else {
    const m = /^(\d{4}|--)-?(\d{2})-?(\d{2})/.exec(String(v ?? '').trim());
    if (m) parts = { year: m[1] === '--' ? null : Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  }
  if (!parts || !parts.month || !parts.day) return null;
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  return `${pad(parts.year ?? 1604, 4)}-${pad(parts.month, 2)}-${pad(parts.day, 2)}`;
}
