// docs/sync.md §9, a folder that never stops re-downloading: a device that keeps repeating one
// SyncKey (MS-ASCMD 2.2.1.21: it did not take the answer) gets the page again, then a page half
// as large on each further repeat, until the item it cannot take is sent alone; refused alone
// SKIP_AFTER_REFUSALS times, that item is skipped for this device (logged, listed by
// `eas-push device show`, never deleted) and the rest of the folder syncs. The episode is a row
// (store/sync-loops.ts), so a restart does not start the hunt over.

import { isMailItem, type Account, type Device, type Folder, type ItemChange, type Store, type SyncLoop } from '../../store/types.js';
import type { Logger } from '../log.js';
import { serverIdOf } from '../model/ids.js';
import type { KeyResolution } from './state.js';

/** Times an item sent alone may be refused before it is skipped. */
export const SKIP_AFTER_REFUSALS = 3;

export interface LoopContext {
  store: Store;
  log: Logger;
  account: Account;
  device: Device;
  folder: Folder;
}

export interface LoopPlan {
  /** The window to compute this answer with (at most the request's). */
  limit: number;
  /** The episode as it stands before the page is computed; null when there is none. */
  loop: SyncLoop | null;
}

/**
 * Before the page: the window to use, given what the key says about the last answer. A repeat
 * of the episode's key means the answer was refused; the current key means it was taken.
 */
export async function planLoop(ctx: LoopContext, key: Exclude<KeyResolution, { kind: 'invalid' }>, limit: number, now: Date): Promise<LoopPlan> {
  const { store, device, folder } = ctx;
  if (key.kind === 'initial') {
    // Starting the folder over (a new app, the account added again) gives a skipped item
    // another chance; if it is still refused, it is found again within a few requests.
    await store.endSyncLoop(device.id, folder.id);
    await store.clearSkippedItems(device.id, folder.id);
    return { limit, loop: null };
  }
  const loop = await store.syncLoop(device.id, folder.id);
  const presented = key.state.syncKey;
  if (key.kind === 'current') {
    if (!loop) return { limit, loop: null };
    // Our last answer at this key was empty: nothing was taken or refused.
    if (loop.syncKey === presented) return { limit: Math.min(limit, loop.windowSize), loop };
    // The last answer was taken. Past a skipped item, or back at the full window: over.
    if (loop.skipped || loop.windowSize * 2 >= limit) {
      await store.endSyncLoop(device.id, folder.id);
      return { limit, loop: null };
    }
    // Taken at a reduced window: the item it cannot take may lie just ahead, so the window
    // grows back by doubling rather than at once.
    const next: SyncLoop = { ...loop, syncKey: presented, repeats: 0, windowSize: loop.windowSize * 2, itemId: null, refusals: 0 };
    await store.saveSyncLoop(next);
    return { limit: next.windowSize, loop: next };
  }

  // A repeat of the key (docs/sync.md §3): the client did not take the answer.
  if (!loop || loop.syncKey !== presented) {
    const fresh: SyncLoop = {
      deviceRowId: device.id,
      collectionId: folder.id,
      syncKey: presented,
      repeats: 1,
      // The first repeat is answered as before: the page is sent again whole.
      windowSize: limit,
      itemId: null,
      refusals: 0,
      skipped: false,
      startedAt: now.toISOString(),
    };
    await store.saveSyncLoop(fresh);
    return { limit, loop: fresh };
  }
  const refusedAlone = loop.windowSize === 1 && loop.itemId !== null;
  const next: SyncLoop = {
    ...loop,
    repeats: loop.repeats + 1,
    windowSize: Math.max(1, Math.floor(Math.min(loop.windowSize, limit) / 2)),
    refusals: refusedAlone ? loop.refusals + 1 : 0,
  };
  if (refusedAlone && next.refusals >= SKIP_AFTER_REFUSALS) {
    await skip(ctx, loop.itemId!, now, next.repeats);
    next.skipped = true;
    next.itemId = null;
    next.refusals = 0;
  }
  await store.saveSyncLoop(next);
  return { limit: next.windowSize, loop: next };
}

/** After the page: remember the item sent alone, so a further repeat counts as its refusal. */
export async function afterPage(ctx: LoopContext, plan: LoopPlan, changes: ItemChange[]): Promise<void> {
  const { loop } = plan;
  if (!loop) return;
  const only = changes.length === 1 ? changes[0]! : null;
  const alone = plan.limit === 1 && only && (only.kind === 'add' || only.kind === 'change') ? only.item.id : null;
  if (alone === loop.itemId) return;
  await ctx.store.saveSyncLoop({ ...loop, itemId: alone, refusals: 0 });
}

async function skip(ctx: LoopContext, itemId: number, now: Date, repeats: number): Promise<void> {
  const item = await ctx.store.getItem(ctx.account.id, itemId);
  const subject = isMailItem(item) ? item.summary.subject : null;
  await ctx.store.skipItem(ctx.device.id, ctx.folder.id, itemId, subject, now.toISOString());
  ctx.log.warn('sync: item skipped for a device that keeps refusing it', {
    device: ctx.device.deviceId,
    folder: ctx.folder.id,
    serverId: serverIdOf(ctx.folder.id, itemId),
    subject,
    repeats,
  });
}
