// The item classes this server serves (docs/classes.md), built by the composition root.

import { createEmailClass } from './email.js';
import { createClassRegistry } from './registry.js';
import type { ClassRegistry, ItemClass } from './types.js';

export function createDefaultClasses(): ItemClass[] {
  return [createEmailClass()];
}

/** The registry of the default classes plus `extra` (a test's own class). */
export function createItemClasses(extra: readonly ItemClass[] = []): ClassRegistry {
  return createClassRegistry([...createDefaultClasses(), ...extra]);
}
