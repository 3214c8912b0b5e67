// Import entries (calendar-read.ts, vcard/contacts-read.ts) → the store, through the folder's
// item class: each ApplicationData becomes a document with the class's own toDoc (as a client's
// Add would), the importer's private nodes are added, and all good documents are written in ONE
// upsertDocs call (one transaction: all or none), updating by UID, as origin null so that every
// device is sent the adds (a parked Ping on the folder is answered at once).

import type { Account, DocInput, Folder, Store } from '../../../store/types.js';
import type { ProtocolVersion } from '../../protocol.js';
import { DocConversionError } from '../doc/doc-class.js';
import { docProps, setNode, type DocData } from '../doc/nodes.js';
import type { ItemClass } from '../types.js';
import type { EntryProblem, ImportEntry } from './entries.js';

export interface ImportTarget {
  store: Store;
  account: Account;
  folder: Folder;
  itemClass: ItemClass;
  /** The version the entries' ApplicationData is written for. */
  version: ProtocolVersion;
  now: Date;
}

export interface ImportOutcome {
  added: number;
  updated: number;
  unchanged: number;
  /** Entries the class refused (DocConversionError): not written. */
  refused: EntryProblem[];
}

function withImportNodes(doc: DocInput, entry: ImportEntry): DocInput {
  const own = new Set(entry.privateNodes.map((n) => n.tag));
  let props = [...docProps(doc.data).filter((n) => !own.has(n.tag)), ...entry.privateNodes];
  for (const node of entry.setNodes) props = setNode(props, node);
  const data: DocData = { v: 1, props };
  return { ...doc, data, uid: entry.uid };
}

export async function importEntries(target: ImportTarget, entries: readonly ImportEntry[]): Promise<ImportOutcome> {
  const { store, account, folder, itemClass } = target;
  if (!itemClass.toDoc) throw new Error(`the ${itemClass.name} class cannot take documents from an import`);
  const docs: DocInput[] = [];
  const refused: EntryProblem[] = [];
  for (const entry of entries) {
    const stored = await store.findDocByUid(account.id, folder.id, entry.uid);
    try {
      const doc = itemClass.toDoc(entry.appData, { version: target.version, account, now: target.now, stored, uid: entry.uid });
      docs.push(withImportNodes(doc, entry));
    } catch (err) {
      if (!(err instanceof DocConversionError)) throw err;
      refused.push({ position: entry.position, reason: err.message });
    }
  }
  const counts = docs.length > 0 ? await store.upsertDocs(account.id, folder.id, docs, null) : { added: 0, updated: 0, unchanged: 0 };
  return { ...counts, refused };
}
