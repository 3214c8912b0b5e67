// The folder an import or export works on: the account's default folder of the class (Calendar
// 8, Contacts 9: MS-ASCMD 2.2.3.186.3), or the folder of that class the admin names.

import type { Folder, Store } from '../../../store/types.js';

export interface PimKind {
  /** "calendar", "contacts": the folders, in messages. */
  noun: string;
  /** "event", "contact": one item, in messages. */
  item: string;
  defaultType: number;
  userType: number;
}

export async function pimFolder(store: Store, accountId: number, address: string, kind: PimKind, name: string | undefined): Promise<Folder> {
  const ofKind = (await store.listFolders(accountId)).filter((f) => f.type === kind.defaultType || f.type === kind.userType);
  if (name === undefined) {
    const folder = await store.folderByType(accountId, kind.defaultType);
    if (!folder) throw new Error(`${address} has no default ${kind.noun} folder`);
    return folder;
  }
  const exact = ofKind.filter((f) => f.name === name);
  const found = exact.length > 0 ? exact : ofKind.filter((f) => f.name.toLowerCase() === name.toLowerCase());
  if (found.length === 1) return found[0]!;
  const names = ofKind.map((f) => f.name).join(', ');
  if (found.length > 1) throw new Error(`${found.length} ${kind.noun} folders of ${address} are named "${name}"`);
  throw new Error(`no ${kind.noun} folder "${name}" for ${address} (its ${kind.noun} folders: ${names || 'none'})`);
}
