// Who may use the operator's console (docs/admin.md): a flag on the account (migration 11).
// Read per request, never cached: `user set ADDRESS --no-admin` in another process takes effect
// at the console's next request (docs/architecture.md "One database, several processes").
import type Database from 'better-sqlite3';

export function createAdmins(db: Database.Database) {
  const flagOf = db.prepare<[number], { admin: number }>('SELECT admin FROM accounts WHERE id = ?');
  const setFlag = db.prepare<[number, number]>('UPDATE accounts SET admin = ? WHERE id = ?');

  return {
    isAdmin(accountId: number): boolean {
      return flagOf.get(accountId)?.admin === 1;
    },
    /** False when there is no such account. */
    setAdmin(accountId: number, admin: boolean): boolean {
      return setFlag.run(admin ? 1 : 0, accountId).changes > 0;
    },
  };
}
