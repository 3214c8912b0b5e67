// MS-ASCMD 2.2.1.11 MeetingResponse: accept, tentatively accept or decline meeting requests, in
// the Inbox or on the calendar. One Result per Request (2.2.3.155.2: RequestId, Status 2.2.3.177.9,
// CalendarId unless declined, InstanceId when one was named), in the order asked; each Request
// succeeds or fails on its own. The work is eas/meetings/respond.ts's.

import { el, type WbxmlElement } from '../wbxml/tree.js';
import { readMeetingResponse } from '../meetings/request.js';
import { MeetingResponseStatus, respondToMeeting, type ResponseResult } from '../meetings/respond.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';

export const meetingResponse = commandSpec('MeetingResponse', handleMeetingResponse);

function resultOf(r: ResponseResult): WbxmlElement {
  // 6.26: RequestId, Status, CalendarId, InstanceId, in this order.
  return el('MeetingResponse:Result', [
    r.requestId !== null && el('MeetingResponse:RequestId', r.requestId),
    el('MeetingResponse:Status', r.status),
    r.calendarId !== null && el('MeetingResponse:CalendarId', r.calendarId),
    r.instanceId !== null && el('MeetingResponse:InstanceId', r.instanceId),
  ]);
}

async function handleMeetingResponse(ctx: CommandContext): Promise<CommandResult> {
  const requests = readMeetingResponse(ctx.request);
  if (requests.length === 0) {
    // Nothing to answer Request by Request: one Result says the request is malformed.
    return { kind: 'wbxml', body: el('MeetingResponse:MeetingResponse', [el('MeetingResponse:Result', [el('MeetingResponse:Status', MeetingResponseStatus.InvalidRequest)])]) };
  }
  const results: WbxmlElement[] = [];
  // One at a time: two answers to the same meeting apply in the order the client sent them.
  for (const request of requests) results.push(resultOf(await respondToMeeting(ctx, request)));
  return { kind: 'wbxml', body: el('MeetingResponse:MeetingResponse', results) };
}
