// MS-ASCMD 2.2.1.11 MeetingResponse request, read into plain values: one entry per Request
// (2.2.3.150.2): UserResponse (2.2.3.194), the meeting request or calendar item it answers
// (CollectionId 2.2.3.30.4 + RequestId 2.2.3.151, or search:LongId 2.2.3.98.2), InstanceId
// (2.2.3.92.1) and, at 16.x, SendResponse (2.2.3.163: airsyncbase:Body, ProposedStartTime,
// ProposedEndTime). Checking the values is the responder's job (eas/meetings/respond.ts).

import type { WbxmlElement } from '../wbxml/tree.js';

export interface SendResponse {
  /** airsyncbase:Body Type (1 text, 2 HTML…) and Data; null: an empty SendResponse (a reply without a body). */
  body: { type: number; data: string } | null;
  proposedStart: string | null;
  proposedEnd: string | null;
}

export interface ResponseRequest {
  /** 1 accepted, 2 tentatively accepted, 3 declined; NaN when absent or not a number. */
  userResponse: number;
  collectionId: string | null;
  requestId: string | null;
  longId: string | null;
  instanceId: string | null;
  sendResponse: SendResponse | null;
}

const text = (e: WbxmlElement, tag: string): string | null => {
  const t = e.textOf(tag)?.trim();
  return t === undefined || t === '' ? null : t;
};

function sendResponseOf(s: WbxmlElement | undefined): SendResponse | null {
  if (!s) return null;
  const body = s.child('AirSyncBase:Body');
  const type = body?.intOf('AirSyncBase:Type');
  return {
    body: body ? { type: type !== undefined && !Number.isNaN(type) ? type : 1, data: body.textOf('AirSyncBase:Data') ?? '' } : null,
    proposedStart: text(s, 'MeetingResponse:ProposedStartTime'),
    proposedEnd: text(s, 'MeetingResponse:ProposedEndTime'),
  };
}

/** The Requests of a MeetingResponse body; empty when it is not one. */
export function readMeetingResponse(request: WbxmlElement | null): ResponseRequest[] {
  if (request?.tag !== 'MeetingResponse:MeetingResponse') return [];
  return request.all('MeetingResponse:Request').map((r) => ({
    userResponse: r.intOf('MeetingResponse:UserResponse') ?? NaN,
    collectionId: text(r, 'MeetingResponse:CollectionId'),
    requestId: text(r, 'MeetingResponse:RequestId'),
    longId: text(r, 'Search:LongId'),
    instanceId: text(r, 'MeetingResponse:InstanceId'),
    sendResponse: sendResponseOf(r.child('MeetingResponse:SendResponse')),
  }));
}
