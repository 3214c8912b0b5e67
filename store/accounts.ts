// Accounts and credentials. Never caches the account list: `user add` in another process
// must be seen by the running server at once (docs/architecture.md).
import type Database from 'better-sqlite3';
import { lookupAddress, normalizeAddress, validAccountAddress } from './addresses.js';
import { CredentialCache, dummyHash, hashPassword, verifyHash, verifyHashAsync } from './passwords.js';
import { StoreError, type Account } from './types.js';
import type { Write, WriteContext } from './transaction.js';

interface AccountRow {
  id: number;
  address: string;
  display_name: string | null;
  created_at: string;
}

const COLUMNS = 'id, address, display_name, created_at';

function toAccount(row: AccountRow): Account {
  return { id: row.id, address: row.address, displayName: row.display_name, createdAt: row.created_at };
}

export function createAccounts(
  db: Database.Database,
  write: Write,
  createSystemFolders: (tx: WriteContext, accountId: number) => void,
) {
  const byAddress = db.prepare<[string], AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE address = ?`);
  const byId = db.prepare<[number], AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = ?`);
  const credentials = db.prepare<[string], AccountRow & { password_hash: string }>(
    `SELECT ${COLUMNS}, password_hash FROM accounts WHERE address = ?`,
  );
  const credentialsById = db.prepare<[number], AccountRow & { password_hash: string }>(
    `SELECT ${COLUMNS}, password_hash FROM accounts WHERE id = ?`,
  );
  const all = db.prepare<[], AccountRow>(`SELECT ${COLUMNS} FROM accounts ORDER BY address`);
  const insert = db.prepare<[string, string, string | null, string], AccountRow>(
    `INSERT INTO accounts (address, password_hash, display_name, created_at) VALUES (?, ?, ?, ?) RETURNING ${COLUMNS}`,
  );
  const updateHash = db.prepare<[string, string]>('UPDATE accounts SET password_hash = ? WHERE address = ?');
  const deleteAccountRow = db.prepare<[string]>('DELETE FROM accounts WHERE address = ?');
  // The FTS table is not reached by foreign-key cascades.
  const removeFts = db.prepare<[string]>(
    'DELETE FROM messages_fts WHERE rowid IN (SELECT m.id FROM messages m JOIN accounts a ON a.id = m.account_id WHERE a.address = ?)',
  );
  const getOof = db.prepare<[number], { oof: string | null }>('SELECT oof FROM accounts WHERE id = ?');
  const setOof = db.prepare<[string, number]>('UPDATE accounts SET oof = ? WHERE id = ?');
  const head = db.prepare<[number], { modseq: number }>('SELECT modseq FROM accounts WHERE id = ?');

  const cache = new CredentialCache();
  // Made now, not on first use, so the first unknown login costs what every other failure does.
  const dummy = dummyHash();

  /** A remembered success whose stored hash is still the same; a stale entry is dropped. */
  function cached(canonical: string, password: string): Account | null {
    const hit = cache.get(canonical, password);
    if (!hit) return null;
    const row = credentialsById.get(hit.accountId);
    if (row && row.password_hash === hit.storedHash) return toAccount(row);
    cache.delete(canonical, password);
    return null;
  }

  function remember(canonical: string, password: string, row: AccountRow & { password_hash: string }): Account {
    cache.set(canonical, password, row.id, row.password_hash);
    return toAccount(row);
  }

  return {
    createAccount(address: string, password: string, displayName?: string): Account {
      const canonical = validAccountAddress(address);
      if (!canonical) throw new StoreError('invalid-address', `not a valid mailbox address: ${JSON.stringify(address)}`);
      // Hash outside the transaction: scrypt is slow and must not hold the write lock.
      const hash = hashPassword(password);
      return write((tx) => {
        if (byAddress.get(canonical)) throw new StoreError('account-exists', `account ${canonical} already exists`);
        const row = insert.get(canonical, hash, displayName ?? null, new Date().toISOString());
        if (!row) throw new Error('account insert returned nothing');
        createSystemFolders(tx, row.id);
        return toAccount(row);
      });
    },

    findAccount(address: string): Account | null {
      const row = byAddress.get(lookupAddress(address));
      return row ? toAccount(row) : null;
    },

    getAccount(accountId: number): Account | null {
      const row = byId.get(accountId);
      return row ? toAccount(row) : null;
    },

    /** Blocks the event loop for a full scrypt on a miss: for the CLI and tests, not requests. */
    verifyPassword(address: string, password: string): Account | null {
      const canonical = lookupAddress(address);
      const hit = cached(canonical, password);
      if (hit) return hit;
      const row = credentials.get(canonical);
      // An unknown address hashes the dummy: same cost as a wrong password, so response times
      // do not reveal which accounts exist.
      const ok = verifyHash(password, row?.password_hash ?? dummy);
      return row && ok ? remember(canonical, password, row) : null;
    },

    /**
     * verifyPassword with the hash computed on libuv's thread pool: failed and first logins
     * do not stall parked Pings and deliveries. The row read before hashing is the one cached,
     * so a `user passwd` landing meanwhile still invalidates the entry on its next use.
     */
    async verifyPasswordAsync(address: string, password: string): Promise<Account | null> {
      const canonical = lookupAddress(address);
      const hit = cached(canonical, password);
      if (hit) return hit;
      const row = credentials.get(canonical);
      const ok = await verifyHashAsync(password, row?.password_hash ?? dummy);
      return row && ok ? remember(canonical, password, row) : null;
    },

    knownCredentials(address: string, password: string): Account | null {
      return cached(lookupAddress(address), password);
    },

    setPassword(address: string, password: string): void {
      const canonical = normalizeAddress(address);
      const hash = hashPassword(password);
      if (updateHash.run(hash, canonical).changes === 0) {
        throw new StoreError('no-such-account', `no account ${canonical}`);
      }
    },

    removeAccount(address: string): void {
      const canonical = normalizeAddress(address);
      db.transaction(() => {
        removeFts.run(canonical);
        if (deleteAccountRow.run(canonical).changes === 0) throw new StoreError('no-such-account', `no account ${canonical}`);
      }).immediate();
    },

    listAccounts(): Account[] {
      return all.all().map(toAccount);
    },

    headModseq(accountId: number): number {
      return head.get(accountId)?.modseq ?? 0;
    },

    getOof(accountId: number): Record<string, unknown> | null {
      const row = getOof.get(accountId);
      return row?.oof ? (JSON.parse(row.oof) as Record<string, unknown>) : null;
    },

    setOof(accountId: number, oof: Record<string, unknown>): void {
      if (setOof.run(JSON.stringify(oof), accountId).changes === 0) {
        throw new StoreError('no-such-account', `no account ${accountId}`);
      }
    },
  };
}
