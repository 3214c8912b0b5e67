// Stored Calendar properties → what one protocol version is sent: each property in this
// version's form (Location, all-day times and their Timezone, the exception key), and only the
// properties the version has (versions.ts). The item's Body is left for the doc factory, which
// renders it per BodyPreference; an exception's Body is sent whole.

import { BODY_TAG } from '../doc/body.js';
import { textOfNode, type PropNode } from '../doc/nodes.js';
import { atLeast, type ProtocolVersion } from '../../protocol.js';
import { allDayToClient, asDay, localMidnight } from './all-day.js';
import { EXCEPTION_TAG, EXCEPTIONS_TAG, INSTANCE_TAG, inExceptionOrder, KEY_TAG } from './exceptions.js';
import { BASE_LOCATION, locationToClient } from './location.js';
import { RECURRENCE_TAG, recurrenceToClient } from './recurrence.js';
import { compact, parseEasTime } from './time.js';
import { attendeesAt, sentAt } from './versions.js';
import { TIMEZONE_TAG, type EventZone } from './zone.js';

export interface OutScope {
  version: ProtocolVersion;
  scope: 'item' | 'exception';
  allDay: boolean;
  seriesAllDay: boolean;
  /** The zone whose midnights all-day days are sent as below 16.0 (the event's blob's). */
  zone: EventZone;
}

export function propsToClient(stored: readonly PropNode[], ctx: OutScope): PropNode[] {
  const out: PropNode[] = [];
  for (const node of stored) {
    if (!sentAt(node.tag, ctx.version, ctx.scope)) continue;
    const rendered = renderOne(node, ctx);
    if (rendered) out.push(rendered);
  }
  return out;
}

function renderOne(node: PropNode, ctx: OutScope): PropNode | null {
  switch (node.tag) {
    case 'Calendar:StartTime':
    case 'Calendar:EndTime': {
      const at = parseEasTime(node.text);
      return ctx.allDay && at ? { tag: node.tag, text: compact(allDayToClient(asDay(at), ctx.version, ctx.zone)) } : node;
    }
    case BASE_LOCATION:
      return locationToClient(node, ctx.version);
    case 'Calendar:Attendees':
      return attendeesAt(node, ctx.version);
    case TIMEZONE_TAG:
      // MS-ASCAL 2.2.2.1: a 16.x all-day event is days, without a time zone.
      return ctx.allDay && atLeast(ctx.version, '16.0') ? null : node;
    case RECURRENCE_TAG:
      return ctx.scope === 'item' ? recurrenceToClient(node, ctx.version) : node;
    case EXCEPTIONS_TAG:
      return ctx.scope === 'item' ? { tag: EXCEPTIONS_TAG, children: (node.children ?? []).map((e) => exceptionToClient(e, ctx)) } : node;
    case BODY_TAG:
      return ctx.scope === 'exception' ? wholeBody(node) : node;
    default:
      return node;
  }
}

/** An exception's key in this version's form: ExceptionStartTime (2.2.2.23) or InstanceId (16.x). */
export function keyToClient(key: string, ctx: Pick<OutScope, 'version' | 'seriesAllDay' | 'zone'>): PropNode {
  if (atLeast(ctx.version, '16.0')) return { tag: INSTANCE_TAG, text: key };
  const at = parseEasTime(key);
  const text = ctx.seriesAllDay && at ? compact(localMidnight(asDay(at), ctx.zone)) : key;
  return { tag: KEY_TAG, text };
}

function exceptionToClient(exception: PropNode, ctx: OutScope): PropNode {
  if (exception.tag !== EXCEPTION_TAG) return exception;
  const children = exception.children ?? [];
  const own = textOfNode(children, 'Calendar:AllDayEvent');
  const scope: OutScope = { ...ctx, scope: 'exception', allDay: own !== undefined ? own.trim() === '1' : ctx.seriesAllDay };
  const rendered = children.map((c) => (c.tag === KEY_TAG ? keyToClient(c.text ?? '', ctx) : c));
  const props = propsToClient(
    rendered.filter((c) => c.tag !== KEY_TAG && c.tag !== INSTANCE_TAG),
    scope,
  );
  const key = rendered.find((c) => c.tag === KEY_TAG || c.tag === INSTANCE_TAG);
  return { tag: EXCEPTION_TAG, children: inExceptionOrder([...(key ? [key] : []), ...props]) };
}

/** MS-ASAIRS 2.2.2.9 Body sent whole: Type, EstimatedDataSize, Data (in the schema's order). */
function wholeBody(body: PropNode): PropNode {
  const data = textOfNode(body.children, 'AirSyncBase:Data') ?? '';
  return {
    tag: BODY_TAG,
    children: [
      { tag: 'AirSyncBase:Type', text: textOfNode(body.children, 'AirSyncBase:Type') ?? '1' },
      { tag: 'AirSyncBase:EstimatedDataSize', text: String(Buffer.byteLength(data, 'utf8')) },
      { tag: 'AirSyncBase:Data', text: data },
    ],
  };
}
