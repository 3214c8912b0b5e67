// A client's Change merged into the stored event (DocClassSpec.merge).
//  - Below 16.0 a sent property replaces the stored one and an absent one follows the ghosting
//    rule the factory passes in (MS-ASCMD 2.2.3.168 Supported); Exceptions, when sent, is the
//    whole new list.
//  - At 16.x an absent property is unchanged, and exceptions change one at a time: a Change
//    naming an airsyncbase:InstanceId changes (or, with Deleted, removes) that occurrence only
//    (MS-ASCAL 2.2.2.22). Changing the series' recurrence or its start/end times deletes its
//    exceptions (2.2.2.22, 2.2.2.42).
// Whatever the version, a Change never takes away the event's identity (UID, ClientUid), its
// Timezone (without it its times could not be read, so an absent one means unchanged) nor the
// server's private nodes (doc/nodes.ts: what an import carried, the derived zone).

import { DocConversionError, type DocInContext } from '../doc/doc-class.js';
import { findNode, isPrivate, PRIVATE_NS, setNode, withoutTags, type PropNode } from '../doc/nodes.js';
import { atLeast } from '../../protocol.js';
import { EXCEPTIONS_TAG, exceptionsNode, storedExceptions, upsertException } from './exceptions.js';
import { RECURRENCE_TAG } from './recurrence.js';
import { TIMEZONE_TAG } from './zone.js';

/** What fromClient makes of a 16.x Change naming one occurrence: the stored-form exception inside. */
export const INSTANCE_CHANGE_TAG = `${PRIVATE_NS}instance-change`;

const ALWAYS_KEPT: ReadonlySet<string> = new Set([TIMEZONE_TAG, 'Calendar:UID', 'Calendar:ClientUid']);
const SERIES_SHAPE = [RECURRENCE_TAG, 'Calendar:StartTime', 'Calendar:EndTime'];

export function mergeCalendar(
  stored: readonly PropNode[],
  sent: readonly PropNode[],
  absentKept: (tag: string) => boolean,
  ctx: DocInContext,
): PropNode[] {
  const instance = findNode(sent, INSTANCE_CHANGE_TAG)?.children?.[0];
  if (instance) {
    if (!findNode(stored, RECURRENCE_TAG)) throw new DocConversionError('InstanceId names an occurrence of an event that does not recur');
    return setNode(stored, exceptionsNode(upsertException(storedExceptions(stored), instance)));
  }
  let merged = orderedMerge(stored, sent, (node) => isPrivate(node) || ALWAYS_KEPT.has(node.tag) || absentKept(node.tag));
  if (atLeast(ctx.version, '16.0')) {
    const sentExceptions = findNode(sent, EXCEPTIONS_TAG);
    if (sentExceptions) {
      // Not how a 16.x client should change exceptions (2.2.2.22), but unambiguous: each one
      // sent is that occurrence's change.
      let exceptions = storedExceptions(stored);
      for (const e of sentExceptions.children ?? []) exceptions = upsertException(exceptions, e);
      merged = setNode(merged, exceptionsNode(exceptions));
    } else if (findNode(stored, RECURRENCE_TAG) && SERIES_SHAPE.some((tag) => !sameNode(findNode(stored, tag), findNode(merged, tag)))) {
      merged = withoutTags(merged, [EXCEPTIONS_TAG]);
    }
  }
  return merged;
}

/** Stored order kept: a sent property takes its stored one's place; new ones follow. */
function orderedMerge(stored: readonly PropNode[], sent: readonly PropNode[], keep: (node: PropNode) => boolean): PropNode[] {
  const sentByTag = new Map(sent.map((n) => [n.tag, n]));
  const out: PropNode[] = [];
  const placed = new Set<string>();
  for (const node of stored) {
    const replacement = sentByTag.get(node.tag);
    if (replacement) {
      if (!placed.has(node.tag)) out.push(replacement);
      placed.add(node.tag);
    } else if (keep(node)) {
      out.push(node);
    }
  }
  return [...out, ...sent.filter((n) => !placed.has(n.tag))];
}

function sameNode(a: PropNode | undefined, b: PropNode | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
