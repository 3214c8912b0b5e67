// MS-ASCMD 2.2.1.21 Sync: the client's Commands (Add, Change, Delete, Fetch) applied to the
// store as this device (origin), so the device never hears its own changes back (docs/push.md
// rule 6) and the account's other devices do. Add and Change go to the folder's item class
// (eas/classes/); Delete and Fetch are the same for every class. A Change to an item changed
// on the server meanwhile is decided by MS-ASCMD 2.2.3.34 Conflict (docs/sync.md §10). Each
// command yields an Outcome that is recorded with the new state, so a retried request replays
// it instead of applying it again.

import { StoreError, FolderType, type Account, type Cursor, type Device, type Folder, type Item } from '../../store/types.js';
import type { AddedAttachment, ItemClass } from '../classes/types.js';
import type { EasDeps } from '../deps.js';
import type { ProtocolVersion } from '../protocol.js';
import { parseServerId } from '../model/ids.js';
import type { ClientCommand } from './request.js';
import type { Outcome } from './state.js';
import { SyncStatus } from './status.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';

export interface ApplyContext {
  deps: EasDeps;
  account: Account;
  device: Device;
  folder: Folder;
  /** The folder's item class. */
  itemClass: ItemClass;
  version: ProtocolVersion;
  deletesAsMoves: boolean;
  /** The client's Supported list for the collection (MS-ASCMD 2.2.3.168), or null. */
  supported: readonly string[] | null;
  /** Of the one Add or Change being applied: email2:Send, and where the class lists added attachments. */
  perCommand?: { send: boolean; addedAttachments: AddedAttachment[] };
  /**
   * MS-ASCMD 2.2.3.34 Conflict (docs/sync.md §10): `since` is the cursor of the client's key; a
   * Change to an item changed by others after it is a conflict, which the server wins (Status 7,
   * the client gets the server's version as a Change) unless the Options said 0 (client wins).
   */
  conflict?: { since: Cursor; clientWins: boolean };
}

/** The live item `serverId` names in this folder, or null (Status 8). */
export async function itemInFolder(deps: EasDeps, account: Account, folder: Folder, serverId: string): Promise<Item | null> {
  const ids = parseServerId(serverId);
  if (!ids || ids.folderId !== folder.id) return null;
  const item = await deps.store.getItem(account.id, ids.itemId);
  if (!item || item.folderId !== folder.id || item.deletedModseq !== null) return null;
  return item;
}

export async function applyClientCommands(ctx: ApplyContext, commands: ClientCommand[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const cmd of commands) outcomes.push(await applyOne(ctx, cmd));
  return outcomes;
}

async function applyOne(ctx: ApplyContext, cmd: ClientCommand): Promise<Outcome> {
  try {
    switch (cmd.kind) {
      case 'add': {
        const added: AddedAttachment[] = [];
        const result = await applyAdd({ ...ctx, perCommand: { send: cmd.send === true, addedAttachments: added } }, cmd);
        return { op: 'add', clientId: cmd.clientId, ...result, ...(added.length > 0 && { attachments: added }) };
      }
      case 'change': {
        const added: AddedAttachment[] = [];
        const status = await applyChange({ ...ctx, perCommand: { send: cmd.send === true, addedAttachments: added } }, cmd);
        return { op: 'change', serverId: cmd.serverId, instanceId: cmd.instanceId, status, ...(added.length > 0 && { attachments: added }) };
      }
      case 'delete':
        return {
          op: 'delete',
          serverId: cmd.serverId,
          instanceId: cmd.instanceId,
          status: cmd.instanceId === null ? await applyDelete(ctx, cmd.serverId) : await applyToInstance(ctx, cmd.serverId, cmd.instanceId, null),
        };
      case 'fetch':
        return { op: 'fetch', serverId: cmd.serverId };
    }
  } catch (err) {
    const status = err instanceof StoreError && err.code === 'no-such-item' ? SyncStatus.ObjectNotFound : SyncStatus.ServerError;
    if (status === SyncStatus.ServerError) {
      ctx.deps.log.error('sync: client command failed', { command: cmd.kind, error: String(err) });
    }
    if (cmd.kind === 'add') return { op: 'add', clientId: cmd.clientId, serverId: null, status };
    if (cmd.kind === 'fetch') return { op: 'fetch', serverId: cmd.serverId };
    return { op: cmd.kind, serverId: cmd.serverId, instanceId: cmd.instanceId, status };
  }
}

