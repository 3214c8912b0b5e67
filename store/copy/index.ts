// `eas-push copy --from sqlite:… --to postgres://…` (issue #17 point 4, docs/postgres.md "Moving an
// install"): an existing SQLite store into an empty PostgreSQL database, so that phones do not
// notice. Every row keeps its id, modseq, SyncKey, policy key and bytes, and the target's
// identity sequences continue past SQLite's AUTOINCREMENT high-water marks (a ServerId is never
// handed out twice). It is all one PostgreSQL transaction: a copy that fails leaves the target as
// empty as it found it, and running it again is the way to resume.
import type pg from 'pg';
import { createPgPool, type PgClient } from '../postgres/connect.js';
import { migratePostgres, PG_MIGRATIONS } from '../postgres/migrations.js';
import { CopyError } from './errors.js';
import { checkCounts, continueSequences } from './finish.js';
import { DEFAULT_LIMITS, type BatchLimits } from './insert.js';
import { readPgTables } from './pg-schema.js';
import { planCopy, REBUILT } from './plan.js';
import { openSqliteSource, quoteIdent, type SqliteSource } from './sqlite-source.js';
import { copyTable, type TableReport } from './table.js';

export { CopyError } from './errors.js';
export type { TableReport } from './table.js';


export interface CopyReport {
  sourceFile: string;
  sourceVersion: number;
  targetVersion: number;
  tables: TableReport[];
  /** Target tables made from others (messages_fts from messages). */
  rebuilt: TableReport[];
  /** Target tables with no SQLite counterpart, left as the migrations made them. */
  untouched: string[];
  accounts: number;
  messages: number;
  items: number;
  devices: number;
  rows: number;
  bytes: number;
  ms: number;
}

export interface CopyOptions {
  limits?: BatchLimits;
  /** Called as each table is done (the CLI prints it: a long copy shows where it is). */
  onTable?: (table: TableReport) => void;
  /** How long to wait for the target's tables when something else holds them (ms, default 10 s). */
  lockTimeoutMs?: number;
}

const LATEST_PG = PG_MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** Copies the SQLite store `file` into the PostgreSQL database at `url` (migrated first). */
export async function copyStore(file: string, url: string, options: CopyOptions = {}): Promise<CopyReport> {
  const started = Date.now();
  const source = openSqliteSource(file);
  try {
    let pool: pg.Pool;
    try {
      pool = createPgPool(url, { poolSize: 1, applicationName: 'eas-push copy' });
    } catch (err) {
      throw new CopyError(`the target database: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      let targetVersion: number;
      try {
        targetVersion = await migratePostgres(pool);
      } catch (err) {
        throw new CopyError(`the target database: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (targetVersion !== LATEST_PG) throw new CopyError(`the target database is at schema ${targetVersion}, this eas-push writes ${LATEST_PG}`);
      const report = await inOneTransaction(pool, (client) => copyAll(client, source, options));
      // Fresh tables: give the planner their statistics now rather than when autovacuum gets to
      // them. The copy has committed by now: a failure here only leaves that to autovacuum.
      await pool.query(`ANALYZE ${[...report.tables, ...report.rebuilt].map((t) => quoteIdent(t.name)).join(', ')}`).catch(() => {});
      return { ...report, sourceFile: file, sourceVersion: source.version, targetVersion, ms: Date.now() - started };
    } finally {
      await pool.end();
    }
  } finally {
    source.close();
  }
}

async function inOneTransaction<T>(pool: pg.Pool, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
    throw err;
  } finally {
    client.release(broken);
  }
}

type Counts = Omit<CopyReport, 'sourceFile' | 'sourceVersion' | 'targetVersion' | 'ms'>;

async function copyAll(client: PgClient, source: SqliteSource, options: CopyOptions): Promise<Counts> {
  const target = await readPgTables(client);
  const plan = planCopy(source.tables, target);
  const filled = [...plan.tables.map((t) => t.name), ...Object.keys(REBUILT).filter((n) => target.has(n))];

  // Nothing else writes these tables until COMMIT (a node started on the target meanwhile waits);
  // readers go on. Then the target must be empty: the copy never merges two stores.
  await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(options.lockTimeoutMs ?? 10_000))}`);
  try {
    await client.query(`LOCK TABLE ${filled.map(quoteIdent).join(', ')} IN EXCLUSIVE MODE`);
  } catch (err) {
    if ((err as { code?: string }).code === '55P03') throw new CopyError('the target database is in use (a running eas-push serve on it?); stop it first');
    throw err;
  }
  const accounts = (await client.query<{ n: number }>('SELECT count(*) AS n FROM accounts')).rows[0]!.n;
  if (accounts > 0) {
    throw new CopyError(`the target database already holds ${accounts} account${accounts === 1 ? '' : 's'}; copy fills only an empty database and never merges two stores: give it a new database`);
  }
  for (const name of filled) {
    const any = await client.query(`SELECT 1 FROM ${quoteIdent(name)} LIMIT 1`);
    if (any.rows.length > 0) throw new CopyError(`the target database is not empty (table ${name} has rows); copy fills only an empty database: give it a new database`);
  }

  const tables: TableReport[] = [];
  const rebuilt: TableReport[] = [];
  for (const t of plan.tables) {
    const fts = t.name === REBUILT.messages_fts && target.has('messages_fts') ? { name: 'messages_fts', rows: 0, bytes: 0, nulsRemoved: 0 } : null;
    const report = await copyTable(client, source, t, options.limits ?? DEFAULT_LIMITS, fts);
    tables.push(report);
    options.onTable?.(report);
    if (fts) {
      rebuilt.push(fts);
      options.onTable?.(fts);
    }
  }
  await continueSequences(client, source, plan.tables, target);
  await checkCounts(client, source, tables, rebuilt);

  const rowsOf = (name: string) => tables.find((t) => t.name === name)?.rows ?? 0;
  return {
    tables,
    rebuilt,
    untouched: plan.untouched,
    accounts: rowsOf('accounts'),
    messages: rowsOf('messages'),
    items: rowsOf('items'),
    devices: rowsOf('devices'),
    rows: tables.reduce((n, t) => n + t.rows, 0),
    bytes: tables.reduce((n, t) => n + t.bytes, 0),
  };
}
