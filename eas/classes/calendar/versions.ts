// Which stored Calendar properties each protocol version is sent: the "Protocol Versions" table
// of each MS-ASCAL 2.2.2 section. Properties not listed here exist at every version this server
// speaks (2.5 and later). Location, Timezone of all-day events, ExceptionStartTime/InstanceId
// change form rather than disappear; their modules handle them.

import { atLeast, type ProtocolVersion } from '../../protocol.js';
import { isPrivate, type PropNode } from '../doc/nodes.js';

/** Top-level properties newer than 12.1. */
const SINCE: Record<string, ProtocolVersion> = {
  'Calendar:DisallowNewTimeProposal': '14.0',
  'Calendar:ResponseRequested': '14.0',
  'Calendar:AppointmentReplyTime': '14.0',
  'Calendar:ResponseType': '14.0',
  'Calendar:OnlineMeetingConfLink': '14.1',
  'Calendar:OnlineMeetingExternalLink': '14.1',
};

/** Children of Exception newer than 12.1 (2.2.2.21 and the sections of each child). */
const EXCEPTION_SINCE: Record<string, ProtocolVersion> = {
  ...SINCE,
  'Calendar:Attendees': '14.0', // 2.2.2.4 Attendees: a child of Exception from 14.0 on
};

/**
 * Never sent: 2.2.2.13 ClientUid is for requests only; calendar:Body/BodyTruncated are 2.5's
 * (2.2.2.7.2, kept as airsyncbase:Body); a top-level InstanceId names an orphan instance, which
 * this server never makes; private nodes are the server's own.
 */
const NEVER: ReadonlySet<string> = new Set(['Calendar:ClientUid', 'Calendar:Body', 'Calendar:BodyTruncated']);

/** 2.2.2.5 AttendeeStatus and 2.2.2.6 AttendeeType: children of Attendee from 12.0 on. */
const ATTENDEE_SINCE_12: ReadonlySet<string> = new Set(['Calendar:AttendeeStatus', 'Calendar:AttendeeType']);

/** Attendees as this version has them: below 12.0 each Attendee is its Email and Name only. */
export function attendeesAt(node: PropNode, version: ProtocolVersion): PropNode {
  if (atLeast(version, '12.0')) return node;
  return {
    ...node,
    children: (node.children ?? []).map((a) => ({ ...a, children: (a.children ?? []).filter((c) => !ATTENDEE_SINCE_12.has(c.tag)) })),
  };
}

export function sentAt(tag: string, version: ProtocolVersion, scope: 'item' | 'exception'): boolean {
  if (NEVER.has(tag) || isPrivate({ tag })) return false;
  if (scope === 'item' && tag === 'AirSyncBase:InstanceId') return false;
  const since = (scope === 'item' ? SINCE : EXCEPTION_SINCE)[tag];
  return !since || atLeast(version, since);
}
