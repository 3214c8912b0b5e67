// "Which of these monitored folders have changes pending for this device?" in one store call, as
// a parked Ping or Sync with Wait asks on every wake (docs/push.md rules 2 and 4; docs/sync.md §4).
// A folder with a sync state is compared with the cursor of the device's latest SyncKey, read
// again on every call (the device may Sync on another connection while parked); a folder it
// never synced with the baseline the request took when it arrived, adds only.
import type { createItemChanges } from './item-changes.js';
import type { createSyncStates } from './sync-state.js';
import type { PendingQuery } from './types.js';

export function createPendingFolders(
  syncStates: ReturnType<typeof createSyncStates>,
  itemChanges: ReturnType<typeof createItemChanges>,
): (q: PendingQuery) => number[] {
  return ({ accountId, deviceRowId, folderIds, baseline, addsOnly }) => {
    const out: number[] = [];
    for (const folderId of folderIds) {
      const state = syncStates.latestSyncState(deviceRowId, folderId);
      const found = state
        ? itemChanges.hasPending(accountId, folderId, deviceRowId, state.cursor, addsOnly)
        : itemChanges.hasPending(accountId, folderId, deviceRowId, baseline, true);
      if (found) out.push(folderId);
    }
    return out;
  };
}
