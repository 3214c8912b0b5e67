// A client's Calendar properties (the item's, or one exception's) → the stored, version-neutral
// form: values checked against their MS-ASCAL value tables (a value outside them is refused
// with Sync Status 6, [MS-ASCMD] 2.2.3.177.17), times in Compact DateTime, all-day times as
// days, Location as the AirSyncBase container, Body as airsyncbase:Body. What the class does
// not model is kept as sent.

import { BODY_TAG, storedBody } from '../doc/body.js';
import { DocConversionError } from '../doc/doc-class.js';
import { findNode, textOfNode, type PropNode } from '../doc/nodes.js';
import { atLeast, type ProtocolVersion } from '../../protocol.js';
import { asDay, dayFromClient, localDay } from './all-day.js';
import { checkCount, EXCEPTION_TAG, EXCEPTIONS_TAG, INSTANCE_TAG, KEY_TAG, keyOf, sentKey, storedException } from './exceptions.js';
import { BASE_LOCATION, CAL_LOCATION, locationFromClient } from './location.js';
import { RECURRENCE_TAG, recurrenceFromClient } from './recurrence.js';
import { compact, parseEasTime } from './time.js';
import { blobOf, TIMEZONE_TAG, type EventZone } from './zone.js';
import { TimeZoneError } from './timezone.js';

export interface InScope {
  version: ProtocolVersion;
  scope: 'item' | 'exception';
  /** The scope's AllDayEvent: as sent, else as stored, else the series' (an exception's default, 2.2.2.1). */
  allDay: boolean;
  /** The series' AllDayEvent: exception keys are days when it is set. */
  seriesAllDay: boolean;
  /** The client's zone (its blob, else the preferred zone, else UTC): all-day days below 16.0. */
  zone: EventZone;
  /** The stored properties of the same scope: the item's, or the exception's with the same key. */
  stored: readonly PropNode[];
  /** The item's stored exceptions (item scope). */
  storedExceptions: readonly PropNode[];
}

/** Value tables of the enumerated properties (their MS-ASCAL sections). */
const ENUMS: Record<string, readonly number[]> = {
  'Calendar:AllDayEvent': [0, 1],
  'Calendar:BusyStatus': [0, 1, 2, 3, 4, 5],
  'Calendar:Sensitivity': [0, 1, 2, 3],
  'Calendar:MeetingStatus': [0, 1, 3, 5, 7, 9, 11, 13, 15],
  'Calendar:ResponseRequested': [0, 1],
  'Calendar:DisallowNewTimeProposal': [0, 1],
  'Calendar:ResponseType': [0, 1, 2, 3, 4, 5],
  'Calendar:Deleted': [0, 1],
  'Calendar:AttendeeStatus': [0, 2, 3, 4, 5],
  'Calendar:AttendeeType': [1, 2, 3],
};

/** Compact DateTime properties besides StartTime/EndTime. */
const TIMES = new Set(['Calendar:DtStamp', 'Calendar:AppointmentReplyTime']);

function refuse(why: string): never {
  throw new DocConversionError(why);
}

function checkedEnum(node: PropNode): PropNode {
  const text = (node.text ?? '').trim();
  if (!/^\d{1,2}$/.test(text) || !ENUMS[node.tag]!.includes(Number(text))) refuse(`${node.tag} "${text}" is not one of its values`);
  return { tag: node.tag, text: String(Number(text)) };
}

function checkedTime(node: PropNode): Date {
  const at = parseEasTime(node.text);
  if (!at) refuse(`${node.tag} "${node.text ?? ''}" is not a Compact DateTime (MS-ASDTYPE 2.7.2)`);
  return at;
}

function checkedAttendees(node: PropNode): PropNode {
  const attendees = (node.children ?? []).map((a) => ({
    ...a,
    children: (a.children ?? []).map((c) => (ENUMS[c.tag] ? checkedEnum(c) : c)),
  }));
  return { tag: node.tag, children: attendees };
}

export function propsFromClient(sent: readonly PropNode[], ctx: InScope): PropNode[] {
  const out: PropNode[] = [];
  const hasBaseBody = sent.some((n) => n.tag === BODY_TAG);
  for (const node of sent) {
    const converted = convertOne(node, ctx, hasBaseBody);
    if (converted) out.push(converted);
  }
  return out;
}

