// The Tasks FilterType window (MS-ASCMD 2.2.3.68.2): 0 = all tasks, 8 = incomplete tasks only.
// In the store's terms (ItemBase.receivedAt compared with windowSince): an incomplete task sits
// at the far future, a completed one at its completion time, and FilterType 8 starts the window
// just below the far future. Completing a task thus moves it out of an "incomplete" window and
// the device gets a SoftDelete, reopening it brings it back as an Add, with no code of its own.

import { parseEasDateTime } from '../contacts/eas-date.js';
import { FAR_FUTURE } from '../contacts/pim-props.js';
import { textOfNode, type PropNode } from '../doc/nodes.js';

/** MS-ASCMD 2.2.3.68.2 FilterType 8: incomplete tasks. */
export const INCOMPLETE_TASKS = 8;
/** Below FAR_FUTURE, above any real date: the window start that keeps only incomplete tasks. */
export const INCOMPLETE_SINCE = '9999-01-01T00:00:00.000Z';

/** FilterType → window start; other values (1–7 are not task filters) mean all tasks. */
export function taskWindowSince(filterType: number): string | null {
  return filterType === INCOMPLETE_TASKS ? INCOMPLETE_SINCE : null;
}

/** The task's place in the window: far future while incomplete, its completion once complete. */
export function taskWindowAt(props: readonly PropNode[], now: Date): string {
  if (textOfNode(props, 'Tasks:Complete')?.trim() !== '1') return FAR_FUTURE;
  const done = parseEasDateTime(textOfNode(props, 'Tasks:DateCompleted') ?? '');
  // A completion "in" year 9999 would keep the task in the incomplete window: use now instead.
  const at = done === null || done >= Date.parse(INCOMPLETE_SINCE) ? now.getTime() : done;
  return new Date(at).toISOString();
}
