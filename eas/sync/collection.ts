// MS-ASCMD 2.2.1.21 Sync, one collection: resolve the SyncKey (docs/sync.md §3: N, N-1 or invalid),
// settle the Options (MS-ASCMD 2.2.3.125.6 sticky per class, docs/sync.md §8; a changed
// FilterType starts over), apply or replay the client's commands (conflicts: §10), compute the
// server changes (a repeated key shrinks the window: §9), and describe the state to save.
// Saving is left to the caller: a request whose every collection is quiet answers an empty 200
// and must not move any key (the client keeps the one it has).

import type { Cursor, Folder, StoredSyncOptions, SyncState } from '../../store/types.js';
import type { CommandContext } from '../commands/types.js';
import type { ItemClass } from '../classes/types.js';
import {
  fromStoredOptions,
  OptionsError,
  parseItemOptions,
  splitOptionBlocks,
  toStoredOptions,
  type ItemOptions,
} from '../model/options.js';
import { atLeast } from '../protocol.js';
import type { SyncCollectionRequest } from './request.js';
import { applyClientCommands } from './apply.js';
import { computeChanges } from './changes.js';
import type { CollectionResult } from './render.js';
import { afterPage, planLoop, type LoopContext } from './loop.js';
import { encodeRecord, resolveSyncKey, type Outcome } from './state.js';
import { SyncStatus } from './status.js';

export interface CollectionOutcome {
  result: CollectionResult;
  /** The state to save when the response is sent with a body; null on errors. */
  save: SyncState | null;
  /** Nothing to tell the client: no changes, no responses, not an initial sync. */
  quiet: boolean;
  /**
   * For a quiet answer: the client's own key N saved again with the cursor moved past what
   * it need not hear (its own writes, mail outside the FilterType), so a quiet device does not
   * have the same range scanned again on every Sync. For states saved before `ownAfter`
   * existed it also keeps the device's own later writes from being sent from the initial cursor.
   */
  advance: SyncState | null;
  /** For Sync with Wait: the folder and the cursor of the key the client holds. */
  watch: { folderId: number; cursor: Cursor } | null;
}

const INITIAL_CURSOR: Cursor = { modseq: 0, itemId: 0 };

export interface Budget {
  /** Changes still allowed by the request's overall WindowSize; null = no overall limit. */
  remaining: number | null;
}

/** What computing a collection needs of the command's context (a held Sync keeps only this). */
export type SyncContext = Pick<CommandContext, 'deps' | 'account' | 'device' | 'version'>;

