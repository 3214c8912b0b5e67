// What the copy tests share: every table of a SQLite store and of the PostgreSQL database it was
// copied to, read the same way, so a test can say "the same rows" without listing the tables.

import Database from 'better-sqlite3';
import type pg from 'pg';

export type TableDump = Record<string, unknown[][]>;

/** Rows as arrays of values in a fixed column order, sorted by their printed form (order-free). */
function sorted(rows: unknown[][]): unknown[][] {
  const key = (row: unknown[]) => JSON.stringify(row.map((v) => (Buffer.isBuffer(v) ? `hex:${v.toString('hex')}` : v)));
  return rows.map((r) => [key(r), r] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, r]) => r);
}

/** The ordinary tables of a SQLite store (no internals, no FTS5 index) and their columns. */
export function sqliteColumns(file: string): Record<string, string[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'messages_fts%' ORDER BY name")
      .all();
    return Object.fromEntries(tables.map((t) => [t.name, (db.pragma(`table_info("${t.name}")`) as Array<{ name: string }>).map((c) => c.name)]));
  } finally {
    db.close();
  }
}

export function dumpSqlite(file: string, columns: Record<string, string[]>): TableDump {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(
      Object.entries(columns).map(([table, cols]) => [table, sorted(db.prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${table}"`).raw().all() as unknown[][])]),
    );
  } finally {
    db.close();
  }
}

export async function dumpPg(client: pg.Client | pg.Pool, columns: Record<string, string[]>): Promise<TableDump> {
  const dump: TableDump = {};
  for (const [table, cols] of Object.entries(columns)) {
    const r = await client.query({ text: `SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${table}"`, rowMode: 'array' });
    dump[table] = sorted(r.rows as unknown[][]);
  }
  return dump;
}
