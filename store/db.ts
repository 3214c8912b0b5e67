// Opens the SQLite file with the pragmas every connection needs. WAL lets the CLI (`user add`)
// write while the server reads; busy_timeout makes such writers wait instead of failing.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Durability = 'normal' | 'full';

export function openDatabase(file: string, durability: Durability = 'normal'): Database.Database {
  if (file !== ':memory:' && !file.startsWith('file:')) mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // The log is reused from its start after a checkpoint, but its file never shrinks by
    // itself: after a burst it is cut back to this size.
    db.pragma('journal_size_limit = 67108864');
    // NORMAL in WAL mode is durable against application crashes; FULL also against power loss.
    db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** A write referenced a row that does not exist (e.g. a removed account or device). */
export function isForeignKeyError(err: unknown): boolean {
  return err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
