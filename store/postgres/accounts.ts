// Accounts and credentials on PostgreSQL (store/accounts.ts translated). Never caches the
// account list: `user add` on another node, or the CLI, must be seen at once
// (docs/architecture.md). The credential cache only remembers which stored hash a password
// matched, and every hit is checked against the row read now, so a `user passwd` through any
// node takes effect on the next request of every node (store/passwords.ts CredentialCache).
import { lookupAddress, normalizeAddress, validAccountAddress } from '../addresses.js';
import { CredentialCache, dummyHash, hashPassword, verifyHashAsync } from '../passwords.js';
import { StoreError, type Account, type Store } from '../types.js';
import type { PgStoreContext } from './context.js';
import type { PgWriteContext } from './writer.js';

interface AccountRow {
  id: number;
  address: string;
  display_name: string | null;
  created_at: string;
}

type CredentialRow = AccountRow & { password_hash: string };

const COLUMNS = 'id, address, display_name, created_at';

function toAccount(row: AccountRow): Account {
  return { id: row.id, address: row.address, displayName: row.display_name, createdAt: row.created_at };
}

export type PgAccounts = Pick<
  Store,
  | 'createAccount'
  | 'findAccount'
  | 'getAccount'
  | 'verifyPassword'
  | 'verifyPasswordAsync'
  | 'knownCredentials'
  | 'setPassword'
  | 'removeAccount'
  | 'listAccounts'
  | 'headModseq'
  | 'getOof'
  | 'setOof'
>;

export function createPgAccounts(
  ctx: PgStoreContext,
  createSystemFolders: (tx: PgWriteContext, accountId: number) => Promise<void>,
): PgAccounts {
  const { pool, write } = ctx;
  const cache = new CredentialCache();
  // Made now, not on first use, so the first unknown login costs what every other failure does.
  const dummy = dummyHash();

  async function one<R extends object>(sql: string, params: unknown[]): Promise<R | undefined> {
    return (await pool.query<R>(sql, params)).rows[0];
  }

  const credentials = (canonical: string) =>
    one<CredentialRow>(`SELECT ${COLUMNS}, password_hash FROM accounts WHERE address = $1`, [canonical]);

  /** A remembered success whose stored hash is still the same; a stale entry is dropped. */
  async function cached(canonical: string, password: string): Promise<Account | null> {
    const hit = cache.get(canonical, password);
    if (!hit) return null;
    const row = await one<CredentialRow>(`SELECT ${COLUMNS}, password_hash FROM accounts WHERE id = $1`, [hit.accountId]);
    if (row && row.password_hash === hit.storedHash) return toAccount(row);
    cache.delete(canonical, password);
    return null;
  }

  function remember(canonical: string, password: string, row: CredentialRow): Account {
    cache.set(canonical, password, row.id, row.password_hash);
    return toAccount(row);
  }

  /**
   * Both verify calls hash on libuv's thread pool: the store's calls are I/O here anyway, so the
   * CLI's verifyPassword gains nothing from blocking. The row read before hashing is the one
   * cached, so a `user passwd` landing meanwhile still invalidates the entry on its next use.
   */
  async function verify(address: string, password: string): Promise<Account | null> {
    const canonical = lookupAddress(address);
    const hit = await cached(canonical, password);
    if (hit) return hit;
    const row = await credentials(canonical);
    // An unknown address hashes the dummy: same cost as a wrong password, so response times
    // do not reveal which accounts exist.
    const ok = await verifyHashAsync(password, row?.password_hash ?? dummy);
    return row && ok ? remember(canonical, password, row) : null;
  }

  return {
    async createAccount(address, password, displayName) {
      const canonical = validAccountAddress(address);
      if (!canonical) throw new StoreError('invalid-address', `not a valid mailbox address: ${JSON.stringify(address)}`);
      // Hash outside the transaction: scrypt is slow and must not hold a connection.
      const hash = hashPassword(password);
      return write(async (tx) => {
        // ON CONFLICT instead of SQLite's look-then-insert: two nodes creating the same address
        // at once cannot both pass a look; the unique index decides in one statement.
        const r = await tx.client.query<AccountRow>(
          `INSERT INTO accounts (address, password_hash, display_name, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (address) DO NOTHING RETURNING ${COLUMNS}`,
          [canonical, hash, displayName ?? null, new Date().toISOString()],
        );
        const row = r.rows[0];
        if (!row) throw new StoreError('account-exists', `account ${canonical} already exists`);
        await createSystemFolders(tx, row.id);
        return toAccount(row);
      });
    },

    async findAccount(address) {
      const row = await one<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE address = $1`, [lookupAddress(address)]);
      return row ? toAccount(row) : null;
    },

    async getAccount(accountId) {
      const row = await one<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [accountId]);
      return row ? toAccount(row) : null;
    },

    verifyPassword: verify,
    verifyPasswordAsync: verify,

    async knownCredentials(address, password) {
      return cached(lookupAddress(address), password);
    },

    async setPassword(address, password) {
      const canonical = normalizeAddress(address);
      const hash = hashPassword(password);
      await write(async (tx) => {
        const r = await tx.client.query('UPDATE accounts SET password_hash = $1 WHERE address = $2', [hash, canonical]);
        if (r.rowCount === 0) throw new StoreError('no-such-account', `no account ${canonical}`);
      });
    },

    async removeAccount(address) {
      const canonical = normalizeAddress(address);
      // No explicit full-text delete: messages_fts goes with its messages (ON DELETE CASCADE,
      // docs/postgres.md "Schema").
      await write(async (tx) => {
        const r = await tx.client.query('DELETE FROM accounts WHERE address = $1', [canonical]);
        if (r.rowCount === 0) throw new StoreError('no-such-account', `no account ${canonical}`);
      });
    },

    async listAccounts() {
      // COLLATE "C": byte order, as SQLite sorts text, whatever the database's locale.
      return (await pool.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts ORDER BY address COLLATE "C"`)).rows.map(toAccount);
    },

    async headModseq(accountId) {
      return (await one<{ modseq: number }>('SELECT modseq FROM accounts WHERE id = $1', [accountId]))?.modseq ?? 0;
    },

    async getOof(accountId) {
      const row = await one<{ oof: string | null }>('SELECT oof FROM accounts WHERE id = $1', [accountId]);
      return row?.oof ? (JSON.parse(row.oof) as Record<string, unknown>) : null;
    },

    async setOof(accountId, oof) {
      await write(async (tx) => {
        const r = await tx.client.query('UPDATE accounts SET oof = $1 WHERE id = $2', [JSON.stringify(oof), accountId]);
        if (r.rowCount === 0) throw new StoreError('no-such-account', `no account ${accountId}`);
      });
    },
  };
}
