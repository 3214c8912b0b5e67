// `eas-push calendar import|export`: an .ics file into an account's calendar, or a calendar out
// as .ics. Runs as its own process against the data directory of a running (or stopped) server
// (SQLite WAL + busy timeout, as `user` and `device` do). The work is in eas/classes/ical/; this
// file is the command line: arguments, files, messages. contacts.ts is the same command for vCard
// and runs through pimCommand() below.

import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createItemClasses } from '../../eas/classes/index.js';
import { calendarFormat } from '../../eas/classes/ical/calendar-format.js';
import { FileError } from '../../eas/classes/ical/entries.js';
import { importReport } from '../../eas/classes/ical/import-report.js';
import { exportText, importText, type PimFormat } from '../../eas/classes/ical/pim-transfer.js';
import { decodeText } from '../../eas/classes/ical/text.js';
import { isIana } from '../../eas/classes/ical/zones.js';
import type { ClassRegistry } from '../../eas/classes/types.js';
import { createLogger } from '../logger.js';
import { exactAccount, withStore } from './admin-store.js';
import { DATA_DIR, STORE, type Io } from './common.js';
import { CliError, reasonOf, usageError } from './errors.js';
import { formatOptions, parseOptions, type OptionSpec } from './options.js';
import { text, ValueError } from './values.js';

const USER_LIST_HINT = 'see eas-push user list';

export const FOLDER: OptionSpec = { name: 'folder', kind: 'value', metavar: 'NAME', help: 'the folder by its name (default: the account\'s default one)', parse: text, env: false };
export const OUT: OptionSpec = { name: 'out', kind: 'value', metavar: 'FILE', help: 'write to FILE instead of standard output', parse: text, env: false };
const TIME_ZONE: OptionSpec = {
  name: 'time-zone',
  kind: 'value',
  metavar: 'ZONE',
  help: 'IANA zone of floating times and all-day events (default: the file\'s X-WR-TIMEZONE, else UTC)',
  parse: (raw) => {
    if (!isIana(raw.trim())) throw new ValueError('expected an IANA time zone such as Europe/Berlin');
    return raw.trim();
  },
  env: false,
};

/** One PIM command (calendar or contacts): its formats, options, usage and help. */
export interface PimCommand {
  name: string;
  format(values: Map<string, unknown>): PimFormat;
  options: Record<string, readonly OptionSpec[]>;
  usage: Record<string, string>;
  notes: Record<string, string>;
}

export const CALENDAR_USAGE: Record<string, string> = {
  import: 'calendar import ADDRESS FILE.ics [--folder NAME] [--time-zone ZONE]',
  export: 'calendar export ADDRESS [--folder NAME] [--out FILE]',
};

const CALENDAR_NOTES: Record<string, string> = {
  import:
    'Imports the events of an iCalendar file (RFC 5545) into the account\'s Calendar, or the calendar\n' +
    'folder --folder names. An event whose UID is already there is updated, not added again. Each\n' +
    'bad entry is reported with its line and reason and the others are imported, in one transaction;\n' +
    'exit code 1 when any entry was refused. What EAS cannot carry (X- properties, attachments, a\n' +
    'repeat rule EAS has no pattern for, which imports as its first occurrence) is kept for export.\n' +
    'Works while the server runs.',
  export:
    'Writes the calendar as one iCalendar file: imported events with everything they had, changed\n' +
    'where a phone changed them; events made on a phone from their EAS properties.',
};

const CALENDAR: PimCommand = {
  name: 'calendar',
  format: (values) => calendarFormat({ timeZone: values.get('time-zone') as string | undefined }),
  options: { import: [DATA_DIR, STORE, FOLDER, TIME_ZONE], export: [DATA_DIR, STORE, FOLDER, OUT] },
  usage: CALENDAR_USAGE,
  notes: CALENDAR_NOTES,
};

