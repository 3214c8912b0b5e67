// The last steps of `eas-push copy`, inside its transaction: the identity sequences continue
// past every id ever handed out, and each table's count is compared with the source before COMMIT.
import type { PgClient } from '../postgres/connect.js';
import { CopyError } from './errors.js';
import type { PgTable } from './pg-schema.js';
import { REBUILT, type TablePlan } from './plan.js';
import { quoteIdent, type SqliteSource } from './sqlite-source.js';
import type { TableReport } from './table.js';

/**
 * Each identity sequence continues after the highest id ever handed out: the copied rows' and
 * SQLite's sqlite_sequence (AUTOINCREMENT remembers the ids of deleted rows too, and a ServerId
 * or folder id must never come back for another item).
 */
export async function continueSequences(client: PgClient, source: SqliteSource, plans: readonly TablePlan[], target: ReadonlyMap<string, PgTable>): Promise<void> {
  for (const t of plans) {
    for (const col of target.get(t.name)?.columns.filter((c) => c.identity !== '') ?? []) {
      const max = (await client.query<{ n: number | null }>(`SELECT max(${quoteIdent(col.name)}) AS n FROM ${quoteIdent(t.name)}`)).rows[0]?.n ?? 0;
      const seq = col.name === 'id' ? (source.sequences.get(t.name) ?? 0) : 0;
      const last = Math.max(max, seq);
      if (last < 1) continue;
      await client.query('SELECT setval(pg_get_serial_sequence($1, $2), $3, true)', [quoteIdent(t.name), col.name, last]);
    }
  }
}

/** Every table holds as many rows as the snapshot had, and every message has its search entry, before COMMIT. */
export async function checkCounts(client: PgClient, source: SqliteSource, tables: readonly TableReport[], rebuilt: readonly TableReport[]): Promise<void> {
  for (const t of tables) {
    const expected = source.count(t.name);
    const copied = (await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${quoteIdent(t.name)}`)).rows[0]!.n;
    if (expected !== copied || t.rows !== expected) {
      throw new CopyError(`table ${t.name}: ${expected} rows in the SQLite store, ${copied} copied (rows the copy could not order or read); nothing copied`);
    }
  }
  for (const r of rebuilt) {
    const messages = tables.find((t) => t.name === REBUILT[r.name])?.rows ?? 0;
    if (r.rows !== messages) throw new CopyError(`${r.name}: ${r.rows} entries for ${messages} messages; nothing copied`);
  }
}
