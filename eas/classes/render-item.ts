// One stored item rendered through its folder's class, for commands that meet items outside a
// Sync collection (ItemOperations Fetch, Search results).

import type { Account, Item } from '../../store/types.js';
import type { EasDeps } from '../deps.js';
import type { ItemOptions } from '../model/options.js';
import type { ProtocolVersion } from '../protocol.js';
import type { WbxmlElement } from '../wbxml/tree.js';
import type { ItemClass } from './types.js';

export interface RenderedItem {
  itemClass: ItemClass;
  properties: WbxmlElement[];
}

/** Null when the item's folder is gone. */
export async function renderStoredItem(
  deps: EasDeps,
  account: Account,
  version: ProtocolVersion,
  item: Item,
  options: ItemOptions,
): Promise<RenderedItem | null> {
  const folder = await deps.store.getFolder(account.id, item.folderId);
  if (!folder) return null;
  const itemClass = deps.classes.forFolderType(folder.type);
  const properties = await itemClass.render(item, { store: deps.store, account, folder, version, options, log: deps.log });
  return { itemClass, properties };
}
