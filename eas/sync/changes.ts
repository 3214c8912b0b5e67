// docs/sync.md §2 (and §9, items skipped for a device): the server changes for one collection since the
// cursor of the key the client sent, at most one window of them. The store orders them,
// skips this device's own changes and says where the device stands afterwards.

import type { ChangesPage, Cursor, Store, WindowStart } from '../../store/types.js';

export interface ChangesRequest {
  store: Store;
  accountId: number;
  folderId: number;
  deviceRowId: number;
  cursor: Cursor;
  /** The head when the relationship began (SyncState.ownAfter); null for states of older versions. */
  ownAfter: number | null;
  /** The FilterType window the device holds (SyncState.window). */
  window: WindowStart | null;
  /** The FilterType window's start for the folder's class (ItemClass.windowSince); null = all. */
  since: string | null;
  /** Changes allowed in this answer (collection WindowSize within the request's overall one). */
  limit: number;
  getChanges: boolean;
  /**
   * Items skipped for this device (docs/sync.md §9): never sent to it, in any form; the cursor
   * still moves past them, so the rest of the folder syncs.
   */
  skip?: ReadonlySet<number>;
}

export async function computeChanges(req: ChangesRequest): Promise<ChangesPage> {
  // GetChanges false: nothing is sent, so the cursor must not move past anything unsent.
  if (!req.getChanges) return { changes: [], next: req.cursor, more: false, window: req.window };
  const query = {
    accountId: req.accountId,
    folderId: req.folderId,
    deviceRowId: req.deviceRowId,
    cursor: req.cursor,
    since: req.since,
    ownAfter: req.ownAfter,
    window: req.window,
  };
  if (req.limit <= 0) {
    // The request's overall WindowSize is spent: stay put, and say whether more waits.
    return { changes: [], next: req.cursor, more: await req.store.countChanges(query) > 0, window: req.window };
  }
  const page = await req.store.changes({ ...query, limit: req.limit });
  if (!req.skip || req.skip.size === 0) return page;
  return { ...page, changes: page.changes.filter((c) => !req.skip!.has('item' in c ? c.item.id : c.itemId)) };
}
