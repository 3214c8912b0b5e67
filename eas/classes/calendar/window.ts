// The FilterType window of calendar items (MS-ASCMD 2.2.3.68.2 FilterType (Sync)): for a
// calendar collection the values are 0 (all), 4 (2 weeks), 5 (1 month), 6 (3 months) and
// 7 (6 months) back from now. An event is in the window while any of its occurrences ends inside
// it, so its window time (ItemBase.receivedAt) is the end of its last occurrence: the series
// expanded with ical.js in the event's own time zone, deleted and moved occurrences taken into
// account; a series without an end is in every window.

import { textOfNode, type PropNode } from '../doc/nodes.js';
import { asDay, localDay, localMidnight } from './all-day.js';
import { isDeleted, keyOf, storedExceptions } from './exceptions.js';
import { endless, expandable, occurrenceStarts, readRecurrence, type Recurrence } from './recurrence.js';
import { DAY_MS, parseEasTime } from './time.js';
import { blobZone, expansionZone, instantOf, storedBlob, wallClock, type EventZone } from './zone.js';

/** The window time of what never leaves any window. */
export const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

/**
 * Days back per calendar FilterType; months rounded up (31/93/186 days) as for mail, so the
 * window never hides what the user expects. 1–3 and 8 are not calendar values (2.2.3.68.2's
 * table): the spec says nothing of what they do there, so they mean no window.
 */
const WINDOW_DAYS: Record<number, number> = { 4: 14, 5: 31, 6: 93, 7: 186 };

export function calendarWindowSince(filterType: number, now: Date): string | null {
  const days = WINDOW_DAYS[filterType];
  return days === undefined ? null : new Date(now.getTime() - days * DAY_MS).toISOString();
}

/** Occurrences expanded before giving up on an exact answer (a daily series of 270 years). */
const MAX_OCCURRENCES = 100_000;

interface Shape {
  allDay: boolean;
  start: Date;
  durationMs: number;
  /** Where a day ends for an all-day event, as an instant. */
  dayEnd: (day: Date) => Date;
}

/** The end of the event's last occurrence (ISO 8601), for ItemBase.receivedAt. */
export function calendarWindowAt(props: readonly PropNode[], preferred: string | null): string {
  const start = parseEasTime(textOfNode(props, 'Calendar:StartTime'));
  const end = parseEasTime(textOfNode(props, 'Calendar:EndTime')) ?? start;
  if (!start || !end) return FAR_FUTURE; // undatable: never hidden
  const allDay = textOfNode(props, 'Calendar:AllDayEvent')?.trim() === '1';
  const shape: Shape = { allDay, start: allDay ? asDay(start) : start, durationMs: Math.max(0, end.getTime() - start.getTime()), dayEnd: dayEndOf(props, preferred) };
  const rec = readRecurrence(props);
  if (!rec) return latest([endOf(shape, shape.start)]);
  if (endless(rec)) return FAR_FUTURE;
  const moved = storedExceptions(props).filter((e) => !isDeleted(e)).map((e) => exceptionEnd(e, shape));
  const last = lastOccurrenceEnd(rec, shape, props, preferred);
  if (last === null) return FAR_FUTURE;
  return latest([...moved, last ?? endOf(shape, shape.start)]);
}

function latest(ends: Date[]): string {
  return new Date(Math.max(...ends.map((d) => d.getTime()))).toISOString();
}

/**
 * An all-day day ends at its next local midnight in the event's zone (its blob's, else the
 * preferred one). Without either, at 12:00Z of the next day: the last midnight on Earth (UTC-12),
 * so that the event stays while it is still its day somewhere.
 */
function dayEndOf(props: readonly PropNode[], preferred: string | null): (day: Date) => Date {
  if (storedBlob(props) || preferred) {
    const zone = blobZone(props, preferred);
    return (day) => localMidnight(day, zone);
  }
  return (day) => new Date(day.getTime() + 12 * 3_600_000);
}

/** The end of an occurrence starting at `start` (an instant, or a day of an all-day event). */
function endOf(shape: Shape, start: Date): Date {
  const end = new Date(start.getTime() + shape.durationMs);
  return shape.allDay ? shape.dayEnd(end) : end;
}

function exceptionEnd(exception: PropNode, shape: Shape): Date {
  const children = exception.children ?? [];
  const own = textOfNode(children, 'Calendar:AllDayEvent');
  const allDay = own !== undefined ? own.trim() === '1' : shape.allDay;
  const end = parseEasTime(textOfNode(children, 'Calendar:EndTime'));
  if (end) return allDay ? shape.dayEnd(asDay(end)) : end;
  const start = parseEasTime(textOfNode(children, 'Calendar:StartTime')) ?? parseEasTime(keyOf(exception)) ?? shape.start;
  return endOf({ ...shape, allDay }, allDay ? asDay(start) : start);
}

/**
 * The end of the last occurrence the series still has (not replaced by an exception); undefined
 * when it has none left; null when it cannot be known (a lunar calendar without Until, or too
 * many occurrences to count), and the item then stays in every window.
 */
function lastOccurrenceEnd(rec: Recurrence, shape: Shape, props: readonly PropNode[], preferred: string | null): Date | null | undefined {
  if (!expandable(rec)) return rec.until ? endOf(shape, shape.allDay ? asDay(rec.until) : rec.until) : null;
  const replaced = new Set(storedExceptions(props).map((e) => parseEasTime(keyOf(e))?.getTime()));
  // Timed: the wall clock of the event's zone, so 10:00 stays 10:00 across DST. All-day: days.
  const zone: EventZone = shape.allDay ? { kind: 'utc' } : expansionZone(props, preferred);
  const untilLimit = rec.until ? (shape.allDay ? localDay(rec.until, blobZone(props, preferred)) : rec.until).getTime() : Infinity;
  let last: Date | undefined;
  let n = 0;
  for (const w of occurrenceStarts(rec, wallClock(zone, shape.start))) {
    if (++n > MAX_OCCURRENCES) return rec.until ? endOf(shape, rec.until) : null;
    const at = instantOf(zone, w);
    if (at.getTime() > untilLimit) break;
    if (!replaced.has(at.getTime())) last = endOf(shape, at);
  }
  return last;
}
