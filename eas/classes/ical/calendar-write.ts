// Stored events → one .ics file (RFC 5545): a VCALENDAR with every VTIMEZONE the events name
// (each TZID once) and their VEVENTs, merged with what was imported (export-event.ts).

import ICAL from 'ical.js';
import type { WbxmlElement } from '../../wbxml/tree.js';
import { eventFromAppData } from './app-data-in.js';
import type { EntryProblem } from './entries.js';
import { exportEvent } from './export-event.js';
import { readOriginal, type OriginalEvent } from './original.js';

export interface StoredEvent {
  /** Where it is, for problems ("item 12"). */
  position: string;
  /** The store's UID of the document (used when the ApplicationData names none). */
  uid: string | null;
  /** The item as the class renders it: the children of ApplicationData. */
  appData: readonly WbxmlElement[];
  /** The kept original ("x:ical"), when the event was imported. */
  original: string | null;
}

export interface WrittenCalendar {
  text: string;
  count: number;
  problems: EntryProblem[];
}

export function writeCalendarFile(events: readonly StoredEvent[], opts: { now: Date; name?: string }): WrittenCalendar {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('prodid', '-//eas-push//eas-push export//EN');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  if (opts.name) calendar.addPropertyWithValue('x-wr-calname', opts.name);
  const problems: EntryProblem[] = [];
  const vtimezones = new Map<string, ICAL.Component>();
  const vevents: ICAL.Component[] = [];
  let count = 0;
  for (const stored of events) {
    const cur = eventFromAppData(stored.appData);
    if (!cur) {
      problems.push({ position: stored.position, reason: 'no StartTime or EndTime: not exported' });
      continue;
    }
    cur.uid ||= stored.uid ?? '';
    let original: OriginalEvent | null = null;
    if (stored.original) {
      try {
        original = readOriginal(stored.original, cur.uid);
      } catch (err) {
        problems.push({ position: stored.position, reason: `the imported original cannot be read (${(err as Error).message}): written from its EAS fields only` });
      }
    }
    const out = exportEvent(cur, original, opts.now);
    for (const vtz of out.vtimezones) {
      const tzid = String(vtz.getFirstPropertyValue('tzid'));
      if (!vtimezones.has(tzid)) vtimezones.set(tzid, vtz);
    }
    vevents.push(...out.vevents);
    count++;
  }
  for (const c of [...vtimezones.values(), ...vevents]) calendar.addSubcomponent(c);
  return { text: calendar.toString() + '\r\n', count, problems };
}
