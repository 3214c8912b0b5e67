// MS-ASCMD 2.2.1.21 Sync: the client's Commands (Add, Change, Delete, Fetch) applied to the
// store as this device (origin), so the device never hears its own changes back (PUSH.md
// rule 6) and the account's other devices do. Each command yields an Outcome that is
// recorded with the new state, so a retried request replays it instead of applying it again.

import { StoreError, FolderType, type Account, type Device, type Folder, type Item } from '../../store/types.js';
import type { EasDeps, ProtocolVersion } from '../commands/types.js';
import { parseServerId } from '../model/ids.js';
import { parseEmailChange } from '../model/email.js';
import type { ClientCommand } from './request.js';
import type { Outcome } from './state.js';
import { SyncStatus } from './status.js';
import { bccHeaderOf, draftMime, DraftError, type DraftBase } from './draft.js';

export interface ApplyContext {
  deps: EasDeps;
  account: Account;
  device: Device;
  folder: Folder;
  version: ProtocolVersion;
  deletesAsMoves: boolean;
}

/** Email2/AirSyncBase properties that only a draft's content change carries. */
const DRAFT_CONTENT = ['To', 'Cc', 'Bcc', 'Subject', 'Body', 'Attachments', 'Importance'];

/** The live item `serverId` names in this folder, or null (Status 8). */
export function itemInFolder(deps: EasDeps, account: Account, folder: Folder, serverId: string): Item | null {
  const ids = parseServerId(serverId);
  if (!ids || ids.folderId !== folder.id) return null;
  const item = deps.store.getItem(account.id, ids.itemId);
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
      case 'add':
        return { op: 'add', clientId: cmd.clientId, ...(await addDraft(ctx, cmd)) };
      case 'change':
        return { op: 'change', serverId: cmd.serverId, status: await change(ctx, cmd) };
      case 'delete':
        return { op: 'delete', serverId: cmd.serverId, status: remove(ctx, cmd.serverId) };
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
    return { op: cmd.kind, serverId: cmd.serverId, status };
  }
}

/** MS-ASEMAIL 16.0: only drafts can be created through Sync; anything else cannot be converted. */
async function addDraft(
  ctx: ApplyContext,
  cmd: Extract<ClientCommand, { kind: 'add' }>,
): Promise<{ serverId: string | null; status: number }> {
  const isEmail = cmd.className === null || cmd.className === 'Email';
  if (ctx.folder.type !== FolderType.Drafts || !isEmail || Number(ctx.version) < 16 || !cmd.appData) {
    return { serverId: null, status: SyncStatus.ConversionError };
  }
  let raw: Buffer;
  try {
    raw = await draftMime(cmd.appData, ctx.account, new Date());
  } catch (err) {
    if (err instanceof DraftError) return { serverId: null, status: SyncStatus.ConversionError };
    throw err;
  }
  const parsed = await ctx.deps.parse(raw);
  const item = ctx.deps.store.addItem(ctx.account.id, ctx.folder.id, raw, parsed, ctx.device.id, true);
  return { serverId: item.serverId, status: SyncStatus.Success };
}

async function change(ctx: ApplyContext, cmd: Extract<ClientCommand, { kind: 'change' }>): Promise<number> {
  const item = itemInFolder(ctx.deps, ctx.account, ctx.folder, cmd.serverId);
  if (!item) return SyncStatus.ObjectNotFound;
  if (!cmd.appData) return SyncStatus.Success;
  let fields: ReturnType<typeof parseEmailChange>;
  try {
    fields = parseEmailChange(cmd.appData);
  } catch {
    return SyncStatus.ConversionError;
  }
  // MS-ASEMAIL 16.0: a draft's content is edited with Sync Change in Drafts. Elsewhere only
  // Read/Flag/Categories can change, and content elements are ignored as before.
  if (ctx.folder.type === FolderType.Drafts && cmd.appData.children.some((c) => DRAFT_CONTENT.includes(c.name))) {
    if (Number(ctx.version) < 16) return SyncStatus.ConversionError;
    const status = await editDraft(ctx, item, cmd.appData);
    if (status !== SyncStatus.Success) return status;
  }
  if (fields.read === undefined && fields.flag === undefined && fields.categories === undefined) {
    return SyncStatus.Success;
  }
  const updated = ctx.deps.store.updateItem(ctx.account.id, item.id, fields, ctx.device.id);
  return updated ? SyncStatus.Success : SyncStatus.ObjectNotFound;
}

/**
 * A draft edit: the message is rebuilt from the stored draft and the Change, and replaces the
 * item's message in place (same ServerId), so the account's other devices get a Change.
 */
async function editDraft(ctx: ApplyContext, item: Item, appData: NonNullable<Extract<ClientCommand, { kind: 'change' }>['appData']>): Promise<number> {
  const { store } = ctx.deps;
  const stored = store.getBody(ctx.account.id, item.id);
  if (!stored) return SyncStatus.ObjectNotFound;
  const base: DraftBase = {
    summary: item.summary,
    text: stored.text,
    html: stored.html,
    bcc: bccHeaderOf(stored.raw),
    attachments: item.attachments.flatMap((a) => {
      const full = store.getAttachment(ctx.account.id, a.fileReference);
      return full ? [{ ...a, content: full.content }] : [];
    }),
  };
  let raw: Buffer;
  try {
    raw = await draftMime(appData, ctx.account, new Date(), base);
  } catch (err) {
    if (err instanceof DraftError) return SyncStatus.ConversionError;
    throw err;
  }
  const parsed = await ctx.deps.parse(raw);
  return store.replaceMessage(ctx.account.id, item.id, raw, parsed, ctx.device.id) ? SyncStatus.Success : SyncStatus.ObjectNotFound;
}

/** 2.2.3.43 DeletesAsMoves: true (the default) moves to Deleted Items; false, or a delete inside Deleted Items, is final. */
function remove(ctx: ApplyContext, serverId: string): number {
  const item = itemInFolder(ctx.deps, ctx.account, ctx.folder, serverId);
  if (!item) return SyncStatus.ObjectNotFound;
  const { store } = ctx.deps;
  const trash = ctx.deletesAsMoves && ctx.folder.type !== FolderType.DeletedItems
    ? store.folderByType(ctx.account.id, FolderType.DeletedItems)
    : null;
  if (trash && trash.id !== ctx.folder.id) {
    // MS-ASCMD 2.2.3.43: the client is told nothing about the copy in Deleted Items, so it
    // gets the Add when it syncs that folder (unlike MoveItems, which answers DstMsgId).
    const moved = store.moveItem(ctx.account.id, item.id, trash.id, ctx.device.id, { moverKnows: false });
    return moved ? SyncStatus.Success : SyncStatus.ObjectNotFound;
  }
  return store.deleteItem(ctx.account.id, item.id, ctx.device.id) ? SyncStatus.Success : SyncStatus.ObjectNotFound;
}
