// One stored event → VEVENTs (RFC 5545) for export. An imported event is written from the
// iCalendar it came from: a field no device changed (its value equals what import made of the
// original) keeps the original properties, with their parameters and the properties EAS never
// carried (X-…, ATTACH, RDATE…); a field a device changed is written from the current value.
// An event a device created is written from its EAS fields alone.

import ICAL from 'ical.js';
import { decodeTimeZoneBlob, ianaFromTimeZone, type EasTimeZone } from '../calendar/timezone.js';
import { EVENT_FIELDS, type EasEvent, type EasException, type EventField } from './event.js';
import { timeProperty, timesProperty, writeField, type TimeForm } from './ical-write.js';
import type { OriginalEvent } from './original.js';
import { same } from './same.js';
import { instanceOf } from './times.js';
import { vtimezoneFromBlob } from './vtimezone-from-blob.js';
import { blobZone } from './zones.js';

export interface ExportedEvent {
  vevents: ICAL.Component[];
  vtimezones: ICAL.Component[];
}

type Rules = Omit<EasTimeZone, 'standardName' | 'daylightName'> | string;

/** A blob's rules without its names (a device may rename a zone without changing it). */
function rulesOf(blob: string): Rules {
  try {
    const { standardName: _s, daylightName: _d, ...rules } = decodeTimeZoneBlob(blob);
    return rules;
  } catch {
    return blob;
  }
}

function fieldValue(e: EasEvent, field: EventField): unknown {
  switch (field) {
    case 'time':
      // An all-day event is days: no zone (16.x does not even send one).
      return { start: e.startTime, end: e.endTime, allDay: e.allDay, zone: e.allDay ? null : rulesOf(e.timeZone) };
    case 'exceptions':
      return e.exceptions;
    default:
      return e[field];
  }
}

/** How the event's times are written, and the VTIMEZONE that needs (if any). */
function timeForm(cur: EasEvent, original: OriginalEvent | null): { form: TimeForm; vtimezone: ICAL.Component | null } {
  if (cur.allDay) return { form: { kind: 'date' }, vtimezone: null };
  // The zone is the original's: write the times as the original did (its TZID, UTC, floating).
  if (original && !original.event.allDay && same(rulesOf(cur.timeZone), rulesOf(original.event.timeZone))) {
    const zone = original.start.zone;
    const prop = original.master.getFirstProperty('dtstart')!;
    const value = prop.getFirstValue() as ICAL.Time;
    if (value.zone?.tzid === 'UTC') return { form: { kind: 'utc' }, vtimezone: null };
    return { form: prop.getFirstParameter('tzid') ? { kind: 'zone', zone } : { kind: 'floating', zone }, vtimezone: null };
  }
  return fromBlob(cur);
}

/** The times in the zone of the event's TimeZone blob: its IANA name when one matches, with a VTIMEZONE made from the blob. */
function fromBlob(cur: EasEvent): { form: TimeForm; vtimezone: ICAL.Component | null } {
  let tz: EasTimeZone;
  try {
    tz = decodeTimeZoneBlob(cur.timeZone);
  } catch {
    return { form: { kind: 'utc' }, vtimezone: null };
  }
  const fixed = tz.standardDate.month === 0 || tz.daylightDate.month === 0;
  if (fixed && tz.bias + tz.standardBias === 0) return { form: { kind: 'utc' }, vtimezone: null };
  const tzid = ianaFromTimeZone(tz, cur.startTime.getUTCFullYear()).iana ?? (tz.standardName.trim() || 'EAS time zone');
  return { form: { kind: 'zone', zone: blobZone(tz, tzid) }, vtimezone: vtimezoneFromBlob(tz, tzid) };
}

function newEvent(uid: string, stamp: Date | null, now: Date): ICAL.Component {
  const vevent = new ICAL.Component('vevent');
  vevent.addPropertyWithValue('uid', uid);
  vevent.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(stamp ?? now, true));
  return vevent;
}

