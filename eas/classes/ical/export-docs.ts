// The documents of a folder as export reads them: each rendered by the folder's item class as a
// device of `version` would receive it (plain-text body, whole), with the original the importer
// kept in the private node `privateTag`, oldest item first.

import type { Account, Folder, Store } from '../../../store/types.js';
import type { Logger } from '../../log.js';
import { defaultItemOptions, type ItemOptions } from '../../model/options.js';
import type { ProtocolVersion } from '../../protocol.js';
import type { WbxmlElement } from '../../wbxml/tree.js';
import { docProps, textOfNode } from '../doc/nodes.js';
import type { ItemClass } from '../types.js';

export interface ExportSource {
  store: Store;
  account: Account;
  folder: Folder;
  itemClass: ItemClass;
  version: ProtocolVersion;
  log: Logger;
}

export interface StoredDoc {
  position: string;
  uid: string | null;
  appData: readonly WbxmlElement[];
  original: string | null;
}

const WHOLE_PLAIN_TEXT: ItemOptions = {
  ...defaultItemOptions(),
  bodyPreferences: [{ type: 1, truncationSize: null, allOrNone: false, preview: null }],
};

export async function storedDocs(source: ExportSource, privateTag: string): Promise<StoredDoc[]> {
  const { store, account, folder, itemClass, version, log } = source;
  const items = (await store.listItems(account.id, folder.id)).filter((i) => i.kind === 'doc');
  items.sort((a, b) => a.id - b.id);
  return await Promise.all(items.map(async (item) => ({
    position: `item ${item.id}`,
    uid: item.kind === 'doc' ? item.uid : null,
    appData: await itemClass.render(item, { store, account, folder, version, options: WHOLE_PLAIN_TEXT, log }),
    original: item.kind === 'doc' ? (textOfNode(docProps(item.data), privateTag) ?? null) : null,
  })));
}
