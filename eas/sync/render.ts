// MS-ASCMD 2.2.1.21 Sync response: one Collection element from a computed result.
// Order inside Collection: (Class below 14.0: 2.5 to 12.1) SyncKey, CollectionId, Status, MoreAvailable,
// Commands, Responses — docs/clients.md rule 18: MoreAvailable sits between Status and Commands, and an
// empty <Responses/> or <Commands/> is never sent.

import type { Account, Folder, Item, ItemChange, Store } from '../../store/types.js';
import type { ItemClass, RenderItemContext } from '../classes/types.js';
import type { Logger } from '../log.js';
import type { ProtocolVersion } from '../protocol.js';
import { atLeast } from '../protocol.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import type { ItemOptions } from '../model/options.js';
import { parseServerId, serverIdOf } from '../model/ids.js';
import type { Outcome } from './state.js';
import { SyncStatus } from './status.js';

export interface CollectionResult {
  /** The key the client is to use next (or its own key on an error, "0" on Status 3). */
  syncKey: string;
  collectionId: string;
  /** Echoed below 14.0 (2.5, 12.x), as those clients send it. */
  className: string | null;
  status: number;
  moreAvailable: boolean;
  changes: ItemChange[];
  outcomes: Outcome[];
  options: ItemOptions | null;
  folder: Folder | null;
  /** The folder's item class (null with no folder). */
  itemClass: ItemClass | null;
}

export interface RenderContext {
  store: Store;
  account: Account;
  version: ProtocolVersion;
  log: Logger;
}

export async function renderCollection(result: CollectionResult, ctx: RenderContext): Promise<WbxmlElement> {
  const commands = result.status === SyncStatus.Success ? await renderCommands(result, ctx) : [];
  const responses = result.status === SyncStatus.Success ? await renderResponses(result, ctx) : [];
  return el('AirSync:Collection', [
    result.className !== null && !atLeast(ctx.version, '14.0') && el('AirSync:Class', result.className),
    el('AirSync:SyncKey', result.syncKey),
    el('AirSync:CollectionId', result.collectionId),
    el('AirSync:Status', result.status),
    result.moreAvailable && el('AirSync:MoreAvailable'),
    commands.length > 0 && el('AirSync:Commands', commands),
    responses.length > 0 && el('AirSync:Responses', responses),
  ]);
}

async function renderCommands(result: CollectionResult, ctx: RenderContext): Promise<WbxmlElement[]> {
  const out: WbxmlElement[] = [];
  for (const change of result.changes) {
    try {
      out.push(await renderChange(change, result, ctx));
    } catch (err) {
      // One item that cannot be rendered must not fail the folder (and loop the phone);
      // it is logged and skipped, like Z-Push's loop detection ends up doing.
      const serverId = 'item' in change ? serverIdOf(change.item.folderId, change.item.id) : serverIdOf(change.folderId, change.itemId);
      ctx.log.error('sync: cannot render item', { serverId, error: String(err) });
    }
  }
  return out;
}

function itemContext(result: CollectionResult, ctx: RenderContext, options: ItemOptions | null): { cls: ItemClass; render: RenderItemContext } {
  if (!result.itemClass || !result.folder || !options) throw new Error('item rendered without its folder, class or options');
  return {
    cls: result.itemClass,
    render: { store: ctx.store, account: ctx.account, folder: result.folder, version: ctx.version, options, log: ctx.log },
  };
}

async function renderChange(change: ItemChange, result: CollectionResult, ctx: RenderContext): Promise<WbxmlElement> {
  switch (change.kind) {
    case 'add': {
      const { cls, render } = itemContext(result, ctx, result.options);
      return el('AirSync:Add', [
        el('AirSync:ServerId', serverIdOf(change.item.folderId, change.item.id)),
        el('AirSync:ApplicationData', await cls.render(change.item, render)),
      ]);
    }
    case 'change': {
      const { cls, render } = itemContext(result, ctx, result.options);
      return el('AirSync:Change', [
        el('AirSync:ServerId', serverIdOf(change.item.folderId, change.item.id)),
        el('AirSync:ApplicationData', await cls.renderChange(change.item, render)),
      ]);
    }
    case 'delete':
      return el('AirSync:Delete', [el('AirSync:ServerId', serverIdOf(change.folderId, change.itemId))]);
    case 'soft-delete':
      return el('AirSync:SoftDelete', [el('AirSync:ServerId', serverIdOf(change.folderId, change.itemId))]);
  }
}