export async function syncCollection(
  ctx: SyncContext,
  req: SyncCollectionRequest,
  budget: Budget,
  now: Date,
): Promise<CollectionOutcome> {
  const { store } = ctx.deps;
  const failed = (status: number, syncKey = req.syncKey, folder: Folder | null = null): CollectionOutcome => ({
    result: emptyResult(req, syncKey, status, folder, null),
    save: null,
    quiet: false,
    advance: null,
    watch: null,
  });

  if (req.error !== null) return failed(req.error);
  const folder = req.folderId === null ? null : await store.getFolder(ctx.account.id, req.folderId);
  // docs/clients.md rule 19: an unknown folder is Status 12 (FolderSync), never 8 (iPhone loops on 8).
  if (!folder) return failed(SyncStatus.HierarchyChanged);
  const itemClass = ctx.deps.classes.forFolderType(folder.type);
  // A class the client's version does not have (Notes below 14.0, MS-ASNOTE): the collection
  // cannot be synchronised at that version.
  if (!atLeast(ctx.version, itemClass.minVersion)) return failed(SyncStatus.ProtocolError, req.syncKey, folder);

  const key = await resolveSyncKey(store, ctx.device.id, folder.id, req.syncKey);
  if (key.kind === 'invalid') return failed(SyncStatus.InvalidSyncKey, '0', folder);

  // Sticky options (MS-ASCMD 2.2.3.125.6, docs/sync.md §8): per class, replaced only by a
  // block for that class; a request without one (or with another class's only) keeps them.
  let sent: ItemOptions | null = null;
  try {
    const blocks = splitOptionBlocks(req.options, itemClass.name);
    if (blocks.own.length > 0) sent = itemClass.parseOptions(blocks.own, ctx.version);
    for (const [cls, block] of blocks.others) await keepOptions(ctx, folder.id, cls, parseItemOptions([block], ctx.version, cls));
  } catch (err) {
    if (err instanceof OptionsError) return failed(SyncStatus.ProtocolError, req.syncKey, folder);
    throw err;
  }
  const record = key.kind === 'initial' ? null : key.record;
  const stored = await store.getSyncOptions(ctx.device.id, folder.id, itemClass.name);
  // States written before the options had rows of their own carry them in the replay record.
  const previous = stored ? fromStoredOptions(stored) : (record?.options ?? null);
  const options = sent ?? previous ?? itemClass.parseOptions([], ctx.version);
  // docs/sync.md §6: FilterType is part of the state; a different window for a device that
  // holds items means starting over. Before the first page (the key-0 state) it is simply taken.
  if (
    key.kind !== 'initial' &&
    sent &&
    previous &&
    sent.filterType !== previous.filterType &&
    !sameCursor(key.state.cursor, INITIAL_CURSOR)
  ) {
    return failed(SyncStatus.InvalidSyncKey, '0', folder);
  }
  if (sent) await keepOptions(ctx, folder.id, itemClass.name, sent, stored);

  if (key.kind === 'initial') {
    await store.resetSyncState(ctx.device.id, folder.id);
    await planLoop(loopCtx(ctx, folder), key, req.windowSize, now);
    const save: SyncState = {
      deviceRowId: ctx.device.id,
      collectionId: folder.id,
      syncKey: key.nextKey,
      cursor: INITIAL_CURSOR,
      filterType: options.filterType,
      replay: encodeRecord({ v: 1, options: null, outcomes: [], supported: req.supported }),
      // The relationship begins here: the device's own writes after this head are what it
      // need not be sent; everything before it, its own moves and drafts included, it gets.
      ownAfter: await store.headModseq(ctx.account.id),
      window: null,
    };
    // Saved at once: a key-0 answer is never empty, so this state is always handed out.
    await store.saveSyncState(save);
    return {
      result: { ...emptyResult(req, String(key.nextKey), SyncStatus.Success, folder, itemClass), options },
      save: null,
      quiet: false,
      advance: null,
      watch: null,
    };
  }

  const outcomes: Outcome[] =
    key.kind === 'current'
      ? await applyClientCommands(
          {
            deps: ctx.deps,
            account: ctx.account,
            device: ctx.device,
            folder,
            itemClass,
            version: ctx.version,
            deletesAsMoves: req.deletesAsMoves,
            supported: record?.supported ?? null,
            // docs/sync.md §10: a Change to an item changed by others since this key's cursor.
            conflict: { since: key.state.cursor, clientWins: options.conflict === 0 },
          },
          req.commands,
        )
      : key.answered.outcomes;

  const getChanges = req.getChanges ?? true;
  const requested = budget.remaining === null ? req.windowSize : Math.min(req.windowSize, budget.remaining);
  // docs/sync.md §9: a key repeated again and again shrinks the window to find what is refused.
  const plan = await planLoop(loopCtx(ctx, folder), key, requested, now);
  const limit = Math.min(requested, plan.limit);
  const page = await computeChanges({
    store,
    accountId: ctx.account.id,
    folderId: folder.id,
    deviceRowId: ctx.device.id,
    cursor: key.state.cursor,
    ownAfter: key.state.ownAfter ?? null,
    window: key.state.window ?? null,
    since: itemClass.windowSince(options.filterType, now),
    limit,
    getChanges,
    skip: await store.skippedItemIds(ctx.device.id, folder.id),
  });
  await afterPage(loopCtx(ctx, folder), { ...plan, limit }, page.changes);
  if (budget.remaining !== null) budget.remaining = Math.max(0, budget.remaining - page.changes.length);

  const quiet = page.changes.length === 0 && !page.more && outcomes.length === 0 && req.commands.length === 0;
  const save: SyncState = {
    deviceRowId: ctx.device.id,
    collectionId: folder.id,
    syncKey: key.nextKey,
    cursor: page.next,
    filterType: options.filterType,
    replay: encodeRecord({ v: 1, options: null, outcomes, supported: record?.supported ?? null }),
    ownAfter: key.state.ownAfter ?? null,
    window: page.window ?? null,
  };
  return {
    result: {
      ...emptyResult(req, String(key.nextKey), SyncStatus.Success, folder, itemClass),
      moreAvailable: page.more,
      changes: page.changes,
      outcomes,
      options,
    },
    save,
    quiet,
    // The window moves with the cursor (the held items are those created at or before it); a
    // window alone that moved (time passing) need not be saved: what it holds is unchanged.
    advance:
      quiet && key.kind === 'current' && !sameCursor(page.next, key.state.cursor)
        ? { ...key.state, cursor: page.next, window: page.window ?? null }
        : null,
    watch: getChanges ? { folderId: folder.id, cursor: key.state.cursor } : null,
  };
}

function loopCtx(ctx: SyncContext, folder: Folder): LoopContext {
  return { store: ctx.deps.store, log: ctx.deps.log, account: ctx.account, device: ctx.device, folder };
}

/** Saves the options of one class when they differ from what is kept (a write only on change). */
async function keepOptions(ctx: SyncContext, folderId: number, className: string, options: ItemOptions, kept?: StoredSyncOptions | null): Promise<void> {
  const { store } = ctx.deps;
  const next = toStoredOptions(className, options);
  const current = kept !== undefined ? kept : await store.getSyncOptions(ctx.device.id, folderId, className);
  if (current && JSON.stringify(current) === JSON.stringify(next)) return;
  await store.saveSyncOptions(ctx.device.id, folderId, next);
}

function sameCursor(a: Cursor, b: Cursor): boolean {
  return a.modseq === b.modseq && a.itemId === b.itemId;
}

function emptyResult(
  req: SyncCollectionRequest,
  syncKey: string,
  status: number,
  folder: Folder | null,
  itemClass: ItemClass | null,
): CollectionResult {
  return {
    syncKey,
    collectionId: req.collectionId,
    className: req.className,
    status,
    moreAvailable: false,
    changes: [],
    outcomes: [],
    options: null,
    folder,
    itemClass,
  };
}
