// MS-ASCMD 2.2.1.10 ItemOperations: Fetch (a mail item by CollectionId+ServerId or LongId, an
// attachment by AirSyncBase:FileReference) and EmptyFolderContents. Status values: 2.2.3.177.8.
// Multipart responses: 2.2.1.10.1 (eas/model/multipart-response.ts). Move of a conversation
// (2.2.3.117.1, 14.0+, MS-ASCON 2.2.2.7; docs/clients.md rule 39).
//
// Isolation: an id of another account is looked up in the caller's own mailbox only, so it
// answers exactly like an id that does not exist.

import { StoreError } from '../../store/types.js';
import type { Item } from '../../store/types.js';
import { encode } from '../wbxml/encode.js';
import { el } from '../wbxml/tree.js';
import type { WbxmlElement } from '../wbxml/tree.js';
import { renderStoredItem } from '../classes/render-item.js';
import { conversationId } from '../model/conversation.js';
import { conversationItems } from '../model/conversation-items.js';
import { parseFolderId, parseServerId } from '../model/ids.js';
import { atLeast } from '../protocol.js';
import { extractParts, multipartBody, MULTIPART_CONTENT_TYPE } from '../model/multipart-response.js';
import { OptionsError } from '../model/options.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';

/** MS-ASCMD 2.2.3.177.8 */
export const ItemOperationsStatus = {
  Success: 1,
  ProtocolError: 2,
  ServerError: 3,
  /** "The object was not found": our answer for a mail item that is not the caller's. */
  ObjectNotFound: 6,
  ByteRangeInvalid: 8,
  StoreUnknown: 9,
  /** "Attachment or attachment ID is invalid": a FileReference that is not the caller's. */
  AttachmentInvalid: 15,
  /** MS-ASCON 2.2.2.10: a conversation Move whose destination cannot hold mail. */
  ActionNotSupported: 156,
} as const;

// MS-ASCMD 2.2.1.10: 12.0 and later (2.5 fetches attachments with GetAttachment).
export const itemOperations = commandSpec('ItemOperations', handleItemOperations, { versions: { min: '12.0' } });

async function handleItemOperations(ctx: CommandContext): Promise<CommandResult> {
  const req = ctx.request;
  if (!req || req.tag !== 'ItemOperations:ItemOperations' || req.children.length === 0) {
    return { kind: 'wbxml', body: el('ItemOperations:ItemOperations', [el('ItemOperations:Status', ItemOperationsStatus.ProtocolError)]) };
  }

  // MS-ASCMD 6.24 (ItemOperationsResponse.xsd): Response is an xs:sequence of every Move, then
  // every EmptyFolderContents, then every Fetch. Operations run in request order; their answers
  // are grouped by kind (keeping request order within a kind, which is how Fetches are matched).
  const moves: WbxmlElement[] = [];
  const empties: WbxmlElement[] = [];
  const fetches: WbxmlElement[] = [];
  for (const op of req.children) {
    if (op.tag === 'ItemOperations:Fetch') fetches.push(await fetch(ctx, op));
    else if (op.tag === 'ItemOperations:EmptyFolderContents') empties.push(await emptyFolderContents(ctx, op));
    else if (op.tag === 'ItemOperations:Move') moves.push(await moveConversation(ctx, op));
    else {
      // An element that is no operation: the request is malformed as a whole.
      return { kind: 'wbxml', body: el('ItemOperations:ItemOperations', [el('ItemOperations:Status', ItemOperationsStatus.ProtocolError)]) };
    }
  }

  const body = el('ItemOperations:ItemOperations', [
    el('ItemOperations:Status', ItemOperationsStatus.Success),
    el('ItemOperations:Response', [...moves, ...empties, ...fetches]),
  ]);
  if (!ctx.query.acceptMultiPart) return { kind: 'wbxml', body };
  const parts = extractParts(body);
  return { kind: 'bytes', body: multipartBody(encode(body), parts), contentType: MULTIPART_CONTENT_TYPE };
}

// --- Fetch ---------------------------------------------------------------------------------

