// "Which of these monitored folders have changes pending for this device?" on PostgreSQL, the
// counterpart of store/pending.ts (docs/push.md rules 2 and 4; docs/sync.md §4). The whole check
// is one REPEATABLE READ, read-only transaction: every folder's latest state and its pending
// changes are read from one snapshot, as docs/store.md lists pendingFolders among the calls that
// are one atomic unit (SQLite gets that from being synchronous).
import type { PendingQuery, Store } from '../types.js';
import { withTransaction } from './connect.js';
import type { PgStoreContext } from './context.js';
import { hasPendingOn } from './item-changes.js';
import { LATEST_STATE_SQL, firstState } from './sync-state.js';

export function createPgPendingFolders(ctx: PgStoreContext): Pick<Store, 'pendingFolders'> {
  return {
    pendingFolders: ({ accountId, deviceRowId, folderIds, baseline, addsOnly }: PendingQuery) =>
      withTransaction(
        ctx.pool,
        async (client) => {
          const out: number[] = [];
          for (const folderId of folderIds) {
            const state = firstState((await client.query(LATEST_STATE_SQL, [deviceRowId, folderId])).rows);
            // ownAfter as hasPending would read it itself (the latest state's, in this same
            // snapshot; none without a state), passed to save it the second read.
            const found = state
              ? await hasPendingOn(client, accountId, folderId, deviceRowId, state.cursor, addsOnly, state.ownAfter ?? null)
              : await hasPendingOn(client, accountId, folderId, deviceRowId, baseline, true, null);
            if (found) out.push(folderId);
          }
          return out;
        },
        { isolation: 'repeatable read', readOnly: true },
      ),
  };
}
