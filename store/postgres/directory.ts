// The directory on PostgreSQL (store/directory.ts translated): each account's profile and the
// prefix lookup the GAL answers from (docs/clients.md rule 33). Read from the database on every
// call: `user set` through another node or the CLI is seen at once (docs/architecture.md).
import { ENTRY_COLUMNS, MAX_PICTURE_BYTES, PROFILE_COLUMNS, likeEscape, toEntry, type EntryRow } from '../directory.js';
import { StoreError, type DirectoryProfile, type Store } from '../types.js';
import { withTransaction } from './connect.js';
import type { PgStoreContext } from './context.js';

const COLUMNS = `${ENTRY_COLUMNS}, octet_length(picture) AS picture_size`;

// A prefix of the display name or of any word in it, of the first or last name, the alias or
// the address ($1 the prefix pattern, $2 the word pattern, $3 the domain or null). PostgreSQL's
// LIKE is case-sensitive where SQLite's folds ASCII: the text is lower-cased here and lower() is
// applied to every column (addresses are stored lower-case). lower() folds non-ASCII letters too,
// so "émile" finds "Émile", which SQLite's ASCII-only lower() does not.
const MATCH = `(
    lower(coalesce(display_name, '')) LIKE $1 ESCAPE '\\'
    OR lower(' ' || coalesce(display_name, '')) LIKE $2 ESCAPE '\\'
    OR lower(coalesce(first_name, '')) LIKE $1 ESCAPE '\\'
    OR lower(coalesce(last_name, '')) LIKE $1 ESCAPE '\\'
    OR lower(coalesce(alias, '')) LIKE $1 ESCAPE '\\'
    OR address LIKE $1 ESCAPE '\\'
  ) AND ($3::text IS NULL OR substr(address, strpos(address, '@') + 1) = $3::text)`;

export type PgDirectory = Pick<Store, 'searchDirectory' | 'directoryEntry' | 'directoryPicture' | 'updateDirectoryEntry'>;

export function createPgDirectory(ctx: PgStoreContext): PgDirectory {
  const { pool, write } = ctx;

  return {
    async searchDirectory(q) {
      const text = q.text.trim().toLowerCase();
      if (!text) return { total: 0, entries: [] };
      const p = `${likeEscape(text)}%`;
      const params = [p, `% ${p}`, q.domain?.toLowerCase() ?? null];
      // The total and the page in one snapshot, so a page never disagrees with its total.
      return withTransaction(
        pool,
        async (client) => {
          const total = (await client.query<{ n: number }>(`SELECT count(*) AS n FROM accounts WHERE ${MATCH}`, params)).rows[0]?.n ?? 0;
          if (total === 0 || q.limit <= 0) return { total, entries: [] };
          // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
          const page = await client.query<EntryRow>(
            `SELECT ${COLUMNS} FROM accounts WHERE ${MATCH}
             ORDER BY lower(coalesce(nullif(display_name, ''), address)) COLLATE "C", address COLLATE "C" LIMIT $4 OFFSET $5`,
            [...params, q.limit, q.offset],
          );
          return { total, entries: page.rows.map(toEntry) };
        },
        { isolation: 'repeatable read', readOnly: true },
      );
    },

    async directoryEntry(accountId) {
      const row = (await pool.query<EntryRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [accountId])).rows[0];
      return row ? toEntry(row) : null;
    },

    async directoryPicture(accountId) {
      const row = (await pool.query<{ picture: Buffer | null }>('SELECT picture FROM accounts WHERE id = $1', [accountId])).rows[0];
      return row?.picture ?? null;
    },

    /** Sets the given fields (null clears one); the others keep their value. */
    async updateDirectoryEntry(accountId, update) {
      if (update.picture && update.picture.length > MAX_PICTURE_BYTES) {
        throw new StoreError('invalid-profile', `picture is ${update.picture.length} bytes; at most ${MAX_PICTURE_BYTES}`);
      }
      // Only the given columns, in one UPDATE (SQLite runs one per column; the result is the same).
      const sets: string[] = [];
      const values: unknown[] = [];
      const set = (column: string, value: unknown) => {
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      };
      if (update.displayName !== undefined) set('display_name', update.displayName);
      for (const [field, column] of Object.entries(PROFILE_COLUMNS)) {
        const value = update[field as keyof DirectoryProfile];
        if (value !== undefined) set(column, value);
      }
      if (update.picture !== undefined) set('picture', update.picture);
      values.push(accountId);
      // With nothing to set, the UPDATE still tells whether the account exists (and the entry
      // is read back as it is).
      const assignments = sets.length > 0 ? sets.join(', ') : 'address = address';
      return write(async (tx) => {
        const r = await tx.client.query<EntryRow>(
          `UPDATE accounts SET ${assignments} WHERE id = $${values.length} RETURNING ${COLUMNS}`,
          values,
        );
        const row = r.rows[0];
        if (!row) throw new StoreError('no-such-account', `no account ${accountId}`);
        return toEntry(row);
      });
    },
  };
}
