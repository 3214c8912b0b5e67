// What a stored calendar event says about a meeting (MS-ASCAL 2.2.2): who organises it, who
// attends, which role this account plays in it, its iCalendar SEQUENCE (RFC 5545 3.8.7.4), and
// whether a recurring event has an occurrence at a given start (MS-ASCMD 2.2.3.92.1 InstanceId).
// Read from the Calendar class's stored form (eas/classes/calendar.ts), never written here.

import type { Account, Store } from '../../store/types.js';
import { findNode, PRIVATE_NS, textOfNode, type PropNode } from '../classes/doc/nodes.js';
import { asDay, localDay } from '../classes/calendar/all-day.js';
import { isDeleted, keyOf, storedExceptions } from '../classes/calendar/exceptions.js';
import { expandable, occurrenceStarts, readRecurrence } from '../classes/calendar/recurrence.js';
import { compact, parseEasTime } from '../classes/calendar/time.js';
import { blobZone, expansionZone, instantOf, wallClock, type EventZone } from '../classes/calendar/zone.js';
import { ICAL_NODE } from '../classes/ical/original.js';
import { parseComponent } from '../classes/ical/parse-entry.js';
import { readState } from '../imip/event-props.js';

/**
 * The SEQUENCE of the last REQUEST or CANCEL this server sent for an event the account organises:
 * a private node (never sent to a device), absent until the first update.
 */
export const SEQUENCE_TAG = `${PRIVATE_NS}sequence`;

export const ATTENDEES_TAG = 'Calendar:Attendees';
export const ATTENDEE_TAG = 'Calendar:Attendee';

/** MS-ASCAL 2.2.2.28 MeetingStatus: the values of a meeting received from someone else. */
export const RECEIVED = new Set([3, 7, 11, 15]);
/** … of a meeting the user organises. */
const ORGANISED = new Set([1, 5, 9, 13]);
/** … of a cancelled meeting (5, 7: cancelled; 13, 15: cancelled, received "as" 9/11). */
export const CANCELLED = new Set([5, 7, 13, 15]);

export interface Person {
  email: string;
  name: string;
}

export interface StoredAttendee extends Person {
  /** MS-ASCAL 2.2.2.5 AttendeeStatus (0 when absent). */
  status: number;
  /** MS-ASCAL 2.2.2.6 AttendeeType (1 when absent). */
  type: number;
}

const int = (text: string | undefined): number | null => {
  const t = text?.trim();
  return t && /^\d{1,9}$/.test(t) ? Number(t) : null;
};

export function meetingStatusOf(props: readonly PropNode[]): number {
  return int(textOfNode(props, 'Calendar:MeetingStatus')) ?? 0;
}

export function organizerOf(props: readonly PropNode[]): Person | null {
  const email = textOfNode(props, 'Calendar:OrganizerEmail')?.trim();
  return email ? { email, name: textOfNode(props, 'Calendar:OrganizerName')?.trim() ?? '' } : null;
}

export function attendeesOf(props: readonly PropNode[]): StoredAttendee[] {
  const list = findNode(props, ATTENDEES_TAG)?.children ?? [];
  return list
    .filter((a) => a.tag === ATTENDEE_TAG)
    .map((a) => ({
      email: textOfNode(a.children, 'Calendar:Email')?.trim() ?? '',
      name: textOfNode(a.children, 'Calendar:Name')?.trim() ?? '',
      status: int(textOfNode(a.children, 'Calendar:AttendeeStatus')) ?? 0,
      type: int(textOfNode(a.children, 'Calendar:AttendeeType')) ?? 1,
    }))
    .filter((a) => a.email !== '');
}

/** Whether `address` is this account (case-insensitive, "alice+tag@" included). */
export async function isSelf(store: Store, account: Account, address: string): Promise<boolean> {
  const a = address.trim().toLowerCase().replace(/^mailto:/, '');
  return a === account.address || (await store.findAccount(a))?.id === account.id;
}

/**
 * The account's part in the event: 'organizer' of a meeting (attendees besides itself, and the
 * organizer is the account or not named, MeetingStatus not one of a received meeting), 'attendee'
 * of a meeting someone else organises, or 'none' (an appointment).
 */
export async function roleOf(store: Store, account: Account, props: readonly PropNode[]): Promise<'organizer' | 'attendee' | 'none'> {
  const status = meetingStatusOf(props);
  const organizer = organizerOf(props);
  if (organizer && !await isSelf(store, account, organizer.email)) return 'attendee';
  if (RECEIVED.has(status)) return organizer ? 'organizer' : 'attendee';
  for (const a of attendeesOf(props)) if (!(await isSelf(store, account, a.email))) return 'organizer';
  return ORGANISED.has(status) ? 'organizer' : 'none';
}

/**
 * The event's current SEQUENCE: the highest of what this server last sent (x:sequence), the
 * revision the delivery last took from a meeting message (x:imip, eas/imip/event-props.ts) and
 * the SEQUENCE of the iCalendar it was made from (the kept original, x:ical); 0 without any.
 */
export function sequenceOf(props: readonly PropNode[]): number {
  const own = Math.max(int(textOfNode(props, SEQUENCE_TAG)) ?? 0, readState(props)?.seq ?? 0);
  let original = 0;
  const text = textOfNode(props, ICAL_NODE);
  if (text) {
    try {
      const vevents = parseComponent(text).getAllSubcomponents('vevent');
      const master = vevents.find((v) => !v.hasProperty('recurrence-id')) ?? vevents[0];
      original = Number(master?.getFirstPropertyValue('sequence') ?? 0) || 0;
    } catch {
      original = 0;
    }
  }
  return Math.max(own, original);
}

export function isAllDay(props: readonly PropNode[]): boolean {
  return textOfNode(props, 'Calendar:AllDayEvent')?.trim() === '1';
}

/** Occurrences looked at before giving up (a daily series of 270 years). */
const MAX_OCCURRENCES = 100_000;

/**
 * Whether the recurring event has a live occurrence whose original start is `at` (its day for an
 * all-day series): 'none' when the event does not recur (MS-ASCMD Status 146), false when it has
 * no such occurrence or it was deleted (Status 2).
 */
export function hasOccurrence(props: readonly PropNode[], at: Date): boolean | 'none' {
  const rec = readRecurrence(props);
  if (!rec) return 'none';
  const allDay = isAllDay(props);
  const key = compact(allDay ? asDay(at) : at);
  const exception = storedExceptions(props).find((e) => keyOf(e) === key);
  if (exception) return !isDeleted(exception);
  const start = parseEasTime(textOfNode(props, 'Calendar:StartTime'));
  if (!start) return false;
  if (!expandable(rec)) return true; // a lunar calendar: ical.js cannot say, the client knows
  // As the class's window does: wall clocks of the event's zone (all-day: days, in UTC).
  const zone: EventZone = allDay ? { kind: 'utc' } : expansionZone(props, null);
  const target = allDay ? asDay(at).getTime() : at.getTime();
  const until = rec.until ? (allDay ? localDay(rec.until, blobZone(props, null)) : rec.until).getTime() : Infinity;
  let n = 0;
  for (const w of occurrenceStarts(rec, wallClock(zone, allDay ? asDay(start) : start))) {
    if (++n > MAX_OCCURRENCES) return false;
    const t = instantOf(zone, w).getTime();
    if (t > until || t > target) return false;
    if (t === target) return true;
  }
  return false;
}
