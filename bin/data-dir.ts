// The data directory: where the SQLite mailbox lives. The server and `user add` (another
// process) must agree on the file, so its name is decided here only.

import { accessSync, constants, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
