// The admin flag of an account (docs/admin.md §1): `user add --admin` and
// `user set ADDRESS --admin|--no-admin`. Admins may log in to the operator's console
// (serve --admin); the console re-reads the flag on every request, so a change here takes
// effect at once on a running server.

import type { Store } from '../../store/types.js';
import { exactAccount, withStore } from './admin-store.js';
import type { Io } from './common.js';
import { usageError } from './errors.js';
import type { OptionSpec } from './options.js';

export const ADMIN: OptionSpec = { name: 'admin', kind: 'flag', help: 'may log in to the operator\'s console (serve --admin)', env: false };
export const NO_ADMIN: OptionSpec = { name: 'no-admin', kind: 'flag', help: 'may no longer log in to the operator\'s console', env: false };

/** --admin, --no-admin, or neither (undefined); both is a usage error. */
export function adminChoice(values: Map<string, unknown>, command: string): boolean | undefined {
  const on = values.get('admin') === true;
  const off = values.get('no-admin') === true;
  if (on && off) throw usageError(`user ${command}: use --admin or --no-admin, not both`);
  return on ? true : off ? false : undefined;
}

export async function markAdmin(store: Store, accountId: number, admin: boolean): Promise<void> {
  await store.setAdmin(accountId, admin);
}

/** `user set ADDRESS --admin|--no-admin`: the admin flag alone. */
export async function setAdminFlag(values: Map<string, unknown>, address: string, io: Io, command = 'set'): Promise<number> {
  const admin = adminChoice(values, command);
  if (admin === undefined) throw usageError(`user ${command} needs a change to make (e.g. --admin or --no-admin)`);
  const canonical = await withStore(values, async (store) => {
    const account = await exactAccount(store, address, 'see eas-push user list');
    await markAdmin(store, account.id, admin);
    return account.address;
  });
  io.stdout(`${canonical} ${admin ? 'is now an admin (may log in to the console)' : 'is no longer an admin'}\n`);
  return 0;
}
