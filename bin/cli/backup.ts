// `eas-push backup DEST`: a consistent copy of the whole store, taken while the server runs
// (store/backup.ts: SQLite's online backup, checked with integrity_check), reported with its size
// and the modseq it covers per account (docs/store.md, "Backup and restore").

import { resolve } from 'node:path';
import { backupStore, BackupError, type BackupReport } from '../../store/backup.js';
import { sqliteStoreFile } from '../data-dir.js';
import { DATA_DIR, DEFAULT_DATA_DIR, STORE, type Io } from './common.js';
import { CliError, reasonOf, usageError } from './errors.js';
import { formatOptions, parseOptions, type OptionSpec } from './options.js';

export const BACKUP_OPTIONS: readonly OptionSpec[] = [DATA_DIR, STORE];
export const BACKUP_USAGE = 'backup DEST [--data-dir DIR]';

const BACKUP_NOTES =
  'Writes a consistent copy of the whole mailbox database to the new file DEST while the server\n' +
  'runs and delivers (SQLite\'s online backup API, not a file copy), checks the copy with\n' +
  'integrity_check, and reports its size and, per account, the modseq it covers: every change up to\n' +
  'it is in the copy, none after it. Restore it with eas-push restore.';

export function backupHelp(): string {
  return `Usage: eas-push ${BACKUP_USAGE}\n\n${BACKUP_NOTES}\n\nOptions:\n${formatOptions(BACKUP_OPTIONS)}\n`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The lines both backup and restore print about a database file. */
export function describeCopy(report: BackupReport): string {
  const accounts = report.accounts.map((a) => `  ${a.address}  modseq ${a.modseq}\n`).join('');
  return (
    `  size ${formatBytes(report.bytes)} (${report.bytes} bytes), integrity_check ${report.integrity}, schema ${report.schemaVersion}\n` +
    `  ${report.accounts.length} account${report.accounts.length === 1 ? '' : 's'}, highest modseq ${report.modseq}\n${accounts}`
  );
}

export async function backup(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals, help } = parseOptions(args, BACKUP_OPTIONS, io.env, 'backup');
  if (help) {
    io.stdout(backupHelp());
    return 0;
  }
  if (positionals.length !== 1) throw usageError(`usage: eas-push ${BACKUP_USAGE}`);
  const source = sqliteStoreFile(values.get('store') as string | undefined, (values.get('data-dir') as string | undefined) ?? DEFAULT_DATA_DIR, false, 'backup');
  const dest = resolve(positionals[0]!);
  let report: BackupReport;
  try {
    report = await backupStore(source, dest);
  } catch (err) {
    if (err instanceof BackupError) throw new CliError(`backup failed: ${err.message}`);
    throw new CliError(`backup failed: ${reasonOf(err)}`);
  }
  io.stdout(`backup of ${source} written to ${report.file}\n${describeCopy(report)}`);
  return 0;
}
