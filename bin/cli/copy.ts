// `eas-push copy --from sqlite:PATH --to postgres://…`: moves an install from its SQLite file to a
// new PostgreSQL database (store/copy/, docs/postgres.md "Moving an install: eas-push copy"),
// printing each table as it is done and a summary with the time it took.

import { resolve } from 'node:path';
import { copyStore, CopyError, type CopyReport, type TableReport } from '../../store/copy/index.js';
import { parseStoreLocation, type StoreLocation } from '../../store/open.js';
import { parsePostgresUrl } from '../../store/postgres/connect.js';
import { formatBytes } from './backup.js';
import type { Io } from './common.js';
import { CliError, reasonOf, usageError } from './errors.js';
import { formatOptions, parseOptions, type OptionSpec } from './options.js';
import { redactUrl, text } from './values.js';

export const COPY_OPTIONS: readonly OptionSpec[] = [
  { name: 'from', kind: 'value', metavar: 'LOCATION', help: 'the store to copy: sqlite:PATH or a file path', parse: text, env: false },
  { name: 'to', kind: 'value', metavar: 'LOCATION', help: 'the new store: postgres://user@host/db, an empty database', parse: text, env: false },
];
export const COPY_USAGE = 'copy --from sqlite:PATH --to postgres://…';

const COPY_NOTES =
  'Copies every account, folder, message, attachment, item, device (its sync state and policy\n' +
  'key), push history and sent ClientId from a SQLite store into an empty PostgreSQL database,\n' +
  'keeping ids, modseqs and SyncKeys, so phones go on syncing without noticing. The server must\n' +
  'be stopped: a SQLite file some process holds open is refused. The target is migrated first;\n' +
  'one that already holds data is refused (no merging). It is one transaction: a copy that fails\n' +
  'leaves the target empty, and is resumed by running it again. The SQLite file is left as it is.';

export function copyHelp(): string {
  return `Usage: eas-push ${COPY_USAGE}\n\n${COPY_NOTES}\n\nOptions:\n${formatOptions(COPY_OPTIONS)}\n`;
}

function location(raw: unknown, flag: string): StoreLocation {
  if (typeof raw !== 'string') throw usageError(`copy needs --${flag} (usage: eas-push ${COPY_USAGE})`);
  try {
    const at = parseStoreLocation(raw);
    // A malformed URL is a typo to fix, said before anything connects.
    if (at.kind === 'postgres') parsePostgresUrl(at.url);
    return at;
  } catch (err) {
    throw usageError(`invalid --${flag}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const count = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

function tableLine(t: TableReport): string {
  return `  ${t.name.padEnd(22)} ${String(t.rows).padStart(9)} rows  ${formatBytes(t.bytes)}\n`;
}

function summary(r: CopyReport, to: string): string {
  const seconds = r.ms / 1000;
  const rate = seconds > 0 ? `, ${Math.round(r.rows / seconds).toLocaleString('en-US')} rows/s, ${formatBytes(r.bytes / seconds)}/s` : '';
  const untouched = r.untouched.length > 0 ? `  left empty (no SQLite counterpart): ${r.untouched.join(', ')}\n` : '';
  const nuls = r.tables.filter((t) => t.nulsRemoved > 0).map((t) => `${t.name} ${t.nulsRemoved}`);
  const cleaned = nuls.length > 0 ? `  text values copied without their NUL characters (PostgreSQL text cannot hold them; raw messages keep every byte): ${nuls.join(', ')}\n` : '';
  return (
    `copied ${r.sourceFile} (schema ${r.sourceVersion}) to ${to} (schema ${r.targetVersion}) in ${seconds.toFixed(2)} s\n` +
    `  ${count(r.accounts, 'account')}, ${count(r.messages, 'message')}, ${count(r.items, 'item')}, ${count(r.devices, 'device')}\n` +
    `  ${count(r.rows, 'row')} in ${count(r.tables.length, 'table')}, ${formatBytes(r.bytes)}${rate}\n` +
    untouched +
    cleaned
  );
}

export async function copy(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals, help } = parseOptions(args, COPY_OPTIONS, io.env, 'copy');
  if (help) {
    io.stdout(copyHelp());
    return 0;
  }
  if (positionals.length > 0) throw usageError(`usage: eas-push ${COPY_USAGE}`);
  const from = location(values.get('from'), 'from');
  const to = location(values.get('to'), 'to');
  if (from.kind !== 'sqlite' || to.kind !== 'postgres') {
    throw usageError(`copy goes from a SQLite store to a PostgreSQL one (--from sqlite:PATH --to postgres://…), not from ${from.kind} to ${to.kind}`);
  }
  const file = resolve(from.file);
  const shown = redactUrl(to.url);
  io.stdout(`copying ${file} to ${shown}\n`);
  let report: CopyReport;
  try {
    report = await copyStore(file, to.url, { onTable: (t) => io.stdout(tableLine(t)) });
  } catch (err) {
    if (err instanceof CopyError) throw new CliError(`copy: ${err.message}`);
    throw new CliError(`copy failed: ${reasonOf(err)}; nothing copied`);
  }
  io.stdout(summary(report, shown));
  return 0;
}
