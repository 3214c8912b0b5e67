// The Tasks class (MS-ASTASK): the Tasks properties plus AirSyncBase:Body, in the Tasks folders.
// Properties are kept as the client sent them (eas/classes/doc/nodes.ts); an Add or Change that
// breaks a rule of MS-ASTASK 2.2.2 is refused with Status 6 (tasks/task-rules.ts).
//
// Ghosting: MS-ASCMD 2.2.3.179 Supported names "contact and calendar elements" only, and MS-ASTASK
// (3.1.5.3) says nothing of ghosting in any version, so a task element is never ghosted: a Change
// carries the whole task and what it lacks is deleted (a Supported list, if a client sends one
// for a Tasks collection, changes nothing). Private nodes (TASK_UID_TAG) are kept regardless.

import { FolderType } from '../../store/types.js';
import { atLeast, type ProtocolVersion } from '../protocol.js';
import { mergeKeepingPrivate, wireProps } from './contacts/pim-props.js';
import { BODY_TAG } from './doc/body.js';
import { createDocClass, type DocClassSpec } from './doc/doc-class.js';
import { textOfNode, type PropNode } from './doc/nodes.js';
import { recurrenceForClient, RECURRENCE_TAG } from './tasks/recurrence.js';
import { completeTask } from './tasks/task-rules.js';
import { taskWindowAt, taskWindowSince } from './tasks/task-window.js';
import type { ItemClass } from './types.js';

/** The private node an importer keeps an iCalendar VTODO UID in (never sent, see contacts.ts). */
export const TASK_UID_TAG = 'iCalendar:UID';

/** Tasks:Body/BodySize/BodyTruncated are protocol 2.5's; they are kept as AirSyncBase:Body (doc/body-25.ts). */
const NOT_SENT = new Set(['Tasks:Body', 'Tasks:BodySize', 'Tasks:BodyTruncated']);

/** MS-ASTASK OrdinalDate and SubOrdinalDate: 12.0 and later (MS-ASWBXML code page 9). */
const SINCE_12 = new Set(['Tasks:OrdinalDate', 'Tasks:SubOrdinalDate']);

function toClient(props: readonly PropNode[], version: ProtocolVersion): PropNode[] {
  const out: PropNode[] = [];
  for (const node of wireProps(props, ['Tasks', 'AirSyncBase'])) {
    if (NOT_SENT.has(node.tag)) continue;
    if (SINCE_12.has(node.tag) && !atLeast(version, '12.0')) continue;
    if (node.tag.startsWith('AirSyncBase:') && node.tag !== BODY_TAG) continue;
    out.push(node.tag === RECURRENCE_TAG ? recurrenceForClient(node, version) : node);
  }
  return out;
}

export function createTasksSpec(): DocClassSpec {
  return {
    name: 'Tasks',
    folderTypes: [FolderType.Tasks, FolderType.UserTasks],
    minVersion: '2.5',
    // MS-ASTASK 2.2.2.1.2–2.2.2.3 and CompressedRTF: the body at 2.5 (doc/body-25.ts).
    body25: { ns: 'Tasks', bodySize: true },
    windowSince: (filterType) => taskWindowSince(filterType),
    fromClient: (sent) => sent,
    complete: (props) => completeTask(props),
    ghosting: () => 'supported',
    // Nothing is ghosted (see above): only the private nodes outlive a Change.
    merge: (stored, sent) => mergeKeepingPrivate(stored, sent, () => false),
    toClient: (props, ctx) => toClient(props, ctx.version),
    windowAt: (props, ctx) => taskWindowAt(props, ctx.now),
    uid: (props) => textOfNode(props, TASK_UID_TAG) || null,
  };
}

export function createTasksClass(): ItemClass {
  return createDocClass(createTasksSpec());
}
