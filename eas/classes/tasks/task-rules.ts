// The whole-task rules of MS-ASTASK 2.2.2, applied to the final properties of an Add or Change.
// Input the spec forbids is refused with Sync Status 6 (MS-ASCMD 2.2.3.177.17: the item could
// not be converted), the status MS-ASEMAIL 2.2.2.31/2.2.2.87 name for the same Tasks elements.

import { parseEasDateTime } from '../contacts/eas-date.js';
import { withoutEmpty } from '../contacts/pim-props.js';
import { DocConversionError } from '../doc/doc-class.js';
import { findNode, setNode, textNode, textOfNode, withoutTags, type PropNode } from '../doc/nodes.js';
import { checkRecurrence, RECURRENCE_TAG } from './recurrence.js';

const DATE_TAGS = ['Tasks:StartDate', 'Tasks:UtcStartDate', 'Tasks:DueDate', 'Tasks:UtcDueDate', 'Tasks:DateCompleted', 'Tasks:ReminderTime'];
/** MS-ASTASK Importance 0–2, Sensitivity 0–3, Complete and ReminderSet 0/1. */
const RANGES: Readonly<Record<string, readonly string[]>> = {
  'Tasks:Importance': ['0', '1', '2'],
  'Tasks:Sensitivity': ['0', '1', '2', '3'],
  'Tasks:Complete': ['0', '1'],
  'Tasks:ReminderSet': ['0', '1'],
};

function refuse(message: string): never {
  throw new DocConversionError(`task: ${message}`);
}

function dateOf(props: readonly PropNode[], tag: string): number | undefined {
  const text = textOfNode(props, tag);
  if (text === undefined) return undefined;
  const t = parseEasDateTime(text);
  if (t === null) refuse(`${tag} "${text}" is not a dateTime`);
  return t;
}

function checkValues(props: readonly PropNode[]): void {
  for (const [tag, allowed] of Object.entries(RANGES)) {
    const v = textOfNode(props, tag)?.trim();
    if (v !== undefined && !allowed.includes(v)) refuse(`${tag} ${v} is not one of ${allowed.join(', ')}`);
  }
  for (const tag of DATE_TAGS) dateOf(props, tag);
}

/**
 * StartDate/UtcStartDate and DueDate/UtcDueDate are pairs (the local value and its UTC value):
 * each is sent with its partner, and the start is not after the due date.
 */
function checkDates(props: readonly PropNode[]): void {
  for (const [local, utc] of [['Tasks:StartDate', 'Tasks:UtcStartDate'], ['Tasks:DueDate', 'Tasks:UtcDueDate']] as const) {
    if ((findNode(props, local) === undefined) !== (findNode(props, utc) === undefined)) {
      refuse(`${local} and ${utc} go together`);
    }
  }
  const start = dateOf(props, 'Tasks:UtcStartDate');
  const due = dateOf(props, 'Tasks:UtcDueDate');
  if (start !== undefined && due !== undefined && start > due) refuse('UtcStartDate is after UtcDueDate');
}

/**
 * Complete (MS-ASTASK 2.2.2.7) is required and 0 or 1; a completed task carries DateCompleted
 * (MS-ASTASK DateCompleted: required when Complete is 1). A client that leaves Complete out
 * gets it derived from DateCompleted; an incomplete task keeps no completion date.
 */
function settleCompletion(props: PropNode[]): PropNode[] {
  const complete = textOfNode(props, 'Tasks:Complete')?.trim();
  const hasDate = findNode(props, 'Tasks:DateCompleted') !== undefined;
  if (complete === undefined) return setNode(props, textNode('Tasks:Complete', hasDate ? 1 : 0));
  if (complete === '1' && !hasDate) refuse('Complete is 1 without DateCompleted');
  if (complete === '0' && hasDate) return withoutTags(props, ['Tasks:DateCompleted']);
  return props;
}

/** The final properties of a task, or DocConversionError for what the spec does not allow. */
export function completeTask(merged: readonly PropNode[]): PropNode[] {
  const props = withoutEmpty(merged);
  checkValues(props);
  checkDates(props);
  const recurrence = findNode(props, RECURRENCE_TAG);
  if (recurrence) checkRecurrence(recurrence);
  return settleCompletion(props);
}
