// Who may use the operator's console (docs/admin.md), on PostgreSQL (store/admins.ts
// translated): a flag on the account, read per request and never cached, so `user set ADDRESS
// --no-admin` through any node or the CLI takes effect at the console's next request on every
// node (docs/architecture.md "One database, several processes").
import type { Store } from '../types.js';
import type { PgStoreContext } from './context.js';

export type PgAdmins = Pick<Store, 'isAdmin' | 'setAdmin'>;

export function createPgAdmins(ctx: PgStoreContext): PgAdmins {
  const { pool, write } = ctx;
  return {
    async isAdmin(accountId) {
      const r = await pool.query<{ admin: number }>('SELECT admin FROM accounts WHERE id = $1', [accountId]);
      return r.rows[0]?.admin === 1;
    },
    /** False when there is no such account. */
    async setAdmin(accountId, admin) {
      return write(async (tx) => {
        const r = await tx.client.query('UPDATE accounts SET admin = $1 WHERE id = $2', [admin ? 1 : 0, accountId]);
        return (r.rowCount ?? 0) > 0;
      });
    },
  };
}
