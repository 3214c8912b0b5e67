// Import a file into, or export a folder out of, an account's calendar or contacts, whatever the
// format: the format (calendar-format.ts, vcard/contacts-format.ts) reads and writes the text,
// the folder's item class (the server's own registry) converts, the store keeps.

import type { Account, Folder, Store } from '../../../store/types.js';
import type { Logger } from '../../log.js';
import type { ProtocolVersion } from '../../protocol.js';
import type { ClassRegistry, ItemClass } from '../types.js';
import type { EntryProblem, ReadResult } from './entries.js';
import { storedDocs, type StoredDoc } from './export-docs.js';
import { importEntries, type ImportOutcome } from './import-docs.js';
import { pimFolder, type PimKind } from './pim-folder.js';

export interface PimFormat {
  kind: PimKind;
  /** The version of the ApplicationData the format reads and writes. */
  version: ProtocolVersion;
  /** The private node the format keeps each imported original in. */
  privateTag: string;
  /** Throws FileError when the text is not a file of the format at all. */
  read(text: string, ctx: { self: string }): ReadResult;
  write(docs: readonly StoredDoc[], ctx: { now: Date; folder: Folder }): { text: string; count: number; problems: EntryProblem[] };
}

export interface PimAccount {
  store: Store;
  account: Account;
  classes: ClassRegistry;
  now: Date;
}

function classOf(classes: ClassRegistry, folder: Folder, format: PimFormat): ItemClass {
  const itemClass = classes.forFolderType(folder.type);
  if (!itemClass?.toDoc) throw new Error(`folder "${folder.name}": this server has no ${format.kind.noun} item class to store ${format.kind.noun} items with`);
  return itemClass;
}

export interface Imported {
  folder: Folder;
  read: ReadResult;
  outcome: ImportOutcome;
}

export async function importText(at: PimAccount, format: PimFormat, text: string, folderName: string | undefined): Promise<Imported> {
  const folder = await pimFolder(at.store, at.account.id, at.account.address, format.kind, folderName);
  const read = format.read(text, { self: at.account.address });
  const itemClass = classOf(at.classes, folder, format);
  const outcome = await importEntries({ store: at.store, account: at.account, folder, itemClass, version: format.version, now: at.now }, read.entries);
  return { folder, read, outcome };
}

export interface Exported {
  folder: Folder;
  text: string;
  count: number;
  problems: EntryProblem[];
}

export async function exportText(at: PimAccount & { log: Logger }, format: PimFormat, folderName: string | undefined): Promise<Exported> {
  const folder = await pimFolder(at.store, at.account.id, at.account.address, format.kind, folderName);
  const itemClass = classOf(at.classes, folder, format);
  const docs = await storedDocs({ store: at.store, account: at.account, folder, itemClass, version: format.version, log: at.log }, format.privateTag);
  return { folder, ...format.write(docs, { now: at.now, folder }) };
}
