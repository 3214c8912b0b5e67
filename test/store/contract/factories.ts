// The Store implementations the contract tests run against (docs/store.md "The asynchronous
// contract"). A new implementation joins the contract tests by adding its factory here; a test
// that needs a particular implementation's insides (SQLite's file, its migrations) stays with
// plain `test` and tempStore().
import type { ExecutionContext, TestFn } from 'ava';
import { openPostgresStore } from '../../../store/postgres/index.js';
import type { Store } from '../../../store/types.js';
import { pgDatabase, pgTest } from '../../helpers/postgres.js';
import { tempStore } from '../helpers.js';

export interface StoreFactory {
  /** Shown in the test title: "… [sqlite]". */
  name: string;
  /** A fresh, empty store for one test; the factory closes it and drops its data at the test's teardown. */
  open(t: ExecutionContext): Promise<Store>;
  /**
   * The ava `test` to declare its tests with (default: ava's own): PostgreSQL's is skipped on a
   * machine without PostgreSQL, and fails there under CI (test/helpers/postgres.ts).
   */
  test?: TestFn;
}

export const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  open: async (t) => tempStore(t).store,
};

/**
 * A fresh database of the test process's private cluster per test, with the schema applied
 * (copied from a migrated template; openPostgresStore then finds it up to date), and a store with
 * its own pool and LISTEN connection on it. The pool is kept small: a test file's tests run at
 * the same time, each with its own store, on one cluster.
 */
export const pgFactory: StoreFactory = {
  name: 'postgres',
  test: pgTest,
  open: async (t) => {
    const db = await pgDatabase(t, { migrated: true });
    const store = await openPostgresStore(db.url, { poolSize: 3 });
    // Registered after the database's: ava runs teardowns last-registered first, so the store
    // is closed before its database is dropped.
    t.teardown(() => store.close());
    return store;
  },
};

export const storeFactories: readonly StoreFactory[] = [sqliteFactory, pgFactory];