async function fetch(ctx: CommandContext, op: WbxmlElement): Promise<WbxmlElement> {
  const store = op.textOf('ItemOperations:Store')?.trim();
  const fileReference = op.textOf('AirSyncBase:FileReference');
  const serverId = op.textOf('AirSync:ServerId');
  const longId = op.textOf('Search:LongId');
  // Echo what identified the item, so the client can match answers to its requests.
  const echo: WbxmlElement[] = [];
  if (fileReference !== undefined) echo.push(el('AirSyncBase:FileReference', fileReference));
  else if (serverId !== undefined) {
    const collectionId = op.textOf('AirSync:CollectionId');
    if (collectionId !== undefined) echo.push(el('AirSync:CollectionId', collectionId));
    echo.push(el('AirSync:ServerId', serverId));
  } else if (longId !== undefined) echo.push(el('Search:LongId', longId));

  const failed = (status: number): WbxmlElement => el('ItemOperations:Fetch', [el('ItemOperations:Status', status), ...echo]);

  if (store !== undefined && store.toLowerCase() !== 'mailbox') return failed(ItemOperationsStatus.StoreUnknown);
  if (echo.length === 0) return failed(ItemOperationsStatus.ProtocolError);

  const optionsEl = op.child('ItemOperations:Options');
  if (fileReference !== undefined) return await fetchAttachment(ctx, fileReference, optionsEl, echo, failed);

  const item = serverId !== undefined ? await itemByServerId(ctx, serverId, op.textOf('AirSync:CollectionId')) : await itemByServerId(ctx, longId, undefined);
  if (!item) return failed(ItemOperationsStatus.ObjectNotFound);
  const folder = await ctx.deps.store.getFolder(ctx.account.id, item.folderId);
  if (!folder) return failed(ItemOperationsStatus.ObjectNotFound);

  let options;
  try {
    options = ctx.deps.classes.forFolderType(folder.type).parseOptions(optionsEl ? [optionsEl] : [], ctx.version);
  } catch (err) {
    if (err instanceof OptionsError) return failed(ItemOperationsStatus.ProtocolError);
    throw err;
  }
  const rendered = await renderStoredItem(ctx.deps, ctx.account, ctx.version, item, options);
  if (!rendered) return failed(ItemOperationsStatus.ObjectNotFound);
  return el('ItemOperations:Fetch', [
    el('ItemOperations:Status', ItemOperationsStatus.Success),
    ...echo,
    el('AirSync:Class', rendered.itemClass.name),
    el('ItemOperations:Properties', rendered.properties),
  ]);
}

/**
 * The caller's live item named by a ServerId (or a LongId, which for us is the same string).
 * A CollectionId that disagrees with the ServerId's folder means "not found", not "guess".
 */
async function itemByServerId(ctx: CommandContext, id: string | undefined, collectionId: string | undefined): Promise<Item | null> {
  const parsed = parseServerId(id);
  if (!parsed) return null;
  if (collectionId !== undefined && parseFolderId(collectionId) !== parsed.folderId) return null;
  const item = await ctx.deps.store.getItem(ctx.account.id, parsed.itemId);
  if (!item || item.folderId !== parsed.folderId || item.deletedModseq !== null) return null;
  return item;
}

/** "m-n", inclusive byte offsets (MS-ASCMD 2.2.3.144.1). */
function parseRange(range: string): { start: number; end: number } | null {
  const m = /^\s*(\d{1,15})-(\d{1,15})\s*$/.exec(range);
  if (!m) return null;
  const start = Number(m[1]);
  const end = Number(m[2]);
  return start <= end ? { start, end } : null;
}

async function fetchAttachment(
  ctx: CommandContext,
  fileReference: string,
  optionsEl: WbxmlElement | undefined,
  echo: WbxmlElement[],
  failed: (status: number) => WbxmlElement,
): Promise<WbxmlElement> {
  const att = await ctx.deps.store.getAttachment(ctx.account.id, fileReference);
  if (!att) return failed(ItemOperationsStatus.AttachmentInvalid);

  const total = att.content.length;
  const rangeText = optionsEl?.textOf('ItemOperations:Range');
  let data = att.content;
  let rangeEl: WbxmlElement | undefined;
  // Range and Total only when the client asked for a range: iOS 10 fails on them otherwise.
  if (rangeText !== undefined) {
    const range = parseRange(rangeText);
    if (!range || (range.start >= total && !(total === 0 && range.start === 0))) {
      return failed(ItemOperationsStatus.ByteRangeInvalid);
    }
    const end = Math.min(range.end, Math.max(total - 1, 0));
    data = att.content.subarray(range.start, total === 0 ? 0 : end + 1);
    rangeEl = el('ItemOperations:Range', `${range.start}-${end}`);
  }

  return el('ItemOperations:Fetch', [
    el('ItemOperations:Status', ItemOperationsStatus.Success),
    ...echo,
    el('ItemOperations:Properties', [
      el('AirSyncBase:ContentType', att.contentType),
      rangeEl,
      rangeEl && el('ItemOperations:Total', total),
      el('ItemOperations:Data', data.toString('base64')),
    ]),
  ]);
}

// --- EmptyFolderContents ------------------------------------------------------------------------

