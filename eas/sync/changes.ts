// SYNC.md "A device's position is a cursor": the server changes for one collection since the
// cursor of the key the client sent, at most one window of them. The store orders them,
// skips this device's own changes and says where the device stands afterwards.

import type { ChangesPage, Cursor, Store, WindowStart } from '../../store/types.js';
import { filterSince } from '../model/options.js';

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
  filterType: number;
  /** Changes allowed in this answer (collection WindowSize within the request's overall one). */
  limit: number;
  getChanges: boolean;
  now: Date;
}

export function computeChanges(req: ChangesRequest): ChangesPage {
  // GetChanges false: nothing is sent, so the cursor must not move past anything unsent.
  if (!req.getChanges) return { changes: [], next: req.cursor, more: false, window: req.window };
  const query = {
    accountId: req.accountId,
    folderId: req.folderId,
    deviceRowId: req.deviceRowId,
    cursor: req.cursor,
    since: filterSince(req.filterType, req.now),
    ownAfter: req.ownAfter,
    window: req.window,
  };
  if (req.limit <= 0) {
    // The request's overall WindowSize is spent: stay put, and say whether more waits.
    return { changes: [], next: req.cursor, more: req.store.countChanges(query) > 0, window: req.window };
  }
  return req.store.changes({ ...query, limit: req.limit });
}
