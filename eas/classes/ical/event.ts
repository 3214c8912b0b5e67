// An appointment as EAS carries it (MS-ASCAL 2.2.2), between iCalendar and ApplicationData:
// import maps VEVENT → EasEvent → ApplicationData, export maps ApplicationData → EasEvent →
// VEVENT. Every field has one value (no "absent" besides null where EAS has none), so two
// events compare field by field: export keeps the original iCalendar of a field that no device
// changed (ical/export-merge.ts).

export interface EasAttendee {
  email: string;
  name: string;
  /** MS-ASCAL 2.2.2.4 AttendeeStatus: 0 unknown, 2 tentative, 3 accept, 4 decline, 5 not responded. */
  status: number;
  /** MS-ASCAL 2.2.2.6 AttendeeType: 1 required, 2 optional, 3 resource. */
  type: number;
}

/** MS-ASCAL 2.2.2.39 Recurrence. Type: 0 daily, 1 weekly, 2 monthly, 3 monthly on the nth day, 5 yearly, 6 yearly on the nth day. */
export interface EasRecurrence {
  type: number;
  interval: number;
  occurrences: number | null;
  until: Date | null;
  /** Bit mask: Sunday 1, Monday 2, … Saturday 64; 127 = day, 62 = weekday, 65 = weekend day. */
  dayOfWeek: number | null;
  dayOfMonth: number | null;
  /** 1–4, 5 = last. */
  weekOfMonth: number | null;
  monthOfYear: number | null;
  /** 0 Sunday … 6 Saturday (WKST). */
  firstDayOfWeek: number | null;
}

/** What an exception may change; undefined = as the series. */
export interface EasEventChanges {
  subject?: string;
  location?: string;
  body?: string;
  startTime?: Date;
  endTime?: Date;
  allDay?: boolean;
  busyStatus?: number;
  sensitivity?: number;
  reminder?: number | null;
  categories?: string[];
  attendees?: EasAttendee[];
}

export interface EasException extends EasEventChanges {
  /** The start time (UTC) of the occurrence this exception replaces or deletes. */
  instance: Date;
  deleted: boolean;
}

export interface EasEvent {
  uid: string;
  subject: string;
  location: string;
  /** Plain text (AirSyncBase:Body Type 1). */
  body: string;
  startTime: Date;
  endTime: Date;
  allDay: boolean;
  /** MS-ASDTYPE 2.7.6 TimeZone blob, base64. */
  timeZone: string;
  /** 0 free, 1 tentative, 2 busy, 3 out of office, 4 working elsewhere. */
  busyStatus: number;
  /** 0 normal, 1 personal, 2 private, 3 confidential. */
  sensitivity: number;
  /** Minutes before the start; null = no reminder. */
  reminder: number | null;
  categories: string[];
  organizer: { email: string; name: string } | null;
  attendees: EasAttendee[];
  dtStamp: Date | null;
  recurrence: EasRecurrence | null;
  /** Sorted by instance. */
  exceptions: EasException[];
}

/** The fields export compares one by one; each is written back from one group of iCalendar properties. */
export const EVENT_FIELDS = [
  'subject',
  'location',
  'body',
  'time',
  'busyStatus',
  'sensitivity',
  'reminder',
  'categories',
  'organizer',
  'attendees',
  'recurrence',
  'exceptions',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];
