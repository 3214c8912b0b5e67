// `storeTest(title, impl)`: one ava test per Store implementation (factories.ts), each given a
// fresh store of its own. The test sees only the Store contract (store/types.ts).
import test, { type ExecutionContext } from 'ava';
import type { Store } from '../../../store/types.js';
import { storeFactories, type StoreFactory } from './factories.js';

export type StoreTestImpl = (t: ExecutionContext, store: Store) => Promise<void> | void;

export function storeTest(title: string, impl: StoreTestImpl, factories: readonly StoreFactory[] = storeFactories): void {
  for (const factory of factories) {
    (factory.test ?? test)(`${title} [${factory.name}]`, async (t) => impl(t, await factory.open(t)));
  }
}