function convertOne(node: PropNode, ctx: InScope, hasBaseBody: boolean): PropNode | null {
  if (ENUMS[node.tag]) return checkedEnum(node);
  if (TIMES.has(node.tag)) return { tag: node.tag, text: compact(checkedTime(node)) };
  switch (node.tag) {
    case 'Calendar:StartTime':
    case 'Calendar:EndTime': {
      const at = checkedTime(node);
      const edge = node.tag === 'Calendar:StartTime' ? 'start' : 'end';
      return { tag: node.tag, text: compact(ctx.allDay ? dayFromClient(at, edge, ctx.version, ctx.zone) : at) };
    }
    case CAL_LOCATION:
    case BASE_LOCATION:
      return locationFromClient(node, findNode(ctx.stored, BASE_LOCATION));
    case BODY_TAG:
      return storedBody(node);
    case 'Calendar:Body':
      // 2.2.2.7.2: protocol 2.5's plain-text body. Kept as the airsyncbase:Body every later
      // version has, unless the client sent that too.
      return hasBaseBody ? null : storedBody({ tag: BODY_TAG, children: [{ tag: 'AirSyncBase:Type', text: '1' }, { tag: 'AirSyncBase:Data', text: node.text ?? '' }] });
    case 'Calendar:BodyTruncated':
      return null; // 2.5's flag of the body above: nothing was truncated by the client
    case 'Calendar:Reminder': {
      const text = (node.text ?? '').trim();
      if (!/^\d{1,10}$/.test(text)) refuse(`Reminder "${text}" is not a number of minutes`);
      return { tag: node.tag, text: String(Number(text)) };
    }
    case 'Calendar:Attendees':
      return checkedAttendees(node);
    case 'Calendar:UID':
      // 2.2.2.46: at 16.x a request MUST NOT carry it (the server owns it); in an Exception only
      // 2.5 had one. Either is ignored, never stored.
      return ctx.scope === 'item' && !atLeast(ctx.version, '16.0') ? node : null;
    default:
      return ctx.scope === 'item' ? convertItemOnly(node, ctx) : node;
  }
}

function convertItemOnly(node: PropNode, ctx: InScope): PropNode | null {
  switch (node.tag) {
    case TIMEZONE_TAG: {
      const text = node.text?.trim() ?? '';
      if (!text) return null; // an empty Timezone says nothing: the stored one stays
      try {
        blobOf([node]);
      } catch (err) {
        if (err instanceof TimeZoneError) refuse(`Timezone: ${err.message} (MS-ASDTYPE 2.7.6)`);
        throw err;
      }
      return node; // the blob as sent
    }
    case RECURRENCE_TAG:
      return recurrenceFromClient(node);
    case EXCEPTIONS_TAG:
      return { tag: EXCEPTIONS_TAG, children: exceptionsFromClient(node, ctx) };
    default:
      return node;
  }
}

/** The stored key of a client's exception: the occurrence's start, or its day in an all-day series. */
export function keyFromClient(at: Date, ctx: Pick<InScope, 'version' | 'seriesAllDay' | 'zone'>): Date {
  if (!ctx.seriesAllDay) return at;
  return atLeast(ctx.version, '16.0') ? asDay(at) : localDay(at, ctx.zone);
}

function exceptionsFromClient(node: PropNode, ctx: InScope): PropNode[] {
  const sent = (node.children ?? []).filter((e) => e.tag === EXCEPTION_TAG);
  checkCount(sent.length);
  return sent.map((e) => exceptionFromClient(e.children ?? [], ctx));
}

/** One client exception (its children, key included) → the stored exception. */
export function exceptionFromClient(children: readonly PropNode[], ctx: InScope): PropNode {
  const key = keyFromClient(sentKey(children), ctx);
  const stored = ctx.storedExceptions.find((e) => keyOf(e) === compact(key))?.children ?? [];
  const own = textOfNode(children, 'Calendar:AllDayEvent') ?? textOfNode(stored, 'Calendar:AllDayEvent');
  const scope: InScope = { ...ctx, scope: 'exception', stored, allDay: own !== undefined ? own.trim() === '1' : ctx.seriesAllDay };
  const props = propsFromClient(children.filter((c) => c.tag !== KEY_TAG && c.tag !== INSTANCE_TAG), scope);
  return storedException(key, props);
}
