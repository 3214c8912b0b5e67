// What every part of the PostgreSQL store is built from (store/postgres/index.ts composes them
// the way store/index.ts composes the SQLite parts): the query pool, the one writer (modseq,
// journal, NOTIFY at COMMIT, this node's feed after it), the feed, and this node's name.
import type pg from 'pg';
import type { PublishingFeed } from '../change-feed.js';
import type { PgWrite } from './writer.js';

export interface PgStoreContext {
  /** Reads outside a write go through the pool (one statement, or REPEATABLE READ where a read must be one snapshot). */
  pool: pg.Pool;
  /** Every write: one transaction, the account's row lock taken by tx.modseq() (docs/store.md). */
  write: PgWrite;
  feed: PublishingFeed;
  /** This node's name on the NOTIFY bus. */
  node: string;
}
