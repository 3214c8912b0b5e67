// All-day events (MS-ASCAL 2.2.2.1 AllDayEvent): "understood to begin on midnight of the
// specified day and to end on midnight of the next day". The two protocol generations write
// those midnights differently:
//  - below 16.0 they are instants: the local midnights of the event's Timezone;
//  - at 16.0 and 16.1 (2.2.2.1, "the AllDayEvent element affects behavior as follows") they are
//    days: StartTime and EndTime at 00:00:00 with no time zone, which a client must send so,
//    else the item is refused (Sync Status 6, [MS-ASCMD] 2.2.3.177.17).
// This class stores the 16.x form (a day as its 00:00:00Z: one value whatever the reader's zone)
// and computes the other form for older clients from the event's blob.

import { DocConversionError } from '../doc/doc-class.js';
import { atLeast, type ProtocolVersion } from '../../protocol.js';
import { SyncStatus } from '../../sync/status.js';
import { addDays, isUtcMidnight, utcDay } from './time.js';
import { instantOf, wallClock, type EventZone } from './zone.js';

/**
 * A client's all-day StartTime or EndTime → the stored day. At 16.x it must already be one
 * (00:00:00), else the item is refused. Below 16.0 it is the local day the instant falls on in
 * the event's zone; an end that is not a local midnight closes the day it falls in (the event
 * keeps every hour it was given, as Exchange does for all-day items created with other times).
 */
export function dayFromClient(at: Date, edge: 'start' | 'end', version: ProtocolVersion, zone: EventZone): Date {
  if (atLeast(version, '16.0')) {
    if (!isUtcMidnight(at)) {
      throw new DocConversionError(`all-day ${edge} ${at.toISOString()} is not a midnight (MS-ASCAL 2.2.2.1)`, SyncStatus.ConversionError);
    }
    return at;
  }
  return dayOfInstant(at, edge, zone);
}

/** The day an instant starts (floor) or ends (ceiling: a local midnight ends the day before it). */
export function dayOfInstant(at: Date, edge: 'start' | 'end', zone: EventZone): Date {
  const day = localDay(at, zone);
  if (edge === 'start') return day;
  const w = wallClock(zone, at);
  return w.hour === 0 && w.minute === 0 && w.second === 0 ? day : addDays(day, 1);
}

/** A stored day → what this version is sent: the day itself (16.x) or its local midnight. */
export function allDayToClient(day: Date, version: ProtocolVersion, zone: EventZone): Date {
  if (atLeast(version, '16.0')) return day;
  return localMidnight(day, zone);
}

/** The local midnight that begins the stored day, as an instant. */
export function localMidnight(day: Date, zone: EventZone): Date {
  return instantOf(zone, { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: 0, minute: 0, second: 0 });
}

/** The day (00:00:00Z) whose local date `at` falls on. */
export function localDay(at: Date, zone: EventZone): Date {
  const w = wallClock(zone, at);
  return new Date(Date.UTC(w.year, w.month - 1, w.day));
}

/** A stored all-day value read back as a day (a stored value is already one; damaged data is floored). */
export function asDay(d: Date): Date {
  return isUtcMidnight(d) ? d : utcDay(d);
}
