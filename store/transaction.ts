// The one way the store writes: a better-sqlite3 transaction that takes each touched account's
// next modseq, writes journal rows, and publishes the collected feed events only after COMMIT.
import type Database from 'better-sqlite3';
import type { PublishingFeed, FeedEvent } from './change-feed.js';
import { StoreError, type ChangeKind, type Origin } from './types.js';

/**
 * Journal kinds: item kinds go to the feed; folder kinds only to the journal, and so does
 * 'import-add', an item a bulk import added without --push (docs/push.md rule 12).
 */
export type JournalKind = ChangeKind | 'folder-add' | 'folder-change' | 'folder-delete' | 'import-add';

export interface WriteContext {
  /** The account's modseq for this transaction: taken on first use, the same afterwards. */
  modseq(accountId: number): number;
  journal(accountId: number, folderId: number, itemId: number | null, kind: JournalKind, origin: Origin): void;
}

export type Write = <T>(fn: (tx: WriteContext) => T) => T;

export function createWriter(db: Database.Database, feed: PublishingFeed): Write {
  const nextModseq = db.prepare<[number], { modseq: number }>(
    'UPDATE accounts SET modseq = modseq + 1 WHERE id = ? RETURNING modseq',
  );
  const insertJournal = db.prepare(
    'INSERT INTO changes (account_id, modseq, folder_id, item_id, kind, origin) VALUES (?, ?, ?, ?, ?, ?)',
  );

  return <T>(fn: (tx: WriteContext) => T): T => {
    if (db.inTransaction) throw new Error('store writes must not nest');
    const modseqs = new Map<number, number>();
    // Keyed so that emptying 1,000 items wakes a waiter once, not 1,000 times.
    const events = new Map<string, FeedEvent>();
    const ctx: WriteContext = {
      modseq(accountId) {
        let m = modseqs.get(accountId);
        if (m === undefined) {
          const row = nextModseq.get(accountId);
          if (!row) throw new StoreError('no-such-account', `no account ${accountId}`);
          m = row.modseq;
          modseqs.set(accountId, m);
        }
        return m;
      },
      journal(accountId, folderId, itemId, kind, origin) {
        insertJournal.run(accountId, ctx.modseq(accountId), folderId, itemId, kind, origin);
        if (kind.startsWith('folder-') || kind === 'import-add') return;
        events.set(`${accountId}:${folderId}:${kind}`, { accountId, folderId, kind: kind as ChangeKind });
      },
    };
    // IMMEDIATE: take the write lock up front so a concurrent CLI writer makes us wait
    // (busy_timeout) instead of failing with SQLITE_BUSY on lock upgrade mid-transaction.
    const result = db.transaction(() => fn(ctx)).immediate();
    feed.publish(events.values());
    return result;
  };
}
