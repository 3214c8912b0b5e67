// The iCalendar format of `eas-push calendar import|export`: VEVENTs ↔ Calendar ApplicationData
// at EAS 16.1 (the version whose all-day days and InstanceId the Calendar class stores natively).

import { FolderType } from '../../../store/types.js';
import { readCalendarFile } from './calendar-read.js';
import { writeCalendarFile } from './calendar-write.js';
import { ICAL_NODE } from './original.js';
import type { PimFormat } from './pim-transfer.js';

export interface CalendarFormatOptions {
  /** IANA zone for floating times and all-day events (default: X-WR-TIMEZONE, else UTC). */
  timeZone?: string | null;
}

export function calendarFormat(options: CalendarFormatOptions = {}): PimFormat {
  return {
    kind: { item: 'event', noun: 'calendar', defaultType: FolderType.Calendar, userType: FolderType.UserCalendar },
    version: '16.1',
    privateTag: ICAL_NODE,
    read: (text, ctx) => readCalendarFile(text, { version: '16.1', self: ctx.self, timeZone: options.timeZone ?? null }),
    write: (docs, ctx) => writeCalendarFile(docs, { now: ctx.now, name: ctx.folder.name }),
  };
}
