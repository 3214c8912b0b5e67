// Commits made by another process on the same file (the CLI's `calendar import` while the server
// runs, `user` commands…) reach this process's change feed: SQLite's data_version tells, for the
// price of one pragma, whether any other connection committed since the last look; only then are
// the journal rows written since read and published as wake-ups. A wake-up is only "look again"
// (docs/push.md rule 9), so one of this process's own rows published a second time is harmless.
import type Database from 'better-sqlite3';
import type { FeedEvent, PublishingFeed } from './change-feed.js';
import type { ChangeKind } from './types.js';

const ITEM_KINDS = new Set<string>(['add', 'change', 'delete', 'move-in', 'move-out']);

/** Returns the check: call it on a timer; it returns how many wake-ups it published. */
export function createExternalCommits(db: Database.Database, feed: PublishingFeed): () => number {
  const dataVersion = () => db.pragma('data_version', { simple: true }) as number;
  const lastRow = db.prepare<[], { r: number }>('SELECT ifnull(max(rowid), 0) AS r FROM changes');
  const rowsAfter = db.prepare<[number], { r: number; account_id: number; folder_id: number; kind: string }>(
    'SELECT rowid AS r, account_id, folder_id, kind FROM changes WHERE rowid > ? ORDER BY rowid',
  );
  let seenVersion = dataVersion();
  let seenRow = lastRow.get()?.r ?? 0;

  return () => {
    const version = dataVersion();
    if (version === seenVersion) {
      // Nothing from elsewhere: whatever was journaled since is this process's own, published already.
      seenRow = lastRow.get()?.r ?? seenRow;
      return 0;
    }
    seenVersion = version;
    const events = new Map<string, FeedEvent>();
    for (const row of rowsAfter.all(seenRow)) {
      seenRow = row.r;
      if (!ITEM_KINDS.has(row.kind)) continue;
      events.set(`${row.account_id}:${row.folder_id}:${row.kind}`, { accountId: row.account_id, folderId: row.folder_id, kind: row.kind as ChangeKind });
    }
    feed.publish(events.values());
    return events.size;
  };
}
