// The Store implementations the contract tests run against (docs/store.md "The asynchronous
// contract"). A new implementation joins the contract tests by adding its factory here; a test
// that needs a particular implementation's insides (SQLite's file, its migrations) stays with
// plain `test` and tempStore().
import type { ExecutionContext } from 'ava';
import type { Store } from '../../../store/types.js';
import { tempStore } from '../helpers.js';

export interface StoreFactory {
  /** Shown in the test title: "… [sqlite]". */
  name: string;
  /** A fresh, empty store for one test; the factory closes it and drops its data at the test's teardown. */
  open(t: ExecutionContext): Promise<Store>;
}

export const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  open: async (t) => tempStore(t).store,
};

export const storeFactories: readonly StoreFactory[] = [sqliteFactory];