export function pimHelp(cmd: PimCommand, sub: string | undefined): string {
  const specs = sub ? cmd.options[sub] : undefined;
  const usage = sub ? cmd.usage[sub] : undefined;
  if (!sub || !specs || !usage) {
    const all = [...new Map(Object.values(cmd.options).flat().map((s) => [s.name, s])).values()];
    return `Usage:\n${Object.values(cmd.usage).map((u) => `  eas-push ${u}`).join('\n')}\n\nOptions:\n${formatOptions(all)}\n\nSee eas-push ${cmd.name} COMMAND --help.\n`;
  }
  return `Usage: eas-push ${usage}\n\n${cmd.notes[sub]}\n\nOptions:\n${formatOptions(specs)}\n`;
}

function readFile(path: string): string {
  try {
    return decodeText(readFileSync(path));
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${reasonOf(err)}`);
  }
}

async function runImport(cmd: PimCommand, values: Map<string, unknown>, positionals: string[], io: Io, classes: ClassRegistry): Promise<number> {
  if (positionals.length !== 2) throw usageError(`usage: eas-push ${cmd.usage.import}`);
  const [address, file] = positionals as [string, string];
  const content = readFile(file);
  const name = basename(file);
  const format = cmd.format(values);
  const report = await withStore(values, async (store) => {
    const account = await exactAccount(store, address, USER_LIST_HINT);
    try {
      const done = await importText({ store, account, classes, now: new Date() }, format, content, values.get('folder') as string | undefined);
      return importReport(name, done.read, done.outcome, { noun: format.kind.item, folder: done.folder.name, address: account.address });
    } catch (err) {
      if (err instanceof FileError) throw new CliError(`${name}: ${err.message}; nothing imported`);
      throw err;
    }
  });
  for (const line of report.problems) io.stderr(`${line}\n`);
  io.stdout(`${report.summary}\n`);
  return report.exitCode;
}

async function runExport(cmd: PimCommand, values: Map<string, unknown>, positionals: string[], io: Io, classes: ClassRegistry): Promise<number> {
  if (positionals.length !== 1) throw usageError(`usage: eas-push ${cmd.usage.export}`);
  const log = createLogger({ level: 'warn', write: io.stderr });
  const done = await withStore(values, async (store) => {
    const account = await exactAccount(store, positionals[0]!, USER_LIST_HINT);
    return { ...await exportText({ store, account, classes, log, now: new Date() }, cmd.format(values), values.get('folder') as string | undefined), address: account.address };
  });
  for (const p of done.problems) io.stderr(`${p.position}: ${p.reason}\n`);
  const out = values.get('out') as string | undefined;
  if (out === undefined) {
    io.stdout(done.text);
    return 0;
  }
  try {
    writeFileSync(out, done.text);
  } catch (err) {
    throw new CliError(`cannot write ${out}: ${reasonOf(err)}`);
  }
  const item = cmd.format(values).kind.item;
  io.stdout(`exported ${done.count} ${item}${done.count === 1 ? '' : 's'} of "${done.folder.name}" of ${done.address} to ${out}\n`);
  return 0;
}

/** `eas-push <cmd.name> import|export …`; `classes`: the item classes (the server's, unless a test passes its own). */
export async function pimCommand(cmd: PimCommand, sub: string, args: readonly string[], io: Io, classes: ClassRegistry = createItemClasses()): Promise<number> {
  const specs = cmd.options[sub];
  if (!specs) throw usageError(`unknown command "${cmd.name} ${sub}" (see eas-push ${cmd.name} --help)`);
  const { values, positionals, help } = parseOptions(args, specs, io.env, `${cmd.name} ${sub}`);
  if (help) {
    io.stdout(pimHelp(cmd, sub));
    return 0;
  }
  return sub === 'import' ? await runImport(cmd, values, positionals, io, classes) : await runExport(cmd, values, positionals, io, classes);
}

export function calendarHelp(sub: string | undefined): string {
  return pimHelp(CALENDAR, sub);
}

export function calendar(sub: string, args: readonly string[], io: Io, classes?: ClassRegistry): Promise<number> {
  return pimCommand(CALENDAR, sub, args, io, classes);
}
