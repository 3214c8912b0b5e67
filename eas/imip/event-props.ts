// What a meeting message changes in a stored Calendar event (the class's stored form, calendar.ts):
// the scheduling state it keeps in its private node x:imip, an attendee's status, one
// occurrence's exception. Everything here edits stored properties; the event's mapping from
// iCalendar is the importer's (planner.ts runs it).

import type { DocInput, DocItem } from '../../store/types.js';
import { docProps, findNode, setNode, textOfNode, type PropNode } from '../classes/doc/nodes.js';
import { exceptionsNode, keyOf, storedException, storedExceptions, upsertException } from '../classes/calendar/exceptions.js';
import { parseEasTime } from '../classes/calendar/time.js';

/** The private node with what the delivery knows of the meeting's scheduling (never sent). */
export const IMIP_NODE = 'x:imip';

/** A version of a meeting (RFC 5546 2.1.5): SEQUENCE, then DTSTAMP (ms) when they are equal. */
export interface Revision {
  seq: number;
  stamp: number;
}

export interface ImipState extends Revision {
  /** ORGANIZER's address, lower case. */
  organizer: string | null;
  /** The Reminder (minutes) the invitation set: a stored Reminder that differs is the user's. */
  reminder: number | null;
  /** Occurrences updated or cancelled by messages of their own, by exception key. */
  rids: Record<string, Revision>;
}

/** Is `a` a later version of the meeting than `b`? */
export function newer(a: Revision, b: Revision): boolean {
  return a.seq > b.seq || (a.seq === b.seq && a.stamp > b.stamp);
}

export function readState(props: readonly PropNode[]): ImipState | null {
  const raw = textOfNode(props, IMIP_NODE);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<ImipState>;
    if (typeof s.seq !== 'number' || typeof s.stamp !== 'number') return null;
    return { seq: s.seq, stamp: s.stamp, organizer: s.organizer ?? null, reminder: s.reminder ?? null, rids: s.rids ?? {} };
  } catch {
    return null;
  }
}

export function stateNode(state: ImipState): PropNode {
  return { tag: IMIP_NODE, text: JSON.stringify(state) };
}

/** The revision an occurrence is at: its own messages', else the series'. */
export function revisionOf(state: ImipState, key: string | null): Revision {
  return (key !== null ? state.rids[key] : undefined) ?? state;
}

/** A stored document with new properties; its place in FilterType windows is unchanged. */
export function docWith(stored: DocItem, props: PropNode[]): DocInput {
  return { data: { v: 1, props }, uid: stored.uid, windowAt: stored.receivedAt };
}

export const text = (tag: string, value: string | number): PropNode => ({ tag, text: String(value) });

/** `children` with `node` replacing the child of its tag, else inserted before `before` (else last). */
function setChild(children: readonly PropNode[], node: PropNode, before: string | null): PropNode[] {
  const at = children.findIndex((c) => c.tag === node.tag);
  if (at >= 0) return children.map((c, i) => (i === at ? node : c));
  const b = before === null ? -1 : children.findIndex((c) => c.tag === before);
  return b < 0 ? [...children, node] : [...children.slice(0, b), node, ...children.slice(b)];
}

/** Attendees with `email`'s AttendeeStatus (MS-ASCAL 2.2.2.5) set; null when it is not among them. */
export function withAttendeeStatus(attendees: PropNode | undefined, email: string, status: number): PropNode | null {
  if (!attendees?.children) return null;
  let found = false;
  const children = attendees.children.map((a) => {
    if ((textOfNode(a.children, 'Calendar:Email') ?? '').trim().toLowerCase() !== email) return a;
    found = true;
    return { ...a, children: setChild(a.children ?? [], text('Calendar:AttendeeStatus', status), 'Calendar:AttendeeType') };
  });
  return found ? { tag: attendees.tag, children } : null;
}

/** The stored exception of the occurrence `key`, or undefined. */
export function exceptionAt(props: readonly PropNode[], key: string): PropNode | undefined {
  return storedExceptions(props).find((e) => keyOf(e) === key);
}

/** Props with `children` set on the exception of occurrence `key` (made when there is none). */
export function withException(props: PropNode[], key: string, children: PropNode[]): PropNode[] {
  const at = parseEasTime(key);
  if (!at) throw new Error(`exception key ${key} is not a Compact DateTime`);
  return setNode(props, exceptionsNode(upsertException(storedExceptions(props), storedException(at, children))));
}

export function isRecurring(props: readonly PropNode[]): boolean {
  return findNode(props, 'Calendar:Recurrence') !== undefined;
}

export { docProps };
