// MS-ASEMAIL 2.2.2.48 MeetingRequest: what an invitation's mail item says about the meeting, so a
// phone can show it and answer it with MeetingResponse. Kept with the message (MeetingInfo.request)
// in one form that serves every version: the children in the order 2.2.2.48 lists them, with
// both identities of the meeting (GlobalObjId for 12.1-14.1, calendar:UID for 16.x) and the
// 16.x airsyncbase:Location; render.ts sends each version its own subset and forms.

import { decodeTimeZoneBlob, easLocalToUtc } from '../classes/calendar/timezone.js';
import { compactTime, isoTime } from '../classes/ical/compact-time.js';
import type { EasEvent, EasRecurrence } from '../classes/ical/event.js';
import type { PropNode } from '../classes/doc/nodes.js';
import { globalObjId } from './global-obj-id.js';

/** MS-ASEMAIL 2.2.2.39 InstanceType. */
export const InstanceType = { Single: 0, Master: 1, Exception: 3, Orphan: 4 } as const;

/** MS-ASEMAIL 2.2.2.47 MeetingMessageType. */
export const MeetingMessageType = { Unspecified: 0, Initial: 1, FullUpdate: 2, InformationalUpdate: 3, Outdated: 4 } as const;

export interface RequestFacts {
  /** The series (or single event), or the one occurrence the message is about. */
  event: EasEvent;
  uid: string;
  /** The occurrence's original start (RecurrenceId), or null for the series. */
  instance: Date | null;
  instanceType: number;
  responseRequested: boolean;
  disallowNewTimeProposal: boolean;
  /** The busy status the organizer means for the meeting (X-MICROSOFT-CDO-INTENDEDSTATUS, else the event's). */
  busyStatus: number;
  messageType: number;
}

const text = (tag: string, value: string | number): PropNode => ({ tag, text: String(value) });

/** A StartTime/EndTime: an all-day event's day is its local midnight in the event's zone (the TimeZone sent beside it). */
function timeOf(at: Date, e: EasEvent): string {
  if (!e.allDay) return isoTime(at);
  try {
    const day = { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate(), hour: 0, minute: 0 };
    return isoTime(easLocalToUtc(decodeTimeZoneBlob(e.timeZone), day));
  } catch {
    return isoTime(at);
  }
}

/** MS-ASEMAIL 2.2.2.60 Recurrence; the Email2 children are dropped by render.ts where a version lacks them. */
function recurrence(r: EasRecurrence): PropNode {
  const children: (PropNode | false)[] = [
    text('Email:Type', r.type),
    text('Email:Interval', r.interval),
    r.until !== null && text('Email:Until', compactTime(r.until)),
    r.occurrences !== null && text('Email:Occurrences', r.occurrences),
    r.weekOfMonth !== null && text('Email:WeekOfMonth', r.weekOfMonth),
    r.dayOfMonth !== null && text('Email:DayOfMonth', r.dayOfMonth),
    r.dayOfWeek !== null && text('Email:DayOfWeek', r.dayOfWeek),
    r.monthOfYear !== null && text('Email:MonthOfYear', r.monthOfYear),
    [2, 3, 5, 6].includes(r.type) && text('Email2:CalendarType', 0),
    r.firstDayOfWeek !== null && text('Email2:FirstDayOfWeek', r.firstDayOfWeek),
  ];
  return { tag: 'Email:Recurrences', children: [{ tag: 'Email:Recurrence', children: children.filter((c): c is PropNode => c !== false) }] };
}

function organizer(e: EasEvent): string | null {
  if (!e.organizer) return null;
  const name = e.organizer.name.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return name && name.toLowerCase() !== e.organizer.email.toLowerCase() ? `"${name}" <${e.organizer.email}>` : e.organizer.email;
}

export function meetingRequestProps(f: RequestFacts, now: Date): PropNode[] {
  const e = f.event;
  const org = organizer(e);
  const out: (PropNode | false)[] = [
    text('Email:AllDayEvent', e.allDay ? 1 : 0),
    text('Email:StartTime', timeOf(e.startTime, e)),
    text('Email:DtStamp', isoTime(e.dtStamp ?? now)),
    text('Email:EndTime', timeOf(e.endTime, e)),
    text('Email:InstanceType', f.instanceType),
    e.location !== '' && { tag: 'AirSyncBase:Location', children: [text('AirSyncBase:DisplayName', e.location)] },
    org !== null && text('Email:Organizer', org),
    f.instance !== null && text('Email:RecurrenceId', isoTime(f.instance)),
    // 2.2.2.63: seconds before the start (the Calendar class's Reminder is minutes).
    e.reminder !== null && text('Email:Reminder', e.reminder * 60),
    text('Email:ResponseRequested', f.responseRequested ? 1 : 0),
    f.instance === null && e.recurrence !== null && recurrence(e.recurrence),
    text('Email:Sensitivity', e.sensitivity),
    text('Email:BusyStatus', f.busyStatus),
    text('Email:TimeZone', e.timeZone),
    text('Email:GlobalObjId', globalObjId(f.uid, f.instance)),
    text('Calendar:UID', f.uid),
    text('Email:DisallowNewTimeProposal', f.disallowNewTimeProposal ? 1 : 0),
    text('Email2:MeetingMessageType', f.messageType),
  ];
  return out.filter((n): n is PropNode => n !== false);
}
