// The stored MeetingRequest (meeting-request.ts) as one protocol version is sent it (MS-ASEMAIL
// 2.2.2.48 and the Protocol Versions table of each child): email:Location below 16.0 and
// airsyncbase:Location from it (2.2.2.46); GlobalObjId up to 14.1 and calendar:UID from 16.0
// (2.2.2.37); DisallowNewTimeProposal from 14.0 (2.2.2.27); email2:MeetingMessageType from 14.1
// (2.2.2.47); InstanceType 4 (orphan instance) only at 16.x (2.2.2.39); in Recurrence,
// email2:CalendarType from 14.0 and email2:FirstDayOfWeek from 14.1.

import { textOfNode, toElement, type PropNode } from '../classes/doc/nodes.js';
import { atLeast, type ProtocolVersion } from '../protocol.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';

const SINCE: Record<string, ProtocolVersion> = {
  'Calendar:UID': '16.0',
  'AirSyncBase:Location': '16.0',
  'Email:DisallowNewTimeProposal': '14.0',
  'Email2:MeetingMessageType': '14.1',
  'Email2:CalendarType': '14.0',
  'Email2:IsLeapMonth': '14.0',
  'Email2:FirstDayOfWeek': '14.1',
};

const UNTIL: Record<string, ProtocolVersion> = {
  'Email:GlobalObjId': '16.0',
  'Email:Location': '16.0',
};

function sent(tag: string, version: ProtocolVersion): boolean {
  const since = SINCE[tag];
  const until = UNTIL[tag];
  return (!since || atLeast(version, since)) && (!until || !atLeast(version, until));
}

function nodeFor(node: PropNode, version: ProtocolVersion): PropNode | null {
  if (node.tag === 'AirSyncBase:Location' && !atLeast(version, '16.0')) {
    return { tag: 'Email:Location', text: textOfNode(node.children, 'AirSyncBase:DisplayName') ?? '' };
  }
  if (!sent(node.tag, version)) return null;
  if (node.tag === 'Email:InstanceType' && node.text === '4' && !atLeast(version, '16.0')) return { ...node, text: '3' };
  if (node.children) return { tag: node.tag, children: node.children.map((c) => nodeFor(c, version)).filter((c): c is PropNode => c !== null) };
  return node;
}

export function meetingRequestElement(request: readonly PropNode[], version: ProtocolVersion): WbxmlElement {
  return el(
    'Email:MeetingRequest',
    request.map((n) => nodeFor(n, version)).filter((n): n is PropNode => n !== null).map(toElement),
  );
}
