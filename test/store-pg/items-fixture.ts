// The PostgreSQL items, documents, changes, import and delivery modules composed over one test
// database, as store/postgres/index.ts composes them (test/store-pg/items*, deliver*, docs*).
// Accounts, folders and devices are plain rows written here, so these tests depend on no other
// PostgreSQL part than the writer; `node()` opens a second node (own pool, feed and writer) on
// the same database.
import type { ExecutionContext } from 'ava';
import type pg from 'pg';
import { createChangeFeed, type PublishingFeed } from '../../store/change-feed.js';
import type { PgStoreContext } from '../../store/postgres/context.js';
import { pgDeliveryPlan } from '../../store/postgres/delivery-plan.js';
import { createPgDocs, writeDocs } from '../../store/postgres/docs.js';
import { createPgItemChanges } from '../../store/postgres/item-changes.js';
import { createPgItems } from '../../store/postgres/items.js';
import { createPgMailImport } from '../../store/postgres/mail-import.js';
import { createPgWriter } from '../../store/postgres/writer.js';
import { FolderType, type Store } from '../../store/types.js';
import { pgDatabase, type PgTestDatabase } from '../helpers/postgres.js';

export type ItemsStore = Pick<
  Store,
  | 'deliver' | 'addItem' | 'getItem' | 'listItems' | 'countItems' | 'getBody' | 'getAttachment' | 'updateItem' | 'deleteItem'
  | 'moveItem' | 'replaceMessage' | 'importMail' | 'isImported' | 'addDoc' | 'replaceDoc' | 'findDocByUid' | 'upsertDocs'
  | 'changes' | 'countChanges' | 'hasPending'
>;

export interface Node {
  store: ItemsStore;
  feed: PublishingFeed;
  ctx: PgStoreContext;
  pool: pg.Pool;
}

export interface TestAccount {
  id: number;
  inbox: number;
  drafts: number;
  deleted: number;
  calendar: number;
}

export interface ItemsFixture extends Node {
  db: PgTestDatabase;
  /** Another node on the same database. */
  node(name: string, poolSize?: number): Node;
  account(address: string): Promise<TestAccount>;
  folder(accountId: number, name: string, type?: number): Promise<number>;
  device(accountId: number, deviceId: string): Promise<number>;
  head(accountId: number): Promise<number>;
  /** Journal rows of the account, in the order written. */
  journal(accountId: number): Promise<{ modseq: number; folder_id: number; item_id: number | null; kind: string }[]>;
}

function openNode(t: ExecutionContext, db: PgTestDatabase, name: string, poolSize: number): Node {
  const pool = db.pool(poolSize);
  const feed = createChangeFeed((err) => t.fail(`listener failed: ${String(err)}`));
  const ctx: PgStoreContext = { pool, feed, node: name, write: createPgWriter(pool, feed, name) };
  const items = createPgItems(ctx);
  const store: ItemsStore = {
    ...items,
    ...createPgDocs(ctx),
    ...createPgItemChanges(ctx),
    ...createPgMailImport(ctx),
    deliver: (deliveries, parsed, plan) => items.deliver(deliveries, parsed, writeDocs, plan && pgDeliveryPlan(plan)),
  };
  return { store, feed, ctx, pool };
}

export async function itemsFixture(t: ExecutionContext, poolSize = 4): Promise<ItemsFixture> {
  const db = await pgDatabase(t, { migrated: true });
  const main = openNode(t, db, 'node-a', poolSize);
  const { pool } = main;
  const one = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]) => (await pool.query<R>(sql, params)).rows[0]!;
  const folder = async (accountId: number, name: string, type: number = FolderType.UserMail, system = 0) =>
    (
      await one<{ id: number }>(
        `INSERT INTO folders (account_id, name, type, system, created_modseq, modseq) VALUES ($1, $2, $3, $4, 0, 0) RETURNING id`,
        [accountId, name, type, system],
      )
    ).id;
  return {
    ...main,
    db,
    node: (name, size = poolSize) => openNode(t, db, name, size),
    async account(address) {
      const { id } = await one<{ id: number }>(
        `INSERT INTO accounts (address, password_hash, created_at) VALUES ($1, 'x', '2026-01-01T00:00:00.000Z') RETURNING id`,
        [address],
      );
      return {
        id,
        inbox: await folder(id, 'Inbox', FolderType.Inbox, 1),
        drafts: await folder(id, 'Drafts', FolderType.Drafts, 1),
        deleted: await folder(id, 'Deleted Items', FolderType.DeletedItems, 1),
        calendar: await folder(id, 'Calendar', FolderType.Calendar, 1),
      };
    },
    folder: (accountId, name, type) => folder(accountId, name, type),
    device: async (accountId, deviceId) =>
      (
        await one<{ id: number }>(
          `INSERT INTO devices (account_id, device_id, device_type, first_seen_at, last_seen_at)
           VALUES ($1, $2, 'Phone', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z') RETURNING id`,
          [accountId, deviceId],
        )
      ).id,
    head: async (accountId) => (await one<{ modseq: number }>('SELECT modseq FROM accounts WHERE id = $1', [accountId])).modseq,
    journal: async (accountId) =>
      (
        await pool.query<{ modseq: number; folder_id: number; item_id: number | null; kind: string }>(
          'SELECT modseq, folder_id, item_id, kind FROM changes WHERE account_id = $1 ORDER BY id',
          [accountId],
        )
      ).rows,
  };
}
