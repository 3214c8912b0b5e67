// MS-ASCMD 2.2.1.21 Sync response: one Collection element from a computed result.
// Order inside Collection: (Class at 12.1) SyncKey, CollectionId, Status, MoreAvailable,
// Commands, Responses — CLIENTS.md: MoreAvailable sits between Status and Commands, and an
// empty <Responses/> or <Commands/> is never sent.

import { FolderType, type Account, type Folder, type Item, type ItemChange, type Store } from '../../store/types.js';
import type { Logger, ProtocolVersion } from '../commands/types.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import { emailChangeProperties, emailProperties } from '../model/email.js';
import { itemContext, type ItemContext } from '../model/item-context.js';
import type { ItemOptions } from '../model/options.js';
import { parseServerId } from '../model/ids.js';
import type { Outcome } from './state.js';
import { SyncStatus } from './status.js';

export interface CollectionResult {
  /** The key the client is to use next (or its own key on an error, "0" on Status 3). */
  syncKey: string;
  collectionId: string;
  /** Echoed at 12.1 only. */
  className: string | null;
  status: number;
  moreAvailable: boolean;
  changes: ItemChange[];
  outcomes: Outcome[];
  options: ItemOptions | null;
  folder: Folder | null;
}

export interface RenderContext {
  store: Store;
  account: Account;
  version: ProtocolVersion;
  log: Logger;
}

export function renderCollection(result: CollectionResult, ctx: RenderContext): WbxmlElement {
  const commands = result.status === SyncStatus.Success ? renderCommands(result, ctx) : [];
  const responses = result.status === SyncStatus.Success ? renderResponses(result, ctx) : [];
  return el('AirSync:Collection', [
    result.className !== null && Number(ctx.version) < 14 && el('AirSync:Class', result.className),
    el('AirSync:SyncKey', result.syncKey),
    el('AirSync:CollectionId', result.collectionId),
    el('AirSync:Status', result.status),
    result.moreAvailable && el('AirSync:MoreAvailable'),
    commands.length > 0 && el('AirSync:Commands', commands),
    responses.length > 0 && el('AirSync:Responses', responses),
  ]);
}

function renderCommands(result: CollectionResult, ctx: RenderContext): WbxmlElement[] {
  const out: WbxmlElement[] = [];
  for (const change of result.changes) {
    try {
      out.push(renderChange(change, result.options, result.folder, ctx));
    } catch (err) {
      // One item that cannot be rendered must not fail the folder (and loop the phone);
      // it is logged and skipped, like Z-Push's loop detection ends up doing.
      const serverId = 'item' in change ? change.item.serverId : change.serverId;
      ctx.log.error('sync: cannot render item', { serverId, error: String(err) });
    }
  }
  return out;
}

function renderChange(change: ItemChange, options: ItemOptions | null, folder: Folder | null, ctx: RenderContext): WbxmlElement {
  switch (change.kind) {
    case 'add': {
      const item = change.item;
      const loadBody = () => ctx.store.getBody(ctx.account.id, item.id);
      return el('AirSync:Add', [
        el('AirSync:ServerId', item.serverId),
        el('AirSync:ApplicationData', emailProperties(item, loadBody, requireOptions(options), ctx.version, contextOf(item, folder, ctx))),
      ]);
    }
    case 'change':
      // A draft's content can change (an edit on another device): send the whole item, as
      // a Change may carry any property; elsewhere only Read/Flag/Categories ever change.
      if (folder?.type === FolderType.Drafts) {
        const item = change.item;
        const loadBody = () => ctx.store.getBody(ctx.account.id, item.id);
        return el('AirSync:Change', [
          el('AirSync:ServerId', item.serverId),
          el('AirSync:ApplicationData', emailProperties(item, loadBody, requireOptions(options), ctx.version, contextOf(item, folder, ctx))),
        ]);
      }
      return el('AirSync:Change', [
        el('AirSync:ServerId', change.item.serverId),
        el('AirSync:ApplicationData', emailChangeProperties(change.item, ctx.version)),
      ]);
    case 'delete':
      return el('AirSync:Delete', [el('AirSync:ServerId', change.serverId)]);
    case 'soft-delete':
      return el('AirSync:SoftDelete', [el('AirSync:ServerId', change.serverId)]);
  }
}

/** The collection's folder is the item's; it is only looked up when the result carries none. */
function contextOf(item: Item, folder: Folder | null, ctx: RenderContext): ItemContext {
  if (folder && folder.id === item.folderId) return { folderType: folder.type, accountAddress: ctx.account.address };
  return itemContext(ctx.store, ctx.account, item);
}

function requireOptions(options: ItemOptions | null): ItemOptions {
  if (!options) throw new Error('item rendered without options');
  return options;
}

/**
 * 2.2.3.154: responses for Adds and Fetches, and for Changes/Deletes only when they failed;
 * a successful Change or Delete is acknowledged by the new SyncKey alone.
 */
function renderResponses(result: CollectionResult, ctx: RenderContext): WbxmlElement[] {
  const out: WbxmlElement[] = [];
  for (const o of result.outcomes) {
    switch (o.op) {
      case 'add':
        out.push(
          el('AirSync:Add', [
            el('AirSync:ClientId', o.clientId),
            o.serverId !== null && el('AirSync:ServerId', o.serverId),
            el('AirSync:Status', o.status),
          ]),
        );
        break;
      case 'change':
      case 'delete':
        if (o.status !== SyncStatus.Success) {
          const tag = o.op === 'change' ? 'AirSync:Change' : 'AirSync:Delete';
          out.push(el(tag, [el('AirSync:ServerId', o.serverId), el('AirSync:Status', o.status)]));
        }
        break;
      case 'fetch':
        out.push(renderFetch(o.serverId, result, ctx));
        break;
    }
  }
  return out;
}

/** 2.2.3.67.2: the whole item, untruncated (Fetch exists to get what a window truncated). */
function renderFetch(serverId: string, result: CollectionResult, ctx: RenderContext): WbxmlElement {
  const ids = parseServerId(serverId);
  const item = ids && result.folder && ids.folderId === result.folder.id ? ctx.store.getItem(ctx.account.id, ids.itemId) : null;
  const notFound = () =>
    el('AirSync:Fetch', [el('AirSync:ServerId', serverId), el('AirSync:Status', SyncStatus.ObjectNotFound)]);
  if (!item || item.folderId !== result.folder?.id || item.deletedModseq !== null) return notFound();
  const options = requireOptions(result.options);
  const untruncated: ItemOptions = {
    ...options,
    bodyPreferences: options.bodyPreferences.map((p) => ({ ...p, truncationSize: null, allOrNone: false })),
    truncation: null,
    mimeTruncation: null,
  };
  try {
    const loadBody = () => ctx.store.getBody(ctx.account.id, item.id);
    return el('AirSync:Fetch', [
      el('AirSync:ServerId', serverId),
      el('AirSync:Status', SyncStatus.Success),
      el('AirSync:ApplicationData', emailProperties(item, loadBody, untruncated, ctx.version, contextOf(item, result.folder, ctx))),
    ]);
  } catch (err) {
    ctx.log.error('sync: cannot render fetched item', { serverId, error: String(err) });
    return el('AirSync:Fetch', [el('AirSync:ServerId', serverId), el('AirSync:Status', SyncStatus.ServerError)]);
  }
}
