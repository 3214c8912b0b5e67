// RCPT TO: is the address a mailbox of this server? Case and "+tag" are the store's rule
// (findAccount); an address the store calls invalid is simply not ours.

import type { Account, Store } from '../store/types.js';
import { StoreError } from '../store/types.js';

export async function localAccount(store: Store, address: string): Promise<Account | null> {
  try {
    return await store.findAccount(address);
  } catch (err) {
    if (err instanceof StoreError && (err.code === 'invalid-address' || err.code === 'no-such-account')) return null;
    throw err;
  }
}
