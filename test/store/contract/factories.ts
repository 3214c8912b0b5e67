// The Store implementations the contract tests run against (docs/store.md "The asynchronous
// contract"). A new implementation joins the contract tests by adding its factory here; a test
// that needs a particular implementation's insides (SQLite's file, its migrations) stays with
// plain `test` and tempStore().
import type { ExecutionContext, TestFn } from 'ava';
import Database from 'better-sqlite3';
import { openPostgresStore } from '../../../store/postgres/index.js';
import type { Store } from '../../../store/types.js';
import { pgDatabase, pgTest } from '../../helpers/postgres.js';
import { tempStore } from '../helpers.js';

/** A fresh store, and its database reached apart from it (a second connection, as the CLI or an operator would). */
export interface OpenedStore {
  store: Store;
  /**
   * Runs one statement without parameters, in the SQL both dialects read alike (literals inline),
   * and returns its rows (none for a write). For what a test cannot see through the Store:
   * rows a purge removed, a value written behind the store's back.
   */
  sql(text: string): Promise<Record<string, unknown>[]>;
  /** count(*) of a table, or of "table WHERE …". */
  count(from: string): Promise<number>;
}

export interface StoreFactory {
  /** Shown in the test title: "… [sqlite]". */
  name: string;
  /** A fresh, empty store for one test; the factory closes it and drops its data at the test's teardown. */
  open(t: ExecutionContext): Promise<Store>;
  /** The same, with a connection of the test's own to the store's database. */
  openWithSql(t: ExecutionContext): Promise<OpenedStore>;
  /**
   * The ava `test` to declare its tests with (default: ava's own): PostgreSQL's is skipped on a
   * machine without PostgreSQL, and fails there under CI (test/helpers/postgres.ts).
   */
  test?: TestFn;
}

function opened(store: Store, sql: OpenedStore['sql']): OpenedStore {
  return { store, sql, count: async (from) => Number((await sql(`SELECT count(*) AS n FROM ${from}`))[0]!.n) };
}

export const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  open: async (t) => tempStore(t).store,
  openWithSql: async (t) => {
    const { store, file } = tempStore(t);
    const db = new Database(file);
    t.teardown(() => db.close());
    return opened(store, async (text) => {
      const stmt = db.prepare(text);
      if (stmt.reader) return stmt.all() as Record<string, unknown>[];
      stmt.run();
      return [];
    });
  },
};

/**
 * A fresh database of the test process's private cluster per test, with the schema applied
 * (copied from a migrated template; openPostgresStore then finds it up to date), and a store with
 * its own pool and LISTEN connection on it. The pool is kept small: a test file's tests run at
 * the same time, each with its own store, on one cluster.
 */
async function openPg(t: ExecutionContext): Promise<OpenedStore> {
  const db = await pgDatabase(t, { migrated: true });
  const store = await openPostgresStore(db.url, { poolSize: 3 });
  // Registered after the database's: ava runs teardowns last-registered first, so the store
  // is closed before its database is dropped.
  t.teardown(() => store.close());
  const pool = db.pool(1);
  return opened(store, async (text) => (await pool.query(text)).rows as Record<string, unknown>[]);
}

export const pgFactory: StoreFactory = {
  name: 'postgres',
  test: pgTest,
  open: async (t) => (await openPg(t)).store,
  openWithSql: openPg,
};

export const storeFactories: readonly StoreFactory[] = [sqliteFactory, pgFactory];
