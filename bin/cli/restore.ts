// `eas-push restore SRC`: puts a backup in place of a stopped server's database. Refused while
// any process holds the database open (store/backup.ts databaseInUse: the running server does for
// as long as it runs), and when the backup fails its check. The database it replaces is renamed
// aside, never deleted (docs/store.md, "Backup and restore").

import { resolve } from 'node:path';
import { BackupError, restoreStore, type RestoreReport } from '../../store/backup.js';
import { sqliteStoreFile } from '../data-dir.js';
import { describeCopy } from './backup.js';
import { DATA_DIR, DEFAULT_DATA_DIR, STORE, type Io } from './common.js';
import { CliError, reasonOf, usageError } from './errors.js';
import { formatOptions, parseOptions, type OptionSpec } from './options.js';

export const RESTORE_OPTIONS: readonly OptionSpec[] = [DATA_DIR, STORE];
export const RESTORE_USAGE = 'restore SRC [--data-dir DIR]';

const RESTORE_NOTES =
  'Replaces the mailbox database of the data directory with the backup SRC (made by eas-push\n' +
  'backup). The server must be stopped: a database that any process holds open is refused. The\n' +
  'backup is checked first (integrity_check, schema version); the database it replaces is kept\n' +
  'beside it as eas-push.sqlite.before-restore-TIME. Phones whose sync state is older than the\n' +
  'backup go on syncing; those that synced after it are told to resync (Sync Status 3, FolderSync\n' +
  'Status 9) and get the restored mailbox.';

export function restoreHelp(): string {
  return `Usage: eas-push ${RESTORE_USAGE}\n\n${RESTORE_NOTES}\n\nOptions:\n${formatOptions(RESTORE_OPTIONS)}\n`;
}

export async function restore(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals, help } = parseOptions(args, RESTORE_OPTIONS, io.env, 'restore');
  if (help) {
    io.stdout(restoreHelp());
    return 0;
  }
  if (positionals.length !== 1) throw usageError(`usage: eas-push ${RESTORE_USAGE}`);
  const source = resolve(positionals[0]!);
  const target = sqliteStoreFile(values.get('store') as string | undefined, (values.get('data-dir') as string | undefined) ?? DEFAULT_DATA_DIR, true, 'restore');
  let report: RestoreReport;
  try {
    report = await restoreStore(source, target);
  } catch (err) {
    if (err instanceof BackupError) throw new CliError(`restore refused: ${err.message}`);
    throw new CliError(`restore failed: ${reasonOf(err)}`);
  }
  const previous = report.previous ? `the database it replaced is kept as ${report.previous}\n` : '';
  io.stdout(`restored ${source} to ${report.file}\n${describeCopy(report)}${previous}`);
  return 0;
}
