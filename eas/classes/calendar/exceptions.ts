// MS-ASCAL 2.2.2.22 Exceptions / 2.2.2.21 Exception: the occurrences of a series that differ from
// it (Deleted, or changed properties). Stored keyed by the occurrence's original start in the
// class's neutral form (ExceptionStartTime: the instant, or the day of an all-day series); a
// client names it by ExceptionStartTime below 16.0 (2.2.2.23) and by airsyncbase:InstanceId at
// 16.x ([MS-ASAIRS] 2.2.2.25). At most 256 per item (2.2.2.21).

import { DocConversionError } from '../doc/doc-class.js';
import { findNode, textOfNode, type PropNode } from '../doc/nodes.js';
import { compact, parseEasTime } from './time.js';

export const EXCEPTIONS_TAG = 'Calendar:Exceptions';
export const EXCEPTION_TAG = 'Calendar:Exception';
export const KEY_TAG = 'Calendar:ExceptionStartTime';
export const INSTANCE_TAG = 'AirSyncBase:InstanceId';
export const DELETED_TAG = 'Calendar:Deleted';
export const MAX_EXCEPTIONS = 256;

/**
 * Child order as 2.2.2.21 lists them (ExceptionStartTime and InstanceId take the key's place);
 * children it does not list follow in the order they came.
 */
export const EXCEPTION_ORDER = [
  'Calendar:Deleted', KEY_TAG, INSTANCE_TAG, 'Calendar:Subject', 'Calendar:StartTime', 'Calendar:EndTime',
  'AirSyncBase:Body', 'Calendar:Body', 'AirSyncBase:Location', 'Calendar:Location', 'AirSyncBase:Attachments',
  'Calendar:Categories', 'Calendar:Sensitivity', 'Calendar:BusyStatus', 'Calendar:AllDayEvent', 'Calendar:Reminder',
  'Calendar:DtStamp', 'Calendar:MeetingStatus', 'Calendar:Attendees', 'Calendar:AppointmentReplyTime',
  'Calendar:ResponseType', 'Calendar:OnlineMeetingConfLink', 'Calendar:OnlineMeetingExternalLink',
];

export function inExceptionOrder(children: PropNode[]): PropNode[] {
  const rank = (tag: string) => {
    const i = EXCEPTION_ORDER.indexOf(tag);
    return i < 0 ? EXCEPTION_ORDER.length : i;
  };
  return [...children].sort((a, b) => rank(a.tag) - rank(b.tag));
}

/** The key an exception names its occurrence by, as sent (either form), parsed. */
export function sentKey(children: readonly PropNode[]): Date {
  const text = textOfNode(children, KEY_TAG) ?? textOfNode(children, INSTANCE_TAG);
  const at = parseEasTime(text);
  if (!at) throw new DocConversionError(`Exception without a valid ExceptionStartTime/InstanceId ("${text ?? ''}") (MS-ASCAL 2.2.2.21)`);
  return at;
}

/** The stored key of a stored exception. */
export function keyOf(exception: PropNode): string | undefined {
  return textOfNode(exception.children, KEY_TAG);
}

export function isDeleted(exception: PropNode): boolean {
  return textOfNode(exception.children, DELETED_TAG)?.trim() === '1';
}

export function storedExceptions(props: readonly PropNode[]): PropNode[] {
  return (findNode(props, EXCEPTIONS_TAG)?.children ?? []).filter((e) => e.tag === EXCEPTION_TAG);
}

export function checkCount(count: number): void {
  if (count > MAX_EXCEPTIONS) {
    throw new DocConversionError(`${count} exceptions, at most ${MAX_EXCEPTIONS} (MS-ASCAL 2.2.2.21)`);
  }
}

/** An exception in stored form: its key, then its properties. */
export function storedException(key: Date, children: readonly PropNode[]): PropNode {
  const rest = children.filter((c) => c.tag !== KEY_TAG && c.tag !== INSTANCE_TAG);
  return { tag: EXCEPTION_TAG, children: [{ tag: KEY_TAG, text: compact(key) }, ...rest] };
}

/**
 * One occurrence changed at 16.x (MS-ASCAL 2.2.2.22: by InstanceId, not by Exceptions): a
 * Deleted one replaces whatever was known of it; otherwise what is sent replaces the same
 * properties of the exception (or starts one), and what is not sent is unchanged.
 */
export function upsertException(exceptions: readonly PropNode[], change: PropNode): PropNode[] {
  const key = keyOf(change);
  const at = exceptions.findIndex((e) => keyOf(e) === key);
  let next = change;
  if (at >= 0 && !isDeleted(change)) {
    const [keyNode, ...sent] = change.children ?? [];
    const sentTags = new Set(sent.map((c) => c.tag));
    const kept = (exceptions[at]!.children ?? []).filter((c) => c.tag !== KEY_TAG && c.tag !== DELETED_TAG && !sentTags.has(c.tag));
    next = { tag: EXCEPTION_TAG, children: [keyNode!, ...kept, ...sent] };
  }
  const out = at >= 0 ? exceptions.map((e, i) => (i === at ? next : e)) : [...exceptions, next];
  checkCount(out.length);
  return out.sort((a, b) => (keyOf(a) ?? '').localeCompare(keyOf(b) ?? ''));
}

export function exceptionsNode(exceptions: PropNode[]): PropNode {
  return { tag: EXCEPTIONS_TAG, children: exceptions };
}
