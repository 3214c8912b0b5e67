// The directory: each account's profile (name parts, phones, office, title, company, alias,
// picture: migration 9) and the prefix lookup the GAL answers from (docs/clients.md rule 33).
// Read from the database on every call, like the accounts themselves: `user set` in another
// process is seen at once (docs/architecture.md).
import type Database from 'better-sqlite3';
import { StoreError, type DirectoryEntry, type DirectoryProfile, type DirectoryQuery, type DirectoryUpdate } from './types.js';

/** An accounts row as the directory reads it (ENTRY_COLUMNS + picture_size); the PostgreSQL store reads the same. */
export interface EntryRow {
  id: number;
  address: string;
  display_name: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  mobile_phone: string | null;
  home_phone: string | null;
  office: string | null;
  title: string | null;
  company: string | null;
  alias: string | null;
  picture_size: number | null;
}

/** The columns of an entry but its picture_size, which each dialect measures its own way. */
export const ENTRY_COLUMNS = `id, address, display_name, first_name, last_name, phone, mobile_phone, home_phone, office,
  title, company, alias`;

const COLUMNS = `${ENTRY_COLUMNS}, length(picture) AS picture_size`;

/** Profile fields and their columns: the one list `user set` and the row mapping share. */
export const PROFILE_COLUMNS: Readonly<Record<keyof DirectoryProfile, string>> = {
  firstName: 'first_name',
  lastName: 'last_name',
  phone: 'phone',
  mobilePhone: 'mobile_phone',
  homePhone: 'home_phone',
  office: 'office',
  title: 'title',
  company: 'company',
  alias: 'alias',
};

/** Longest stored picture: MS-ASCMD caps MaxSize at 102400 bytes, so a larger one could never be sent. */
export const MAX_PICTURE_BYTES = 102_400;

export function toEntry(row: EntryRow): DirectoryEntry {
  return {
    accountId: row.id,
    address: row.address,
    displayName: row.display_name,
    firstName: row.first_name,
    lastName: row.last_name,
    phone: row.phone,
    mobilePhone: row.mobile_phone,
    homePhone: row.home_phone,
    office: row.office,
    title: row.title,
    company: row.company,
    alias: row.alias,
    pictureSize: row.picture_size ?? 0,
  };
}

/** LIKE pattern text with its wildcards escaped (ESCAPE '\'). */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function createDirectory(db: Database.Database) {
  // A prefix of the display name or of any word in it, of the first or last name, the alias or
  // the address. SQLite's LIKE folds ASCII case; lower() on both sides folds the rest it knows.
  const MATCH = `(
      lower(coalesce(display_name, '')) LIKE @p ESCAPE '\\'
      OR lower(' ' || coalesce(display_name, '')) LIKE @w ESCAPE '\\'
      OR lower(coalesce(first_name, '')) LIKE @p ESCAPE '\\'
      OR lower(coalesce(last_name, '')) LIKE @p ESCAPE '\\'
      OR lower(coalesce(alias, '')) LIKE @p ESCAPE '\\'
      OR address LIKE @p ESCAPE '\\'
    ) AND (@domain IS NULL OR substr(address, instr(address, '@') + 1) = @domain)`;
  const count = db.prepare<{ p: string; w: string; domain: string | null }, { n: number }>(
    `SELECT count(*) AS n FROM accounts WHERE ${MATCH}`,
  );
  const page = db.prepare<{ p: string; w: string; domain: string | null; limit: number; offset: number }, EntryRow>(
    `SELECT ${COLUMNS} FROM accounts WHERE ${MATCH}
     ORDER BY lower(coalesce(nullif(display_name, ''), address)), address LIMIT @limit OFFSET @offset`,
  );
  const byId = db.prepare<[number], EntryRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = ?`);
  const picture = db.prepare<[number], { picture: Buffer | null }>('SELECT picture FROM accounts WHERE id = ?');
  const setPicture = db.prepare<[Buffer | null, number]>('UPDATE accounts SET picture = ? WHERE id = ?');
  const setDisplayName = db.prepare<[string | null, number]>('UPDATE accounts SET display_name = ? WHERE id = ?');
  const setColumn = new Map(
    Object.entries(PROFILE_COLUMNS).map(([field, column]) => [
      field,
      db.prepare<[string | null, number]>(`UPDATE accounts SET ${column} = ? WHERE id = ?`),
    ]),
  );

  return {
    searchDirectory(q: DirectoryQuery): { total: number; entries: DirectoryEntry[] } {
      const text = q.text.trim().toLowerCase();
      if (!text) return { total: 0, entries: [] };
      const p = `${likeEscape(text)}%`;
      const params = { p, w: `% ${p}`, domain: q.domain?.toLowerCase() ?? null };
      const total = count.get(params)?.n ?? 0;
      if (total === 0 || q.limit <= 0) return { total, entries: [] };
      return { total, entries: page.all({ ...params, limit: q.limit, offset: q.offset }).map(toEntry) };
    },

    directoryEntry(accountId: number): DirectoryEntry | null {
      const row = byId.get(accountId);
      return row ? toEntry(row) : null;
    },

    directoryPicture(accountId: number): Buffer | null {
      return picture.get(accountId)?.picture ?? null;
    },

    /** Sets the given fields (null clears one); the others keep their value. */
    updateDirectoryEntry(accountId: number, update: DirectoryUpdate): DirectoryEntry {
      if (update.picture && update.picture.length > MAX_PICTURE_BYTES) {
        throw new StoreError('invalid-profile', `picture is ${update.picture.length} bytes; at most ${MAX_PICTURE_BYTES}`);
      }
      db.transaction(() => {
        if (!byId.get(accountId)) throw new StoreError('no-such-account', `no account ${accountId}`);
        if (update.displayName !== undefined) setDisplayName.run(update.displayName, accountId);
        for (const [field, stmt] of setColumn) {
          const value = update[field as keyof DirectoryProfile];
          if (value !== undefined) stmt.run(value, accountId);
        }
        if (update.picture !== undefined) setPicture.run(update.picture, accountId);
      }).immediate();
      return toEntry(byId.get(accountId)!);
    },
  };
}
