// The item classes this server serves (docs/classes.md), built by the composition root.

import { createCalendarClass } from './calendar.js';
import { createContactsClass } from './contacts.js';
import { createEmailClass } from './email.js';
import { createNotesClass } from './notes.js';
import { createTasksClass } from './tasks.js';
import { createClassRegistry } from './registry.js';
import type { ClassRegistry, ItemClass } from './types.js';

/**
 * The server's own zone (TZ, else the system's) stands for every account's until accounts have
 * one: all-day events that came without a Timezone are given to older clients in it. Read once
 * per registry: building an Intl.DateTimeFormat costs ~0.1 ms, and conversions ask often.
 */
function serverZoneOnce(): () => string | null {
  let zone: string | null | undefined;
  return () => (zone === undefined ? (zone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? null) : zone);
}

export function createDefaultClasses(): ItemClass[] {
  const serverZone = serverZoneOnce();
  return [
    createEmailClass(),
    createCalendarClass({ preferredZone: serverZone }),
    createContactsClass(),
    createTasksClass(),
    createNotesClass(),
  ];
}

/** The registry of the default classes plus `extra` (a test's own class). */
export function createItemClasses(extra: readonly ItemClass[] = []): ClassRegistry {
  return createClassRegistry([...createDefaultClasses(), ...extra]);
}