function classContext(ctx: ApplyContext) {
  const { deps, account, device, folder, version, supported } = ctx;
  return { deps, account, device, folder, version, supported, ...ctx.perCommand };
}

/** An Add of another class than the folder's (12.1 names it) cannot be converted. */
async function applyAdd(ctx: ApplyContext, cmd: Extract<ClientCommand, { kind: 'add' }>): Promise<{ serverId: string | null; status: number }> {
  if (cmd.className !== null && cmd.className !== ctx.itemClass.name) {
    return { serverId: null, status: SyncStatus.ConversionError };
  }
  return ctx.itemClass.add(classContext(ctx), cmd.appData);
}

async function applyChange(ctx: ApplyContext, cmd: Extract<ClientCommand, { kind: 'change' }>): Promise<number> {
  if (cmd.instanceId !== null) return applyToInstance(ctx, cmd.serverId, cmd.instanceId, cmd.appData ?? el('AirSync:ApplicationData', []));
  const item = await itemInFolder(ctx.deps, ctx.account, ctx.folder, cmd.serverId);
  if (!item) return SyncStatus.ObjectNotFound;
  if (await serverWins(ctx, item)) return SyncStatus.Conflict;
  // A Change that only says email2:Send (16.x) still goes to the class, to send the draft.
  if (!cmd.appData && !ctx.perCommand?.send) return SyncStatus.Success;
  return ctx.itemClass.change(classContext(ctx), item, cmd.appData ?? el('AirSync:ApplicationData', []));
}

/** The item changed on the server since the client's key and the server's version is kept. */
async function serverWins(ctx: ApplyContext, item: Item): Promise<boolean> {
  if (!ctx.conflict || ctx.conflict.clientWins) return false;
  return await ctx.deps.store.changedByOthersSince(ctx.account.id, item.id, ctx.conflict.since, ctx.device.id);
}

/** MS-ASAIRS 2.2.2.25: a Change (appData) or Delete (null) of one occurrence, by its class. */
async function applyToInstance(ctx: ApplyContext, serverId: string, instanceId: string, appData: WbxmlElement | null): Promise<number> {
  const item = await itemInFolder(ctx.deps, ctx.account, ctx.folder, serverId);
  if (!item) return SyncStatus.ObjectNotFound;
  if (appData && await serverWins(ctx, item)) return SyncStatus.Conflict;
  if (!ctx.itemClass.changeInstance) return SyncStatus.ConversionError;
  return ctx.itemClass.changeInstance(classContext(ctx), item, instanceId, appData);
}

/**
 * 2.2.3.43 DeletesAsMoves: true (the default) moves to Deleted Items; false, or a delete inside
 * Deleted Items, is final. Only classes that live in Deleted Items (mail) are moved there: a
 * deleted contact or event is gone, as the client's own folder list cannot show it elsewhere.
 */
async function applyDelete(ctx: ApplyContext, serverId: string): Promise<number> {
  const item = await itemInFolder(ctx.deps, ctx.account, ctx.folder, serverId);
  if (!item) return SyncStatus.ObjectNotFound;
  const { store } = ctx.deps;
  const trash =
    ctx.deletesAsMoves && ctx.folder.type !== FolderType.DeletedItems && ctx.itemClass.folderTypes.includes(FolderType.DeletedItems)
      ? await store.folderByType(ctx.account.id, FolderType.DeletedItems)
      : null;
  if (trash && trash.id !== ctx.folder.id) {
    // MS-ASCMD 2.2.3.43: the client is told nothing about the copy in Deleted Items, so it
    // gets the Add when it syncs that folder (unlike MoveItems, which answers DstMsgId).
    const moved = await store.moveItem(ctx.account.id, item.id, trash.id, ctx.device.id, { moverKnows: false });
    return moved ? SyncStatus.Success : SyncStatus.ObjectNotFound;
  }
  if (!await store.deleteItem(ctx.account.id, item.id, ctx.device.id)) return SyncStatus.ObjectNotFound;
  if (ctx.itemClass.deleted) {
    try {
      await ctx.itemClass.deleted(classContext(ctx), item);
    } catch (err) {
      ctx.deps.log.error('sync: after-delete hook failed', { class: ctx.itemClass.name, item: item.id, error: String(err) });
    }
  }
  return SyncStatus.Success;
}