async function emptyFolderContents(ctx: CommandContext, op: WbxmlElement): Promise<WbxmlElement> {
  const collectionText = op.textOf('AirSync:CollectionId');
  const answer = (status: number): WbxmlElement =>
    el('ItemOperations:EmptyFolderContents', [
      el('ItemOperations:Status', status),
      collectionText !== undefined && el('AirSync:CollectionId', collectionText),
    ]);
  if (collectionText === undefined) return answer(ItemOperationsStatus.ProtocolError);
  const folderId = parseFolderId(collectionText);
  const folder = folderId === null ? null : await ctx.deps.store.getFolder(ctx.account.id, folderId);
  if (!folder) return answer(ItemOperationsStatus.ObjectNotFound);

  const deleteSubFolders = op.child('ItemOperations:Options')?.has('ItemOperations:DeleteSubFolders') ?? false;
  // Origin null, not this device: the client learns the deletions from its next Sync, as it
  // does after an Exchange EmptyFolderContents; skipping them would leave ghosts on the phone.
  let removed: number;
  try {
    removed = await ctx.deps.store.emptyFolder(ctx.account.id, folder.id, null, deleteSubFolders);
  } catch (err) {
    // Deleted by another device between the lookup and now.
    if (err instanceof StoreError && err.code === 'no-such-folder') return answer(ItemOperationsStatus.ObjectNotFound);
    throw err;
  }
  ctx.deps.log.info('EmptyFolderContents', { accountId: ctx.account.id, folderId: folder.id, removed, deleteSubFolders });
  return answer(ItemOperationsStatus.Success);
}

// --- Move ----------------------------------------------------------------------------------

/** The ConversationId as the client got it (Email2:ConversationId, OPAQUE); text is read as its bytes. */
function conversationBytes(e: WbxmlElement | undefined): Uint8Array | null {
  if (!e) return null;
  const bytes = e.opaque ?? (e.text !== undefined ? Buffer.from(e.text, 'latin1') : undefined);
  return bytes && bytes.length > 0 ? bytes : null;
}

/**
 * MS-ASCON 2.2.2.7: every message of the conversation goes to DstFldId, from every folder but
 * Sent Items (eas/model/conversation-items.ts). Each is moved with no origin, like
 * EmptyFolderContents: the answer names no new ServerIds, so the mover too learns the Deletes
 * and Adds from its next Sync, and every device's parked Ping on either folder is woken by the
 * commit. MoveAlways (future messages too) is accepted; messages that arrive later are not
 * moved (docs/clients.md rule 39).
 */
async function moveConversation(ctx: CommandContext, op: WbxmlElement): Promise<WbxmlElement> {
  const idEl = op.child('ItemOperations:ConversationId');
  const answer = (status: number): WbxmlElement => el('ItemOperations:Move', [idEl && el('ItemOperations:ConversationId', idEl.opaque ?? idEl.text ?? ''), el('ItemOperations:Status', status)]);
  const id = conversationBytes(idEl);
  const dstText = op.textOf('ItemOperations:DstFldId');
  if (!atLeast(ctx.version, '14.0') || !id || dstText === undefined) return answer(ItemOperationsStatus.ProtocolError);
  const { store, log, classes } = ctx.deps;
  const dstId = parseFolderId(dstText);
  const destination = dstId === null ? null : await store.getFolder(ctx.account.id, dstId);
  if (!destination) return answer(ItemOperationsStatus.ObjectNotFound);

  const found = await conversationItems(store, ctx.account.id, id, destination);
  const moving = found.filter((f) => classes.forFolderType(f.folder.type) === classes.forFolderType(destination.type));
  if (found.length > 0 && moving.length === 0) return answer(ItemOperationsStatus.ActionNotSupported);
  // Nothing left to move is success when the conversation is already all in the destination.
  const wanted = Buffer.from(id);
  const alreadyThere = async () => (await store.listItems(ctx.account.id, destination.id)).some((i) => i.kind === 'mail' && wanted.equals(conversationId(i)));
  if (moving.length === 0 && !await alreadyThere()) return answer(ItemOperationsStatus.ObjectNotFound);

  let moved = 0;
  for (const { item } of moving) {
    try {
      if (await store.moveItem(ctx.account.id, item.id, destination.id, null)) moved++;
    } catch (err) {
      // Moved or deleted by another device meanwhile: that one is not ours to move any more.
      if (err instanceof StoreError && err.code === 'no-such-item') continue;
      if (err instanceof StoreError && err.code === 'no-such-folder') return answer(ItemOperationsStatus.ObjectNotFound);
      throw err;
    }
  }
  log.info('ItemOperations Move', {
    account: ctx.account.address,
    device: ctx.device.deviceId,
    folderId: destination.id,
    moved,
    moveAlways: op.child('ItemOperations:Options')?.has('ItemOperations:MoveAlways') ?? false,
  });
  return answer(ItemOperationsStatus.Success);
}
