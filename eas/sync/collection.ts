// MS-ASCMD 2.2.1.21 Sync, one collection: resolve the SyncKey (docs/sync.md §3: N, N-1 or invalid),
// settle the Options (sticky; a changed FilterType starts over), apply or replay the client's
// commands, compute the server changes, and describe the state to save. Saving is left to
// the caller: a request whose every collection is quiet answers an empty 200 and must not
// move any key (the client keeps the one it has).

import type { Cursor, Folder, SyncState } from '../../store/types.js';
import type { CommandContext } from '../commands/types.js';
import type { ItemClass } from '../classes/types.js';
import { OptionsError, type ItemOptions } from '../model/options.js';
import { atLeast } from '../protocol.js';
import type { SyncCollectionRequest } from './request.js';
import { applyClientCommands } from './apply.js';
import { computeChanges } from './changes.js';
import type { CollectionResult } from './render.js';
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

export async function syncCollection(
  ctx: CommandContext,
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
  const folder = req.folderId === null ? null : store.getFolder(ctx.account.id, req.folderId);
  // docs/clients.md rule 19: an unknown folder is Status 12 (FolderSync), never 8 (iPhone loops on 8).
  if (!folder) return failed(SyncStatus.HierarchyChanged);
  const itemClass = ctx.deps.classes.forFolderType(folder.type);
  // A class the client's version does not have (Notes below 14.0, MS-ASNOTE): the collection
  // cannot be synchronised at that version.
  if (!atLeast(ctx.version, itemClass.minVersion)) return failed(SyncStatus.ProtocolError, req.syncKey, folder);

  const key = resolveSyncKey(store, ctx.device.id, folder.id, req.syncKey);
  if (key.kind === 'invalid') return failed(SyncStatus.InvalidSyncKey, '0', folder);

  let sent: ItemOptions | null = null;
  try {
    if (req.options.length > 0) sent = itemClass.parseOptions(req.options, ctx.version);
  } catch (err) {
    if (err instanceof OptionsError) return failed(SyncStatus.ProtocolError, req.syncKey, folder);
    throw err;
  }
  const record = key.kind === 'initial' ? null : key.record;
  // Sticky options (2.2.3.125.6): what this request sent, else what the state holds.
  const recorded = sent ?? record?.options ?? null;
  const options = recorded ?? itemClass.parseOptions([], ctx.version);

  if (key.kind === 'initial') {
    store.resetSyncState(ctx.device.id, folder.id);
    const save: SyncState = {
      deviceRowId: ctx.device.id,
      collectionId: folder.id,
      syncKey: key.nextKey,
      cursor: INITIAL_CURSOR,
      filterType: options.filterType,
      replay: encodeRecord({ v: 1, options: recorded, outcomes: [], supported: req.supported }),
      // The relationship begins here: the device's own writes after this head are what it
      // need not be sent; everything before it, its own moves and drafts included, it gets.
      ownAfter: store.headModseq(ctx.account.id),
      window: null,
    };
    // Saved at once: a key-0 answer is never empty, so this state is always handed out.
    store.saveSyncState(save);
    return {
      result: { ...emptyResult(req, String(key.nextKey), SyncStatus.Success, folder, itemClass), options },
      save: null,
      quiet: false,
      advance: null,
      watch: null,
    };
  }

  // docs/sync.md §6: FilterType is part of the state; a different window means starting over.
  if (sent && record?.options && sent.filterType !== record.options.filterType) {
    return failed(SyncStatus.InvalidSyncKey, '0', folder);
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
          },
          req.commands,
        )
      : key.answered.outcomes;

  const getChanges = req.getChanges ?? true;
  const limit = budget.remaining === null ? req.windowSize : Math.min(req.windowSize, budget.remaining);
  const page = computeChanges({
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
  });
  if (budget.remaining !== null) budget.remaining = Math.max(0, budget.remaining - page.changes.length);

  const quiet = page.changes.length === 0 && !page.more && outcomes.length === 0 && req.commands.length === 0;
  const save: SyncState = {
    deviceRowId: ctx.device.id,
    collectionId: folder.id,
    syncKey: key.nextKey,
    cursor: page.next,
    filterType: options.filterType,
    replay: encodeRecord({ v: 1, options: recorded, outcomes, supported: record?.supported ?? null }),
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
