// Rows and a store context for the PostgreSQL tests of sync states, Options, loops, ClientIds and
// maintenance (test/store-pg/sync*.test.ts, client-ids*.test.ts, maintenance*.test.ts). Accounts,
// folders, devices and items are written with plain SQL, so these tests depend on no other
// PostgreSQL part than the writer.
import type { ExecutionContext } from 'ava';
import type pg from 'pg';
import { createChangeFeed } from '../../store/change-feed.js';
import type { PgStoreContext } from '../../store/postgres/context.js';
import { createPgWriter } from '../../store/postgres/writer.js';
import { pgDatabase } from '../helpers/postgres.js';

export interface Fixture {
  ctx: PgStoreContext;
  pool: pg.Pool;
  account(address: string): Promise<number>;
  folder(accountId: number, name: string, type?: number): Promise<number>;
  device(accountId: number, deviceId: string, lastSeenAt?: string): Promise<number>;
  /** A document item (no message needed) at the account's next modseq; returns its id. */
  item(accountId: number, folderId: number, origin?: number | null): Promise<number>;
  /** Tombstones the item at the account's next modseq, journaled as a delete. */
  remove(accountId: number, itemId: number, at?: string): Promise<void>;
  count(table: string): Promise<number>;
  head(accountId: number): Promise<number>;
}

export async function fixture(t: ExecutionContext): Promise<Fixture> {
  const db = await pgDatabase(t, { migrated: true });
  const pool = db.pool();
  const feed = createChangeFeed((err) => {
    throw err;
  });
  const ctx: PgStoreContext = { pool, feed, node: 'test-node', write: createPgWriter(pool, feed, 'test-node') };
  const one = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]) => (await pool.query<R>(sql, params)).rows[0]!;
  return {
    ctx,
    pool,
    account: async (address) =>
      (await one<{ id: number }>(`INSERT INTO accounts (address, password_hash, created_at) VALUES ($1, 'x', '2026-01-01T00:00:00.000Z') RETURNING id`, [address])).id,
    folder: async (accountId, name, type = 12) =>
      (await one<{ id: number }>(
        'INSERT INTO folders (account_id, name, type, created_modseq, modseq) VALUES ($1, $2, $3, 0, 0) RETURNING id',
        [accountId, name, type],
      )).id,
    device: async (accountId, deviceId, lastSeenAt = new Date().toISOString()) =>
      (await one<{ id: number }>(
        `INSERT INTO devices (account_id, device_id, device_type, first_seen_at, last_seen_at) VALUES ($1, $2, 'Phone', $3, $3) RETURNING id`,
        [accountId, deviceId, lastSeenAt],
      )).id,
    item: (accountId, folderId, origin = null) =>
      ctx.write(async (tx) => {
        const m = await tx.modseq(accountId);
        const id = (
          await tx.client.query<{ id: number }>(
            `INSERT INTO items (account_id, folder_id, data, received_at, created_modseq, created_origin, modseq, origin)
             VALUES ($1, $2, '{}', '9999-12-31T23:59:59.999Z', $3, $4, $3, $4) RETURNING id`,
            [accountId, folderId, m, origin],
          )
        ).rows[0]!.id;
        await tx.journal(accountId, folderId, id, 'add', origin);
        return id;
      }),
    remove: (accountId, itemId, at = new Date().toISOString()) =>
      ctx.write(async (tx) => {
        const m = await tx.modseq(accountId);
        const r = await tx.client.query<{ folder_id: number }>(
          'UPDATE items SET deleted_modseq = $1, deleted_at = $2, modseq = $1 WHERE id = $3 RETURNING folder_id',
          [m, at, itemId],
        );
        await tx.journal(accountId, r.rows[0]!.folder_id, itemId, 'delete', null);
      }),
    count: async (table) => (await one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`, [])).n,
    head: async (accountId) => (await one<{ modseq: number }>('SELECT modseq FROM accounts WHERE id = $1', [accountId])).modseq,
  };
}
