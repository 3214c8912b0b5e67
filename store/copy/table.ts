// One table of `eas-push copy`: its rows streamed from the SQLite snapshot into batched INSERTs,
// and for the messages table the search index of each batch (store/copy/search-index.ts).
import type { PgClient } from '../postgres/connect.js';
import { CopyError } from './errors.js';
import { createInserter, valueBytes, type BatchLimits } from './insert.js';
import type { TablePlan } from './plan.js';
import { lexemesOfRow, SEARCH_COLUMNS } from './search-index.js';
import type { SqliteSource } from './sqlite-source.js';

export interface TableReport {
  name: string;
  rows: number;
  /** Bytes of the values copied (text as UTF-8, blobs, 8 per number). */
  bytes: number;
  /** Text values that held U+0000, which PostgreSQL's text cannot: copied without it. */
  nulsRemoved: number;
}

/** Copies the rows of `t`; `fts`: also index each batch of messages into messages_fts, counted there. */
export async function copyTable(client: PgClient, source: SqliteSource, t: TablePlan, limits: BatchLimits, fts: TableReport | null): Promise<TableReport> {
  const report: TableReport = { name: t.name, rows: 0, bytes: 0, nulsRemoved: 0 };
  // The search index of the messages of a batch, made from the values just read.
  const searchAt = fts ? [t.columns.indexOf('id'), ...SEARCH_COLUMNS.map((c) => t.columns.indexOf(c))] : [];
  if (searchAt.some((i) => i < 0)) throw new CopyError(`the messages table lacks a column the search index is made from: nothing copied`);
  const indexBatch = async (rows: unknown[][], full: boolean) => {
    if (!fts) return;
    const ids: unknown[] = [];
    const documents: string[][] = [];
    for (const row of rows) {
      const [idAt, ...at] = searchAt as [number, ...number[]];
      ids.push(row[idAt]);
      documents.push(lexemesOfRow(Object.fromEntries(SEARCH_COLUMNS.map((c, i) => [c, row[at[i]!]]))));
    }
    // One statement per batch; a text[][] cannot be ragged, so each document goes as its own
    // array parameter (store/postgres/search.ts indexMessage stores the same lexemes).
    const tuples = ids.map((_, i) => `($${2 * i + 1}::bigint, array_to_tsvector($${2 * i + 2}::text[]))`);
    await client.query({
      ...(full ? { name: `eas_push_copy_messages_fts_${rows.length}` } : {}),
      text: `INSERT INTO messages_fts (message_id, document) VALUES ${tuples.join(', ')}`,
      values: ids.flatMap((id, i) => [id, documents[i]]),
    });
    fts.rows += rows.length;
    fts.bytes += documents.reduce((n, d) => n + d.reduce((m, w) => m + Buffer.byteLength(w), 0), 0);
  };
  const insert = createInserter(client, t.name, t.columns, {
    overriding: t.identities.length > 0,
    limits,
    afterBatch: indexBatch,
  });
  try {
    for (const row of source.rows(t.select)) {
      const values = t.columns.map((c) => {
        const v = row[c] ?? null;
        if (typeof v !== 'string' || !v.includes('\u0000')) return v;
        // A mail with a NUL byte in a header or its text: SQLite kept it in the parsed columns,
        // PostgreSQL's text refuses it. The raw message (bytea) keeps every byte.
        report.nulsRemoved++;
        return v.replaceAll('\u0000', '');
      });
      const bytes = values.reduce<number>((n, v) => n + valueBytes(v), 0);
      await insert.add(values, bytes);
      report.rows++;
      report.bytes += bytes;
    }
    await insert.flush();
  } catch (err) {
    if (err instanceof CopyError) throw err;
    const pgErr = err as { message?: string; detail?: string };
    throw new CopyError(`copying table ${t.name} failed near row ${report.rows + 1}: ${pgErr.message ?? String(err)}${pgErr.detail ? ` (${pgErr.detail})` : ''}; nothing copied`);
  }
  return report;
}
