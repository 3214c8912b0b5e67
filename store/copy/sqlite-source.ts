// The source of `eas-push copy` (store/copy/index.ts): an existing SQLite store, opened read-only
// and read in one read transaction, so every table comes from the same snapshot even if a CLI
// command writes meanwhile. Its schema must be the one this eas-push writes (user_version =
// the last SQLite migration): the copy maps columns one to one and knows no other model.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { databaseInUse } from '../backup.js';
import { MIGRATIONS } from '../migrations.js';
import { CopyError } from './errors.js';

export interface SqliteTable {
  name: string;
  /** Column names in declaration order. */
  columns: string[];
  /** False for WITHOUT ROWID tables. */
  hasRowid: boolean;
}

export interface SqliteSource {
  file: string;
  version: number;
  /** Ordinary tables: no sqlite_* internals, no virtual tables nor their shadow tables. */
  tables: SqliteTable[];
  /** Virtual tables (FTS5) and their shadow tables: indexes the copy rebuilds, never reads. */
  virtualTables: string[];
  /** sqlite_sequence: the highest id AUTOINCREMENT ever handed out, per table (ids of deleted rows included). */
  sequences: Map<string, number>;
  count(table: string): number;
  /**
   * The rows of a SELECT (integers as BigInt: exact, whatever their size), streamed. One at a
   * time: while it is being iterated the connection runs nothing else.
   */
  rows(select: string): IterableIterator<Record<string, unknown>>;
  /** Any SELECT on the snapshot (one row), for the report and checks. */
  get<T>(sql: string): T | undefined;
  close(): void;
}

export const SQLITE_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Opens `file` for the copy. Refused: a missing file, a file some process holds open (a running
 * `eas-push serve` keeps its connection for as long as it runs: what it writes after the
 * snapshot would be lost), not an eas-push store, or a schema version other than this one's.
 */
export function openSqliteSource(file: string): SqliteSource {
  if (!existsSync(file)) throw new CopyError(`${file}: no such file`);
  let inUse: boolean;
  try {
    inUse = databaseInUse(file);
  } catch (err) {
    // The check needs write access (it takes SQLite's exclusive lock). On a file this process
    // may not write (a backup on read-only media) it cannot be made; the copy still reads one
    // consistent snapshot, and the help says the server must be stopped.
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !/^SQLITE_(READONLY|PERM|CANTOPEN)/.test(code)) {
      throw new CopyError(`${file}: cannot open: ${err instanceof Error ? err.message : String(err)}`);
    }
    inUse = false;
  }
  if (inUse) throw new CopyError(`${file} is in use by another process (a running eas-push serve?); stop the server first: mail it accepts during the copy would be lost`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CopyError(`${file}: cannot open: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return readSource(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
}

function readSource(db: Database.Database, file: string): SqliteSource {
  db.pragma('busy_timeout = 5000');
  let master: Array<{ name: string; sql: string | null }>;
  try {
    master = db.prepare<[], { name: string; sql: string | null }>("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
  } catch (err) {
    throw new CopyError(`${file}: not an eas-push database (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!master.some((t) => t.name === 'accounts')) throw new CopyError(`${file}: not an eas-push database (no accounts table)`);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < SQLITE_VERSION) {
    throw new CopyError(
      `${file} is at schema version ${version}, this eas-push copies version ${SQLITE_VERSION}: run "eas-push migrate --store sqlite:${file}" on it first (with the server stopped)`,
    );
  }
  if (version > SQLITE_VERSION) {
    throw new CopyError(`${file} is at schema version ${version}, from a newer eas-push (this one knows ${SQLITE_VERSION}); copy it with that version`);
  }

  const virtualTables = master.filter((t) => /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(t.sql ?? '')).map((t) => t.name);
  // FTS5 keeps its index in shadow tables named after it (messages_fts_data, _idx, _config…).
  const isShadow = (name: string) => virtualTables.some((v) => name.startsWith(`${v}_`));
  const shadows = master.filter((t) => isShadow(t.name)).map((t) => t.name);
  const tables: SqliteTable[] = master
    .filter((t) => !t.name.startsWith('sqlite_') && !virtualTables.includes(t.name) && !isShadow(t.name))
    .map((t) => ({
      name: t.name,
      columns: (db.pragma(`table_info(${quoteIdent(t.name)})`) as Array<{ name: string }>).map((c) => c.name),
      hasRowid: !/\)\s*WITHOUT\s+ROWID\s*;?\s*$/i.test(t.sql ?? ''),
    }));

  // One read transaction for everything that follows: one snapshot of the whole store.
  db.exec('BEGIN');
  const sequences = new Map<string, number>();
  if (master.some((t) => t.name === 'sqlite_sequence')) {
    for (const r of db.prepare<[], { name: string; seq: number }>('SELECT name, seq FROM sqlite_sequence').all()) sequences.set(r.name, r.seq);
  }

  return {
    file,
    version,
    tables,
    virtualTables: [...virtualTables, ...shadows],
    sequences,
    count: (table) => db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`).get()!.n,
    rows(select) {
      const stmt = db.prepare(select);
      stmt.safeIntegers(true);
      return stmt.iterate() as IterableIterator<Record<string, unknown>>;
    },
    get: <T>(sql: string) => db.prepare(sql).get() as T | undefined,
    close() {
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
    },
  };
}
