// The item classes a server serves, by folder type and by name (docs/classes.md). Built in the
// composition root and passed in (EasDeps.classes): a test can register a class of its own.

import type { ClassRegistry, ItemClass } from './types.js';
import { createUnclassed } from './unclassed.js';

export function createClassRegistry(classes: readonly ItemClass[]): ClassRegistry {
  const byType = new Map<number, ItemClass>();
  const byName = new Map<string, ItemClass>();
  for (const c of classes) {
    if (byName.has(c.name)) throw new Error(`item class ${c.name} registered twice`);
    byName.set(c.name, c);
    for (const t of c.folderTypes) {
      const other = byType.get(t);
      if (other) throw new Error(`folder type ${t} belongs to ${other.name} and ${c.name}`);
      byType.set(t, c);
    }
  }
  const unclassed = createUnclassed();
  return {
    forFolderType: (type) => byType.get(type) ?? unclassed,
    byName: (name) => byName.get(name) ?? null,
    all: () => classes,
  };
}
