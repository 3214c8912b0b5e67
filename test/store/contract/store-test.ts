// `storeTest(title, impl)`: one ava test per Store implementation (factories.ts), each given a
// fresh store of its own. The test sees only the Store contract (store/types.ts).
// `storeSqlTest(title, impl)`: the same, with a connection of the test's own to the store's
// database (OpenedStore), for what the contract leaves unseen (rows a purge removed).
import test, { type ExecutionContext } from 'ava';
import type { Store } from '../../../store/types.js';
import { storeFactories, type OpenedStore, type StoreFactory } from './factories.js';

export type StoreTestImpl = (t: ExecutionContext, store: Store) => Promise<void> | void;

export function storeTest(title: string, impl: StoreTestImpl, factories: readonly StoreFactory[] = storeFactories): void {
  for (const factory of factories) {
    (factory.test ?? test)(`${title} [${factory.name}]`, async (t) => impl(t, await factory.open(t)));
  }
}

export type StoreSqlTestImpl = (t: ExecutionContext, opened: OpenedStore) => Promise<void> | void;

export function storeSqlTest(title: string, impl: StoreSqlTestImpl, factories: readonly StoreFactory[] = storeFactories): void {
  for (const factory of factories) {
    (factory.test ?? test)(`${title} [${factory.name}]`, async (t) => impl(t, await factory.openWithSql(t)));
  }
}
