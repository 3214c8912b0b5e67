// Backup and restore of the whole store (docs/store.md, "Backup and restore"). A backup is taken
// with SQLite's online backup API while the server writes: the copy is one consistent snapshot,
// checked with integrity_check before it is put where it was asked for. A restore refuses a data
// directory whose database some process holds open (the server keeps its connection for as long
// as it runs; SQLite's locks say so, and they vanish with the process, so a crash leaves no
// stale lock behind).
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface AccountMark {
  address: string;
  /** The account's journal head in the copy: every change up to it is in, none after it. */
  modseq: number;
}

export interface BackupReport {
  file: string;
  bytes: number;
  /** 'ok', or the first problems integrity_check found. */
  integrity: string;
  schemaVersion: number;
  accounts: AccountMark[];
  /** The highest modseq of any account (0 with no accounts). */
  modseq: number;
}

/** Pages per backup step after the first: all of them, so one step is one read snapshot. */
const ALL_PAGES = 1 << 30;

function partialName(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}.partial-${process.pid}`);
}

function removeDatabaseFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
}

/** Copies `source` into `dest` (a new file) with the backup API, as one snapshot. */
async function snapshot(source: string, dest: string): Promise<void> {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // A commit from another connection between two steps restarts the copy (SQLite's rule); the
    // steps after the first take every page at once, so the copy ends at one point of the journal.
    await db.backup(dest, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
}

/** What a backup file holds, read from the file itself; throws when it is not an SQLite store. */
export function inspectBackup(file: string): BackupReport {
  if (!existsSync(file)) throw new BackupError(`${file}: no such file`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupError(`${file}: cannot open: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    let integrity: string;
    try {
      const rows = db.pragma('integrity_check(10)') as Array<{ integrity_check: string }>;
      integrity = rows.map((r) => r.integrity_check).join('; ');
    } catch (err) {
      throw new BackupError(`${file}: not an eas-push database (${err instanceof Error ? err.message : String(err)})`);
    }
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const hasAccounts = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'accounts'").get();
    if (!hasAccounts) throw new BackupError(`${file}: not an eas-push database (no accounts table)`);
    const accounts = db.prepare<[], AccountMark>('SELECT address, modseq FROM accounts ORDER BY address').all();
    return {
      file,
      bytes: statSync(file).size,
      integrity,
      schemaVersion,
      accounts,
      modseq: accounts.reduce((max, a) => Math.max(max, a.modseq), 0),
    };
  } finally {
    db.close();
  }
}

/** Makes the copy one self-contained file (no -wal beside it), whatever mode the source used. */
function settle(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

/**
 * Backs up the store in `source` (the server may be writing to it) to `dest`, which must not
 * exist. The copy is written beside `dest` under a temporary name, checked, and only then renamed
 * to `dest`: a failed or refused backup leaves nothing at `dest`.
 */
export async function backupStore(source: string, dest: string): Promise<BackupReport> {
  if (!existsSync(source)) throw new BackupError(`no database at ${source}`);
  if (existsSync(dest)) throw new BackupError(`${dest} already exists; give a new file name`);
  const partial = partialName(dest);
  removeDatabaseFiles(partial);
  try {
    await snapshot(source, partial);
    settle(partial);
    const report = inspectBackup(partial);
    if (report.integrity !== 'ok') throw new BackupError(`the copy failed integrity_check: ${report.integrity}`);
    renameSync(partial, dest);
    return { ...report, file: dest };
  } catch (err) {
    removeDatabaseFiles(partial);
    throw err;
  }
}

/**
 * True when some connection (the server, a CLI command) holds `file` open: in WAL mode every open
 * connection keeps a shared lock, so an exclusive lock cannot be had while one exists.
 */
export function databaseInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return false;
  } catch (err) {
    if (err instanceof Database.SqliteError && (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED')) return true;
    throw err;
  } finally {
    db.close();
  }
}

export interface RestoreReport extends BackupReport {
  /** Where the database it replaced went (null when there was none). */
  previous: string | null;
}

/**
 * Puts the backup `source` in place of the database `target`. Refused while `target` is open
 * anywhere (a running server), when the backup fails integrity_check, or when it comes from a
 * newer eas-push. The replaced database is renamed aside, never deleted.
 */
export async function restoreStore(source: string, target: string, now = new Date()): Promise<RestoreReport> {
  const report = inspectBackup(source);
  if (report.integrity !== 'ok') throw new BackupError(`${source} failed integrity_check: ${report.integrity}; nothing restored`);
  const latest = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
  if (report.schemaVersion > latest) {
    throw new BackupError(`${source} is from a newer eas-push (schema ${report.schemaVersion}, this one knows ${latest}); nothing restored`);
  }
  if (databaseInUse(target)) {
    throw new BackupError(`${target} is in use by another process (a running eas-push serve?); stop the server first; nothing restored`);
  }
  const partial = partialName(target);
  removeDatabaseFiles(partial);
  let previous: string | null = null;
  try {
    await snapshot(source, partial);
    if (existsSync(target)) {
      // The in-use check's last connection folded the old WAL into the file, so the file alone is
      // the old database; a -wal left beside it would otherwise be replayed onto the restored one.
      previous = `${target}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
      renameSync(target, previous);
      for (const side of ['-wal', '-shm']) {
        if (existsSync(`${target}${side}`)) renameSync(`${target}${side}`, `${previous}${side}`);
      }
    }
    renameSync(partial, target);
  } catch (err) {
    removeDatabaseFiles(partial);
    throw err;
  }
  return { ...report, file: target, previous };
}
