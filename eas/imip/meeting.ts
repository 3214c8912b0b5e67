// What a meeting message (RFC 6047 iMIP: an invitation, a cancellation, a reply) is, as the
// delivery stores it with the message (Delivery.meeting → MailItem.meeting) and as the Email
// class (Email:MeetingRequest, MessageClass) and MeetingResponse read it back.

import type { PropNode } from '../classes/doc/nodes.js';

export type MeetingMethod = 'REQUEST' | 'CANCEL' | 'REPLY';

export interface MeetingInfo {
  v: 1;
  method: MeetingMethod;
  /** MS-ASEMAIL 2.2.2.50 MessageClass: IPM.Schedule.Meeting.Request, .Canceled, .Resp.Pos/Tent/Neg. */
  messageClass: string;
  /** The event's UID (iCalendar UID). */
  uid: string;
  /** The occurrence it is about (RECURRENCE-ID as UTC Compact DateTime), or null for the series. */
  recurrenceId: string | null;
  sequence: number;
  /** ORGANIZER's address (lower case), or null. */
  organizer: string | null;
  /** The Email:MeetingRequest children as the server renders them at 16.1 (version rules applied at render). */
  request: PropNode[] | null;
  /** The calendar item the delivery placed or updated for this recipient, or null. */
  calendarItemId: number | null;
}

export function readMeeting(value: unknown): MeetingInfo | null {
  const m = value as Partial<MeetingInfo> | null;
  return m && m.v === 1 && typeof m.uid === 'string' && typeof m.method === 'string' ? (m as MeetingInfo) : null;
}
