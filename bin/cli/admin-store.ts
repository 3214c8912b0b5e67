// What the admin commands (`eas-push user …`, `eas-push device …`) share: the store of --store
// (else the data directory's), opened for one command and closed after it, and the account an
// admin names.

import type { Account, Store } from '../../store/types.js';
import { StoreError } from '../../store/types.js';
import { openStoreAt } from '../../store/open.js';
import { storeLocation } from '../data-dir.js';
import { DEFAULT_DATA_DIR } from './common.js';
import { CliError } from './errors.js';

/**
 * Runs `work` on the store of --store, else of --data-dir. A store refusal (no such account,
 * address taken…) is the admin's mistake, so it becomes a CliError: one line on stderr, exit 1, no stack.
 */
export async function withStore<T>(values: Map<string, unknown>, work: (store: Store) => T | Promise<T>): Promise<T> {
  const store = await openStoreAt(storeLocation(values.get('store') as string | undefined, (values.get('data-dir') as string | undefined) ?? DEFAULT_DATA_DIR), {
    durability: 'normal',
  });
  try {
    return await work(store);
  } catch (err) {
    if (err instanceof StoreError) throw new CliError(err.message);
    throw err;
  } finally {
    await store.close();
  }
}

/**
 * Admin commands name the account itself: "alice+tag@" finds alice for mail, not here.
 * `hint` (e.g. "see eas-push user list") is added to the error in parentheses.
 */
export async function exactAccount(store: Store, address: string, hint?: string): Promise<Account> {
  const account = await store.findAccount(address);
  if (!account || account.address !== address.trim().toLowerCase()) {
    throw new CliError(`no account ${address}${hint ? ` (${hint})` : ''}`);
  }
  return account;
}
