// Tasks:Recurrence (MS-ASTASK 2.2.2 Recurrence and its children, MS-ASWBXML code page 9 names):
// checked when a client sends one, and sent back in the order the spec lists the children, with
// the children the client's protocol version lacks left out.
//
// Regenerate and DeadOccur are kept as sent: generating the next occurrence of a recurring task
// (and setting DeadOccur on the last) is the client's job (MS-OXOTASK 2.2.2.2.8
// PidLidTaskDeadOccurrence: "The client sets this property ... when it generates the last
// recurring task"), so the server stores the pattern and never completes or spawns tasks itself.

import { atLeast, type ProtocolVersion } from '../../protocol.js';
import { parseEasDateTime } from '../contacts/eas-date.js';
import { DocConversionError } from '../doc/doc-class.js';
import { textOfNode, type PropNode } from '../doc/nodes.js';

export const RECURRENCE_TAG = 'Tasks:Recurrence';

/** The children in the order MS-ASTASK lists them (Type first), with the first version that has each. */
const CHILDREN: readonly (readonly [tag: string, since: ProtocolVersion])[] = [
  // The pattern itself exists from 2.5 on (MS-ASTASK Recurrence and its children).
  ['Tasks:Type', '2.5'],
  ['Tasks:Start', '2.5'],
  ['Tasks:Until', '2.5'],
  ['Tasks:Occurrences', '2.5'],
  ['Tasks:Interval', '2.5'],
  ['Tasks:DayOfWeek', '2.5'],
  ['Tasks:DayOfMonth', '2.5'],
  ['Tasks:WeekOfMonth', '2.5'],
  ['Tasks:MonthOfYear', '2.5'],
  ['Tasks:Regenerate', '2.5'],
  ['Tasks:DeadOccur', '2.5'],
  // MS-ASWBXML code page 9: CalendarType and IsLeapMonth from 14.0, FirstDayOfWeek from 14.1.
  ['Tasks:CalendarType', '14.0'],
  ['Tasks:IsLeapMonth', '14.0'],
  ['Tasks:FirstDayOfWeek', '14.1'],
];

/** MS-ASTASK Type: 0 daily, 1 weekly, 2 monthly, 3 monthly on the nth day, 5 yearly, 6 yearly on the nth day. */
const TYPES = new Set(['0', '1', '2', '3', '5', '6']);

function refuse(message: string): never {
  throw new DocConversionError(`Tasks:Recurrence: ${message}`);
}

function intChild(children: readonly PropNode[] | undefined, tag: string): number | undefined {
  const text = textOfNode(children, tag);
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^\d{1,9}$/.test(t)) refuse(`${tag} "${text}" is not a number`);
  return Number(t);
}

/** Throws DocConversionError (Status 6) for a recurrence the spec does not allow. */
export function checkRecurrence(node: PropNode): void {
  const children = node.children ?? [];
  const type = textOfNode(children, 'Tasks:Type')?.trim();
  // Type is the one child every recurrence needs; its values are the spec's list.
  if (type === undefined) refuse('no Type');
  if (!TYPES.has(type)) refuse(`Type ${type} is not a task recurrence type`);
  for (const tag of ['Tasks:Regenerate', 'Tasks:DeadOccur', 'Tasks:IsLeapMonth']) {
    const v = intChild(children, tag);
    if (v !== undefined && v > 1) refuse(`${tag} ${v} is not 0 or 1`);
  }
  for (const tag of ['Tasks:Interval', 'Tasks:Occurrences']) {
    const v = intChild(children, tag);
    if (v !== undefined && v < 1) refuse(`${tag} ${v} is below 1`);
  }
  for (const tag of ['Tasks:Start', 'Tasks:Until']) {
    const text = textOfNode(children, tag);
    if (text !== undefined && text.trim() !== '' && parseEasDateTime(text) === null) refuse(`${tag} "${text}" is not a date`);
  }
}

/** The recurrence as `version` is sent it: spec order, children of later versions left out. */
export function recurrenceForClient(node: PropNode, version: ProtocolVersion): PropNode {
  const children = node.children ?? [];
  const ordered: PropNode[] = [];
  for (const [tag, since] of CHILDREN) {
    if (!atLeast(version, since)) continue;
    ordered.push(...children.filter((c) => c.tag === tag));
  }
  return { tag: node.tag, children: ordered };
}
