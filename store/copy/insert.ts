// Batched INSERTs into one PostgreSQL table for `eas-push copy`: rows are buffered and sent as one
// multi-row INSERT per batch (by default 500 rows, or fewer once they hold 8 MB, so a mailbox of
// large attachments is streamed, never held in memory). Values go as parameters exactly as read
// from SQLite: integers as BigInt (exact), REALs as numbers, text, blobs as Buffers (bytea).
import type { PgClient } from '../postgres/connect.js';
import { quoteIdent } from './sqlite-source.js';

export interface BatchLimits {
  rows: number;
  bytes: number;
}

export const DEFAULT_LIMITS: BatchLimits = { rows: 500, bytes: 8 * 1024 * 1024 };

/** PostgreSQL's bound on the parameters of one statement. */
const MAX_PARAMETERS = 65_535;

export function valueBytes(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (Buffer.isBuffer(v)) return v.length;
  if (typeof v === 'string') return Buffer.byteLength(v);
  return 8;
}

export interface Inserter {
  /** Buffers one row (values in `columns` order); sends a batch when it is full. */
  add(values: unknown[], bytes: number): Promise<void>;
  /** Sends what is buffered. */
  flush(): Promise<void>;
}

/**
 * An inserter for `columns` of `table`. `overriding`: some column is an identity, and its copied
 * value must win over the generator (GENERATED ALWAYS refuses a value without it). `afterBatch`
 * runs once a batch is in (the search index of the messages just inserted); `full`: it had the
 * most rows a batch takes, so its statements can be prepared once for all such batches.
 */
export function createInserter(
  client: PgClient,
  table: string,
  columns: readonly string[],
  options: { overriding: boolean; limits?: BatchLimits; afterBatch?: (rows: unknown[][], full: boolean) => Promise<void> },
): Inserter {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const maxRows = Math.max(1, Math.min(limits.rows, Math.floor(MAX_PARAMETERS / columns.length)));
  const head = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')})${options.overriding ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES `;
  let rows: unknown[][] = [];
  let bytes = 0;

  const flush = async () => {
    if (rows.length === 0) return;
    const batch = rows;
    rows = [];
    bytes = 0;
    const n = columns.length;
    const tuples = batch.map((_, i) => `(${columns.map((_, j) => `$${i * n + j + 1}`).join(', ')})`);
    // A full batch is always the same statement: prepared once, PostgreSQL parses and plans
    // its thousands of parameters once instead of once per batch.
    const full = batch.length === maxRows;
    await client.query({ ...(full ? { name: `eas_push_copy_${table}_${maxRows}` } : {}), text: head + tuples.join(', '), values: batch.flat() });
    await options.afterBatch?.(batch, full);
  };

  return {
    async add(values, size) {
      rows.push(values);
      bytes += size;
      if (rows.length >= maxRows || bytes >= limits.bytes) await flush();
    },
    flush,
  };
}
