// The item-class contract (docs/classes.md): everything a command needs of a class (Email,
// Calendar, Contacts, Tasks, Notes, or one a test registers) behind one interface. Commands
// pick the class by the folder's type through the registry and never name a class.

import type { Account, Device, DocInput, Folder, Item, Store } from '../../store/types.js';
import type { EasDeps } from '../deps.js';
import type { Logger } from '../log.js';
import type { ProtocolVersion } from '../protocol.js';
import type { ItemOptions } from '../model/options.js';
import type { WbxmlElement } from '../wbxml/tree.js';

/** What rendering one item needs. */
export interface RenderItemContext {
  store: Store;
  account: Account;
  /** The item's folder. */
  folder: Folder;
  version: ProtocolVersion;
  options: ItemOptions;
  log: Logger;
}

/** What applying one client Add or Change needs. */
export interface ApplyItemContext {
  deps: EasDeps;
  account: Account;
  device: Device;
  folder: Folder;
  version: ProtocolVersion;
  /**
   * MS-ASCMD 2.2.3.168 Supported, as the client sent it at SyncKey 0 for this collection: the
   * tags (qualified, "Contacts:Birthday") it promised to send whenever set. Null when it sent none.
   */
  supported: readonly string[] | null;
  /**
   * MS-ASEMAIL 2.2.2.69 Send (16.x): the Add or Change carried email2:Send, so the draft is to be
   * sent rather than saved. Absent: false.
   */
  send?: boolean;
  /**
   * Filled by the class with the attachments the Add or Change added (16.x), which the Sync
   * response names by ClientId and FileReference (MS-ASCMD 2.2.3.154). Absent: not collected.
   */
  addedAttachments?: AddedAttachment[];
}

/**
 * MS-ASAIRS 2.2.2.7 (16.x): an attachment the client added with a Sync Add or Change, named by
 * its AirSyncBase:ClientId, and the FileReference the server gave it (it deletes it by that).
 */
export interface AddedAttachment {
  clientId: string;
  fileReference: string;
}

/** The answer to a client Add: the new item's ServerId on success. */
export interface AddResult {
  status: number;
  serverId: string | null;
}

export interface ItemClass {
  /** The AirSync:Class value ("Email", "Calendar", "Contacts", "Tasks", "Notes"). */
  readonly name: string;
  /** Folder types (store FolderType) whose items are of this class. */
  readonly folderTypes: readonly number[];
  /** Below this version the class does not exist (Notes: 14.0): Sync answers its `unsupportedStatus`. */
  readonly minVersion: ProtocolVersion;
  /** Whether mailbox Search (and ItemOperations by LongId) covers the class. */
  readonly searchable: boolean;

  /**
   * The class's Options from a request's Options blocks (its Class's block, else the one with
   * no Class). Throws OptionsError (eas/model/options.ts) on a value out of range, a FilterType
   * the class has not among them.
   */
  parseOptions(blocks: WbxmlElement[], version: ProtocolVersion): ItemOptions;
  /**
   * The FilterType window as the store's `since`: items whose window time (ItemBase.receivedAt)
   * is before it are outside. Null = everything.
   */
  windowSince(filterType: number, now: Date): string | null;

  /** The whole item: the children of ApplicationData, ItemOperations or Search Properties. */
  render(item: Item, ctx: RenderItemContext): Promise<WbxmlElement[]>;
  /** What a server Change sends of the item (mail: Read, Flag, Categories; the other classes: all). */
  renderChange(item: Item, ctx: RenderItemContext): Promise<WbxmlElement[]>;

  /** A client Sync Add in a folder of this class. */
  add(ctx: ApplyItemContext, appData: WbxmlElement | null): Promise<AddResult>;
  /**
   * A client Sync Change of a live item of this class, applied as the device (origin).
   * Returns the AirSync Status (1 success, 6 conversion error, 8 not found…).
   */
  change(ctx: ApplyItemContext, item: Item, appData: WbxmlElement): Promise<number>;
  /**
   * MS-ASAIRS 2.2.2.25 (16.x): a Change (`appData`) or a Delete (`appData` null) of ONE occurrence
   * of a recurring item, named by its InstanceId. Classes without occurrences leave it out and
   * such a command is refused (Status 6).
   */
  changeInstance?(ctx: ApplyItemContext, item: Item, instanceId: string, appData: WbxmlElement | null): Promise<number>;
  /**
   * After a client's Sync Delete removed a live item of this class for good (not moved to
   * Deleted Items), or its FolderDelete took the item's folder (or a parent) with it, as the
   * device: `item` as it was before, `ctx.folder` its folder (a 16.x organiser's meeting sends
   * its CANCEL). Its outcome never changes the command's Status.
   */
  deleted?(ctx: ApplyItemContext, item: Item): Promise<void>;

  /**
   * Document classes only: ApplicationData (as a client of `version` would send it) → the store's
   * document, for writers that are not a device (import, invitations by mail). `stored`: the
   * document it replaces, merged as a Change at that version. Throws DocConversionError.
   */
  toDoc?(appData: WbxmlElement, ctx: DocWriteContext): DocInput;
}

export interface DocWriteContext {
  version: ProtocolVersion;
  account: Account;
  now: Date;
  /** The stored item this document replaces (its private nodes are kept); null for a new one. */
  stored: Item | null;
  /** The UID the item came with (an import, an invitation): the class keeps it rather than making one. */
  uid?: string;
}

export interface ClassRegistry {
  /** The class of a folder type; folders no class serves get one that syncs empty and refuses items. */
  forFolderType(type: number): ItemClass;
  byName(name: string): ItemClass | null;
  all(): readonly ItemClass[];
}