/**
 * 2.2.3.154: responses for Adds and Fetches, and for Changes/Deletes only when they failed;
 * a successful Change or Delete is acknowledged by the new SyncKey alone.
 */
async function renderResponses(result: CollectionResult, ctx: RenderContext): Promise<WbxmlElement[]> {
  const out: WbxmlElement[] = [];
  for (const o of result.outcomes) {
    switch (o.op) {
      case 'add':
        out.push(
          el('AirSync:Add', [
            el('AirSync:ClientId', o.clientId),
            o.serverId !== null && el('AirSync:ServerId', o.serverId),
            el('AirSync:Status', o.status),
            addedAttachments(o.attachments),
          ]),
        );
        break;
      case 'change':
      case 'delete':
        // 2.2.3.154: a successful Change is answered too when it added attachments (16.x).
        if (o.op === 'change' && o.status === SyncStatus.Success && o.attachments?.length) {
          out.push(el('AirSync:Change', [el('AirSync:ServerId', o.serverId), el('AirSync:Status', o.status), addedAttachments(o.attachments)]));
        } else if (o.status !== SyncStatus.Success) {
          const tag = o.op === 'change' ? 'AirSync:Change' : 'AirSync:Delete';
          out.push(
            el(tag, [
              el('AirSync:ServerId', o.serverId),
              // MS-ASCMD 2.2.3.88.1: a failed command on one occurrence names it (16.x).
              o.instanceId ? el('AirSyncBase:InstanceId', o.instanceId) : false,
              el('AirSync:Status', o.status),
            ]),
          );
        }
        break;
      case 'fetch':
        out.push(await renderFetch(o.serverId, result, ctx));
        break;
    }
  }
  return out;
}

/** MS-ASAIRS 2.2.2.7 in a Responses Add/Change (16.x): each added attachment's ClientId and FileReference. */
function addedAttachments(list: { clientId: string; fileReference: string }[] | undefined): WbxmlElement | false {
  if (!list || list.length === 0) return false;
  return el('AirSync:ApplicationData', [
    el(
      'AirSyncBase:Attachments',
      list.map((a) => el('AirSyncBase:Attachment', [el('AirSyncBase:ClientId', a.clientId), el('AirSyncBase:FileReference', a.fileReference)])),
    ),
  ]);
}

/** 2.2.3.67.2: the whole item, untruncated (Fetch exists to get what a window truncated). */
async function renderFetch(serverId: string, result: CollectionResult, ctx: RenderContext): Promise<WbxmlElement> {
  const ids = parseServerId(serverId);
  const item: Item | null = ids && result.folder && ids.folderId === result.folder.id ? await ctx.store.getItem(ctx.account.id, ids.itemId) : null;
  const notFound = () =>
    el('AirSync:Fetch', [el('AirSync:ServerId', serverId), el('AirSync:Status', SyncStatus.ObjectNotFound)]);
  if (!item || item.folderId !== result.folder?.id || item.deletedModseq !== null) return notFound();
  try {
    const { cls, render } = itemContext(result, ctx, result.options && untruncated(result.options));
    return el('AirSync:Fetch', [
      el('AirSync:ServerId', serverId),
      el('AirSync:Status', SyncStatus.Success),
      el('AirSync:ApplicationData', await cls.render(item, render)),
    ]);
  } catch (err) {
    ctx.log.error('sync: cannot render fetched item', { serverId, error: String(err) });
    return el('AirSync:Fetch', [el('AirSync:ServerId', serverId), el('AirSync:Status', SyncStatus.ServerError)]);
  }
}

/** The same preferences with every truncation lifted. */
export function untruncated(options: ItemOptions): ItemOptions {
  return {
    ...options,
    bodyPreferences: options.bodyPreferences.map((p) => ({ ...p, truncationSize: null, allOrNone: false })),
    truncation: null,
    mimeTruncation: null,
  };
}
