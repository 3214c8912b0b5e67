// The whole event after an Add or a merged Change (DocClassSpec.complete): what only the whole
// item can decide. Missing StartTime/EndTime of an Add get MS-ASCAL 3.2.4.4's values (or its
// Status 6); a Change keeps the stored ones. All-day times are days; an end before the start is
// refused; an emptied Recurrence goes; the event always has a UID; the IANA zone beside the blob
// is derived again.

import { DocConversionError, type DocInContext } from '../doc/doc-class.js';
import { findNode, setNode, textNode, textOfNode, withoutTags, type PropNode } from '../doc/nodes.js';
import { addDays, compact, isUtcMidnight, MINUTE_MS, parseEasTime } from './time.js';
import { dayOfInstant } from './all-day.js';
import { EXCEPTIONS_TAG } from './exceptions.js';
import { INSTANCE_CHANGE_TAG } from './merge.js';
import { RECURRENCE_TAG } from './recurrence.js';
import { newUid } from './uid.js';
import { blobZone, ZONE_TAG, zoneNode } from './zone.js';

const START = 'Calendar:StartTime';
const END = 'Calendar:EndTime';
const HALF_HOUR_MS = 30 * MINUTE_MS;

export function completeCalendar(props: PropNode[], ctx: DocInContext, preferred: string | null): PropNode[] {
  // An Add naming an instance has no series to change: what it names is ignored.
  let out = withoutTags(props, [INSTANCE_CHANGE_TAG, ZONE_TAG]);
  // An empty Recurrence is a client clearing it (at 16.x, where absent means unchanged, that is
  // the only way to): the event no longer recurs, and has no exceptions.
  if (findNode(out, RECURRENCE_TAG) && !findNode(out, RECURRENCE_TAG)!.children?.length) out = withoutTags(out, [RECURRENCE_TAG, EXCEPTIONS_TAG]);
  out = withTimes(out, ctx);
  out = withAllDayTimes(out, preferred);
  const start = parseEasTime(textOfNode(out, START))!;
  const end = parseEasTime(textOfNode(out, END))!;
  if (end.getTime() < start.getTime()) throw new DocConversionError('EndTime before StartTime');
  if (!textOfNode(out, 'Calendar:UID')?.trim()) {
    const uid = textOfNode(ctx.stored ?? [], 'Calendar:UID')?.trim() || ctx.uid?.trim() || newUid(ctx.now);
    out = setNode(out, textNode('Calendar:UID', uid));
  }
  const zone = zoneNode(out, preferred);
  return zone ? [...out, zone] : out;
}

/** StartTime and EndTime present: a Change keeps the stored ones; an Add follows 3.2.4.4. */
function withTimes(props: PropNode[], ctx: DocInContext): PropNode[] {
  let out = props;
  for (const tag of [START, END]) {
    const stored = findNode(ctx.stored ?? [], tag);
    if (!findNode(out, tag) && stored) out = setNode(out, stored);
  }
  const start = parseEasTime(textOfNode(out, START));
  const end = parseEasTime(textOfNode(out, END));
  if (start && end) return out;
  // MS-ASCAL 3.2.4.4: the current time rounded up to the next half hour stands in.
  const now = ctx.now.getTime();
  const rounded = new Date(Math.ceil(now / HALF_HOUR_MS) * HALF_HOUR_MS);
  let s = start;
  let e = end;
  if (!s && !e) {
    s = rounded;
    e = new Date(rounded.getTime() + HALF_HOUR_MS);
  } else if (!s) {
    if (e!.getTime() < now || rounded.getTime() > e!.getTime()) throw new DocConversionError('no StartTime and an EndTime before the next half hour (MS-ASCAL 3.2.4.4)');
    s = rounded;
  } else {
    if (s.getTime() > now) throw new DocConversionError('a future StartTime without an EndTime (MS-ASCAL 3.2.4.4)');
    e = new Date(rounded.getTime() + HALF_HOUR_MS);
  }
  return setNode(setNode(out, textNode(START, compact(s!))), textNode(END, compact(e!)));
}

/**
 * An all-day event's times are days (all-day.ts). They already are when the client sent them
 * with AllDayEvent; an event made all-day by a Change that kept its timed StartTime/EndTime gets
 * the days those fall on. An all-day event lasts at least its day (MS-ASCAL 2.2.2.1).
 */
function withAllDayTimes(props: PropNode[], preferred: string | null): PropNode[] {
  if (textOfNode(props, 'Calendar:AllDayEvent')?.trim() !== '1') return props;
  const zone = blobZone(props, preferred);
  const rawStart = parseEasTime(textOfNode(props, START))!;
  const rawEnd = parseEasTime(textOfNode(props, END))!;
  const start = isUtcMidnight(rawStart) ? rawStart : dayOfInstant(rawStart, 'start', zone);
  let end = isUtcMidnight(rawEnd) ? rawEnd : dayOfInstant(rawEnd, 'end', zone);
  if (end.getTime() === start.getTime()) end = addDays(start, 1);
  return setNode(setNode(props, textNode(START, compact(start))), textNode(END, compact(end)));
}
