// MS-ASCMD 2.2.1.12 MoveItems: move mail between folders; Status 2.2.3.177.9 per Move.
// docs/sync.md §1: a move is a tombstone in the source and a new item (new ServerId, DstMsgId) in
// the destination, made with this device as origin, so the mover's next Sync of either
// folder does not echo it (docs/clients.md rule 22: Windows Mail and Outlook show duplicates otherwise)
// while its other devices get the Delete and the Add; an add into a monitored folder wakes
// their Pings through the store's change feed.

import { StoreError } from '../../store/types.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import { parseFolderId, parseServerId, serverIdOf } from '../model/ids.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';

const MoveStatus = {
  InvalidSource: 1,
  InvalidDestination: 2,
  Success: 3,
  SameFolder: 4,
  /** Any other failure (2.2.3.177.9: "a failure occurred during the MoveItem operation"). */
  Failure: 5,
} as const;

export const moveItems = commandSpec('MoveItems', handleMoveItems);

async function handleMoveItems(ctx: CommandContext): Promise<CommandResult> {
  const moves = ctx.request?.tag === 'Move:MoveItems' ? ctx.request.all('Move:Move') : [];
  if (moves.length === 0) {
    // Nothing to answer item by item: one Response says the request could not be used.
    return {
      kind: 'wbxml',
      body: el('Move:MoveItems', [el('Move:Response', [el('Move:Status', MoveStatus.Failure)])]),
    };
  }
  return { kind: 'wbxml', body: el('Move:MoveItems', await Promise.all(moves.map(async (m) => await moveOne(ctx, m)))) };
}

async function moveOne(ctx: CommandContext, move: WbxmlElement): Promise<WbxmlElement> {
  const { store, log } = ctx.deps;
  const srcMsgId = move.textOf('Move:SrcMsgId')?.trim() ?? '';
  const respond = (status: number, dstMsgId?: string) =>
    el('Move:Response', [
      el('Move:SrcMsgId', srcMsgId),
      el('Move:Status', status),
      dstMsgId !== undefined && el('Move:DstMsgId', dstMsgId),
    ]);

  const srcFolderId = parseFolderId(move.textOf('Move:SrcFldId'));
  const ids = parseServerId(srcMsgId);
  const source = srcFolderId === null ? null : await store.getFolder(ctx.account.id, srcFolderId);
  if (!source || !ids || ids.folderId !== source.id) return respond(MoveStatus.InvalidSource);
  const item = await store.getItem(ctx.account.id, ids.itemId);
  if (!item || item.folderId !== source.id || item.deletedModseq !== null) return respond(MoveStatus.InvalidSource);

  const dstFolderId = parseFolderId(move.textOf('Move:DstFldId'));
  const destination = dstFolderId === null ? null : await store.getFolder(ctx.account.id, dstFolderId);
  if (!destination) return respond(MoveStatus.InvalidDestination);
  if (destination.id === source.id) return respond(MoveStatus.SameFolder);
  // Items move between folders of their own class only (a contact cannot become mail).
  const itemClass = ctx.deps.classes.forFolderType(source.type);
  if (itemClass !== ctx.deps.classes.forFolderType(destination.type)) return respond(MoveStatus.InvalidDestination);

  try {
    const moved = await store.moveItem(ctx.account.id, item.id, destination.id, ctx.device.id);
    return moved ? respond(MoveStatus.Success, serverIdOf(moved.folderId, moved.id)) : respond(MoveStatus.InvalidSource);
  } catch (err) {
    if (err instanceof StoreError && err.code === 'no-such-item') return respond(MoveStatus.InvalidSource);
    if (err instanceof StoreError && err.code === 'no-such-folder') return respond(MoveStatus.InvalidDestination);
    log.error('MoveItems: move failed', { srcMsgId, error: String(err) });
    return respond(MoveStatus.Failure);
  }
}
