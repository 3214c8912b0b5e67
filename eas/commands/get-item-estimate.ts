// MS-ASCMD 2.2.1.9 GetItemEstimate: how many changes the next Sync of each collection would
// bring, counted from the cursor of the SyncKey the client holds (docs/sync.md §4) with the same
// rules as Sync (own changes skipped, FilterType window). Status 2.2.3.177.7.
// 14.0+: Collection{airsync:SyncKey, CollectionId, airsync:Options}; 2.5 to 12.1: Collection{Class,
// CollectionId, airsync:FilterType, airsync:SyncKey} (MS-ASCMD 6.20, the schema's second form);
// both read in any order. The answer has one form at every version (6.21). A collection of a
// class the version lacks (Notes below 14.0) is not a collection it can sync: Status 2.

import { el, type WbxmlElement } from '../wbxml/tree.js';
import { parseFolderId } from '../model/ids.js';
import { OptionsError, splitOptionBlocks } from '../model/options.js';
import { resolveSyncKey } from '../sync/state.js';
import { atLeast } from '../protocol.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';

const EstimateStatus = {
  Success: 1,
  InvalidCollection: 2,
  /** SyncKey 0, or no Sync yet: the client must Sync the collection first. */
  NotPrimed: 3,
  InvalidSyncKey: 4,
} as const;

/** MS-ASCMD 2.2.2 common status (14.0+) for a body that is not a GetItemEstimate request. */
const INVALID_XML = 103;

export const getItemEstimate = commandSpec('GetItemEstimate', handleGetItemEstimate);

async function handleGetItemEstimate(ctx: CommandContext): Promise<CommandResult> {
  const collections = ctx.request?.tag === 'GetItemEstimate:GetItemEstimate'
    ? ctx.request.child('GetItemEstimate:Collections')?.all('GetItemEstimate:Collection') ?? []
    : [];
  if (collections.length === 0) {
    const status = Number(ctx.version) >= 14 ? INVALID_XML : EstimateStatus.InvalidCollection;
    return { kind: 'wbxml', body: el('GetItemEstimate:GetItemEstimate', [el('GetItemEstimate:Status', status)]) };
  }
  const now = new Date();
  return {
    kind: 'wbxml',
    body: el('GetItemEstimate:GetItemEstimate', await Promise.all(collections.map(async (c) => await estimateOne(ctx, c, now)))),
  };
}

async function estimateOne(ctx: CommandContext, c: WbxmlElement, now: Date): Promise<WbxmlElement> {
  const { store } = ctx.deps;
  const collectionId = c.textOf('GetItemEstimate:CollectionId')?.trim() ?? '';
  const respond = (status: number, estimate?: number) =>
    el('GetItemEstimate:Response', [
      el('GetItemEstimate:Status', status),
      el('GetItemEstimate:Collection', [
        el('GetItemEstimate:CollectionId', collectionId),
        estimate !== undefined && el('GetItemEstimate:Estimate', estimate),
      ]),
    ]);

  const folderId = parseFolderId(collectionId);
  const folder = folderId === null ? null : await store.getFolder(ctx.account.id, folderId);
  if (!folder) return respond(EstimateStatus.InvalidCollection);
  const itemClass = ctx.deps.classes.forFolderType(folder.type);
  if (!atLeast(ctx.version, itemClass.minVersion)) return respond(EstimateStatus.InvalidCollection);

  const syncKey = c.textOf('AirSync:SyncKey')?.trim() ?? '';
  if (syncKey === '' || syncKey === '0') return respond(EstimateStatus.NotPrimed);
  const key = await resolveSyncKey(store, ctx.device.id, folder.id, syncKey);
  if (key.kind === 'invalid') {
    // No state at all for the collection: it was never synced, not a wrong key.
    return respond(await store.latestSyncState(ctx.device.id, folder.id) ? EstimateStatus.InvalidSyncKey : EstimateStatus.NotPrimed);
  }
  if (key.kind === 'initial') return respond(EstimateStatus.NotPrimed);

  let filterType = key.record.options?.filterType ?? key.state.filterType;
  // Only a block for this folder's class sets its window (MS-ASCMD 2.2.3.125.6, as in Sync): a
  // block for another class alone (Nine's SMS block in the Inbox) leaves the sticky one.
  const options = splitOptionBlocks(c.all('AirSync:Options'), itemClass.name).own;
  const legacyFilter = c.intOf('AirSync:FilterType');
  try {
    if (options.length > 0) filterType = itemClass.parseOptions(options, ctx.version).filterType;
    else if (legacyFilter !== undefined && !Number.isNaN(legacyFilter)) filterType = legacyFilter;
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    return respond(EstimateStatus.InvalidCollection);
  }

  const estimate = await store.countChanges({
    accountId: ctx.account.id,
    folderId: folder.id,
    deviceRowId: ctx.device.id,
    cursor: key.state.cursor,
    since: itemClass.windowSince(filterType, now),
  });
  return respond(EstimateStatus.Success, estimate);
}