/** The series with an exception's changes applied: what its override VEVENT says. */
function occurrence(cur: EasEvent, x: EasException): EasEvent {
  const duration = cur.endTime.getTime() - cur.startTime.getTime();
  const { instance: _i, deleted: _d, ...changes } = x;
  return { ...cur, ...changes, startTime: x.startTime ?? x.instance, endTime: x.endTime ?? new Date(x.instance.getTime() + duration) };
}

const OCCURRENCE_FIELDS = ['subject', 'location', 'body', 'time', 'busyStatus', 'sensitivity', 'reminder', 'categories', 'attendees'] as const;
const CHANGE_KEYS: Record<(typeof OCCURRENCE_FIELDS)[number], (keyof EasException)[]> = {
  subject: ['subject'],
  location: ['location'],
  body: ['body'],
  time: ['startTime', 'endTime', 'allDay'],
  busyStatus: ['busyStatus'],
  sensitivity: ['sensitivity'],
  reminder: ['reminder'],
  categories: ['categories'],
  attendees: ['attendees'],
};

function overrides(cur: EasEvent, uid: string, master: ICAL.Component, original: OriginalEvent | null, form: TimeForm, now: Date): ICAL.Component[] {
  const oldByInstance = new Map<number, { comp: ICAL.Component; exception: EasException | undefined }>();
  const mapped = new Map((original?.event.exceptions ?? []).map((x) => [x.instance.getTime(), x]));
  const unmapped: ICAL.Component[] = [];
  for (const comp of original?.overrides ?? []) {
    const rid = comp.getFirstProperty('recurrence-id')!;
    const instance = instanceOf(rid, rid.getFirstValue() as ICAL.Time, original!.start, original!.zones).getTime();
    const exception = mapped.get(instance);
    if (exception) oldByInstance.set(instance, { comp, exception });
    else unmapped.push(comp); // never an EAS exception (RANGE=THISANDFUTURE…): kept as it was
  }

  master.removeAllProperties('exdate');
  const deleted = cur.exceptions.filter((x) => x.deleted).map((x) => x.instance);
  if (deleted.length > 0) master.addProperty(timesProperty('exdate', deleted, form));

  const out: ICAL.Component[] = [];
  for (const x of cur.exceptions.filter((e) => !e.deleted)) {
    const old = oldByInstance.get(x.instance.getTime());
    if (old && same(old.exception, x)) {
      out.push(old.comp);
      continue;
    }
    const comp = old?.comp ?? newEvent(uid, null, now);
    if (!old) comp.addProperty(timeProperty('recurrence-id', x.instance, form));
    const values = occurrence(cur, x);
    for (const field of OCCURRENCE_FIELDS) {
      const changed = !old || CHANGE_KEYS[field].some((k) => !same(old.exception![k], x[k]));
      if (changed) writeField(comp, field, values, form);
    }
    out.push(comp);
  }
  return [...out, ...unmapped];
}

export function exportEvent(cur: EasEvent, original: OriginalEvent | null, now: Date): ExportedEvent {
  const { form, vtimezone } = timeForm(cur, original);
  const master = original?.master ?? newEvent(cur.uid, cur.dtStamp, now);
  // The file's UID stays (an override imported on its own has a UID of its own in the store).
  if (!master.hasProperty('uid')) master.addPropertyWithValue('uid', cur.uid);
  const uid = String(master.getFirstPropertyValue('uid'));
  const changed = (field: EventField): boolean => !original || !same(fieldValue(original.event, field), fieldValue(cur, field));
  for (const field of EVENT_FIELDS) {
    if (field !== 'exceptions' && changed(field)) writeField(master, field, cur, form);
  }
  const vevents = original && !changed('exceptions') ? [master, ...original.overrides] : [master, ...overrides(cur, uid, master, original, form, now)];
  return { vevents, vtimezones: [...(original?.timezones ?? []), ...(vtimezone ? [vtimezone] : [])] };
}
