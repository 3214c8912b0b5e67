// The data directory: where the SQLite mailbox lives. The server and `user add` (another
// process) must agree on the file, so its name is decided here only.

import { accessSync, constants, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseStoreLocation } from '../store/open.js';
import { CliError, reasonOf } from './cli/errors.js';

export const DATABASE_FILE = 'eas-push.sqlite';

export function databasePath(dataDir: string): string {
  return join(resolve(dataDir), DATABASE_FILE);
}

function isNonDirectory(path: string): boolean {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat !== undefined && !stat.isDirectory();
  } catch {
    // Unreachable path (a parent is a file, no permission): mkdir below says why.
    return false;
  }
}

/**
 * The store a command opens: --store / EAS_PUSH_STORE as given (sqlite:PATH, a path, or
 * postgres://…: store/open.ts), else today's file in the data directory, made ready first.
 */
export function storeLocation(store: string | undefined, dataDir: string): string {
  return store ?? `sqlite:${prepareDataDir(dataDir)}`;
}

/**
 * The SQLite file `backup` and `restore` work on: --store's (sqlite:PATH or a path), else the data
 * directory's (`prepare`: made ready, for a restore into it). They copy SQLite files; a
 * PostgreSQL store is refused rather than the data directory's file silently used instead.
 */
export function sqliteStoreFile(store: string | undefined, dataDir: string, prepare: boolean, command: string): string {
  if (store === undefined) return prepare ? prepareDataDir(dataDir) : databasePath(dataDir);
  const at = parseStoreLocation(store);
  if (at.kind === 'postgres') throw new CliError(`${command} copies a SQLite store; back up a PostgreSQL store with its own tools (pg_dump)`);
  return resolve(at.file);
}

/** Creates the directory if needed and proves it is writable; returns the database path. */
export function prepareDataDir(dataDir: string): string {
  const dir = resolve(dataDir);
  if (isNonDirectory(dir)) throw new CliError(`data directory ${dir} is not a directory`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new CliError(`cannot create data directory ${dir}: ${reasonOf(err)}`);
  }
  // access() alone says yes to root on a read-only mount: write a probe file to be sure.
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    accessSync(dir, constants.W_OK);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (err) {
    throw new CliError(`data directory ${dir} is not writable: ${reasonOf(err)}`);
  }
  return join(dir, DATABASE_FILE);
}
