// The one way the PostgreSQL store writes (the counterpart of store/transaction.ts): a
// transaction that takes each touched account's next modseq, writes journal rows, queues the
// wake-ups for the other nodes (NOTIFY, delivered at COMMIT) and, once committed, publishes them
// to this node's own feed. Never a wake-up before the commit or after a rollback (docs/push.md
// rule 9), on this node or any other.
import type pg from 'pg';
import type { FeedEvent, PublishingFeed } from '../change-feed.js';
import { StoreError, type ChangeKind, type Origin } from '../types.js';
import type { JournalKind } from '../transaction.js';
import { withTransaction, type PgClient, type TransactionOptions } from './connect.js';
import { sendNotifications } from './notify.js';

export interface PgWriteContext {
  /** The transaction's connection: every statement of the write runs on it. */
  client: PgClient;
  /**
   * The account's modseq for this transaction: taken on first use, the same afterwards.
   * Taking it locks the account's row until COMMIT, so the account's writers commit in modseq
   * order (docs/sync.md §1): a cursor at N never skips an N-1 that commits later.
   */
  modseq(accountId: number): Promise<number>;
  journal(accountId: number, folderId: number, itemId: number | null, kind: JournalKind, origin: Origin): Promise<void>;
}

export type PgWrite = <T>(fn: (tx: PgWriteContext) => Promise<T>, options?: TransactionOptions) => Promise<T>;

export function createPgWriter(pool: pg.Pool, feed: PublishingFeed, node: string): PgWrite {
  return async <T>(fn: (tx: PgWriteContext) => Promise<T>, options?: TransactionOptions): Promise<T> => {
    // Per attempt: a transaction retried after a deadlock starts over with nothing collected.
    let events = new Map<string, FeedEvent>();
    const result = await withTransaction(
      pool,
      async (client) => {
        const modseqs = new Map<number, Promise<number>>();
        events = new Map();
        const tx: PgWriteContext = {
          client,
          modseq(accountId) {
            let m = modseqs.get(accountId);
            if (m === undefined) {
              // UPDATE … RETURNING, not SELECT … FOR UPDATE: the same row lock held to COMMIT, in
              // one round trip, and a weaker lock mode (FOR NO KEY UPDATE) that does not block
              // the foreign-key checks of other transactions inserting rows of this account.
              m = client
                .query<{ modseq: number }>('UPDATE accounts SET modseq = modseq + 1 WHERE id = $1 RETURNING modseq', [accountId])
                .then((r) => {
                  const row = r.rows[0];
                  if (!row) throw new StoreError('no-such-account', `no account ${accountId}`);
                  return row.modseq;
                });
              modseqs.set(accountId, m);
            }
            return m;
          },
          async journal(accountId, folderId, itemId, kind, origin) {
            const m = await tx.modseq(accountId);
            await client.query(
              'INSERT INTO changes (account_id, modseq, folder_id, item_id, kind, origin) VALUES ($1, $2, $3, $4, $5, $6)',
              [accountId, m, folderId, itemId, kind, origin],
            );
            // Folder kinds and a quiet import reach the journal only (docs/push.md rule 12).
            if (kind.startsWith('folder-') || kind === 'import-add') return;
            events.set(`${accountId}:${folderId}:${kind}`, { accountId, folderId, kind: kind as ChangeKind });
          },
        };
        const value = await fn(tx);
        // Last statement before COMMIT: delivered to the other nodes when it commits.
        await sendNotifications(client, node, events.values());
        return value;
      },
      options,
    );
    feed.publish(events.values());
    return result;
  };
}
