// "Which monitored folders have changes pending for this device?" (docs/sync.md §4 "Ping falls out
// of the same query"; MS-ASCMD 3.1.5.8: the server compares with the last SyncKey it returned).
// Used by Ping before parking, on each wake and at expiry; Sync with Wait can use it too.

import type { Cursor, Store } from '../../store/types.js';

/**
 * Builds the `pending(addsOnly)` callback of a ParkRequest. Call it in the same synchronous
 * turn as `push.park()`: it snapshots the journal head for folders the device never synced.
 *
 * A folder with a sync state is compared with the cursor of the last SyncKey returned to this
 * device, read again on each call (the device may Sync on another connection while parked).
 * A folder the device never synced is compared with the head at the time of the Ping, adds
 * only: it is never reported on its own (iOS Pings such folders and would loop, docs/push.md rule
 * 2), but an add into it while the Ping is parked still wakes it.
 */
export function pendingFolders(
  store: Store,
  accountId: number,
  deviceRowId: number,
  folderIds: readonly number[],
): (addsOnly: boolean) => number[] {
  const baseline: Cursor = { modseq: store.headModseq(accountId), itemId: Number.MAX_SAFE_INTEGER };
  return (addsOnly) => {
    const out: number[] = [];
    for (const folderId of folderIds) {
      const state = store.latestSyncState(deviceRowId, folderId);
      const found = state
        ? store.hasPending(accountId, folderId, deviceRowId, state.cursor, addsOnly)
        : store.hasPending(accountId, folderId, deviceRowId, baseline, true);
      if (found) out.push(folderId);
    }
    return out;
  };
}
