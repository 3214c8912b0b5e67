// "Which monitored folders have changes pending for this device?" (docs/sync.md §4 "Ping falls out
// of the same query"; MS-ASCMD 3.1.5.8: the server compares with the last SyncKey it returned).
// Used by Ping before parking, on each wake and at expiry; Sync with Wait uses it too.

import type { Cursor, Store } from '../../store/types.js';

/**
 * Builds the `pending(addsOnly)` callback of a ParkRequest: one store call per check
 * (Store.pendingFolders). Call it before `push.park()`/`hold()`: it snapshots the journal head for
 * folders the device never synced, so a commit after the snapshot is either seen by the check
 * the registry makes after subscribing, or wakes the waiter (docs/push.md rule 2).
 *
 * A folder with a sync state is compared with the cursor of the last SyncKey returned to this
 * device, read again on each call (the device may Sync on another connection while parked).
 * A folder the device never synced is compared with the head at the time of the Ping, adds
 * only: it is never reported on its own (iOS Pings such folders and would loop, docs/push.md rule
 * 2), but an add into it while the Ping is parked still wakes it.
 */
export async function pendingFolders(
  store: Store,
  accountId: number,
  deviceRowId: number,
  folderIds: readonly number[],
): Promise<(addsOnly: boolean) => Promise<number[]>> {
  const baseline: Cursor = { modseq: await store.headModseq(accountId), itemId: Number.MAX_SAFE_INTEGER };
  return (addsOnly) => store.pendingFolders({ accountId, deviceRowId, folderIds, baseline, addsOnly });
}
