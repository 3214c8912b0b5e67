// `eas-push mail import|export`: existing mail in from a Maildir tree or an mbox file, and an
// account's mail out as a Maildir tree. Runs as its own process against the data directory of a
// running (or stopped) server, as `user` and `calendar` do. The work is in
// plugin/mailbox-files/; this file is the command line: arguments, progress, messages.

import { resolve } from 'node:path';
import type { ImportProgress } from '../../plugin/mailbox-files/import-mail.js';
import { openStoreAt } from '../../store/open.js';
import { StoreError, type Store } from '../../store/types.js';
import { storeLocation } from '../data-dir.js';
import { createLogger } from '../logger.js';
import { exactAccount } from './admin-store.js';
import { DATA_DIR, DEFAULT_DATA_DIR, STORE, type Io } from './common.js';
import { CliError, reasonOf, usageError } from './errors.js';
import { formatOptions, parseOptions, type OptionSpec } from './options.js';
import { text } from './values.js';

const USER_LIST_HINT = 'see eas-push user list';
/** A progress line on stderr every this many messages. */
const PROGRESS_EVERY = 1000;

const FOLDER: OptionSpec = { name: 'folder', kind: 'value', metavar: 'NAME', help: 'the folder the mail goes to (default: the Inbox; made when missing)', parse: text, env: false };
const PUSH: OptionSpec = { name: 'push', kind: 'flag', help: 'wake parked phones for the imported mail (default: they see it at their next Sync)', env: false };

export const MAIL_OPTIONS: Record<string, readonly OptionSpec[]> = {
  import: [DATA_DIR, STORE, FOLDER, PUSH],
  export: [DATA_DIR, STORE],
};

export const MAIL_USAGE: Record<string, string> = {
  import: 'mail import ADDRESS PATH [--folder NAME] [--push]',
  export: 'mail export ADDRESS DIR',
};

const MAIL_NOTES: Record<string, string> = {
  import:
    'Imports the messages of a Maildir (PATH a directory: its cur/ and new/, and its subfolders,\n' +
    'Maildir++ ".Sub.Folder" or nested) or of an mbox file (mboxrd or mboxo) into the account: each\n' +
    'message byte for byte, with its received time (Maildir file name, mbox "From " line) and its\n' +
    'read and flagged state (Maildir flags S and F; mbox Status R and X-Status F). Subfolders named\n' +
    'Sent, Drafts, Trash or Junk go to those folders; others are made. Phones are not woken for the\n' +
    'import unless --push: they see the mail at their next Sync. Progress goes to stderr every\n' +
    `${PROGRESS_EVERY} messages. A message already imported into its folder (the same bytes) is skipped, so\n` +
    'an interrupted import resumes when run again. A message that cannot be imported is reported with\n' +
    'its file (and line) and the reason, and the rest are imported; exit code 1 when any was refused.\n' +
    'Works while the server runs.',
  export:
    'Writes the account\'s mail folders to DIR (new or empty) as a Maildir++ tree: the Inbox at the\n' +
    'top, other folders as ".Name" beside it; each message byte for byte, named with its received time\n' +
    'and its flags (S read, F flagged). mail import reads it back as it was.',
};

export function mailHelp(sub: string | undefined): string {
  const specs = sub ? MAIL_OPTIONS[sub] : undefined;
  const usage = sub ? MAIL_USAGE[sub] : undefined;
  if (!sub || !specs || !usage) {
    const all = [...new Map(Object.values(MAIL_OPTIONS).flat().map((s) => [s.name, s])).values()];
    return `Usage:\n${Object.values(MAIL_USAGE).map((u) => `  eas-push ${u}`).join('\n')}\n\nOptions:\n${formatOptions(all)}\n\nSee eas-push mail COMMAND --help.\n`;
  }
  return `Usage: eas-push ${usage}\n\n${MAIL_NOTES[sub]}\n\nOptions:\n${formatOptions(specs)}\n`;
}

function openFor(values: Map<string, unknown>): Promise<Store> {
  const location = storeLocation(values.get('store') as string | undefined, (values.get('data-dir') as string | undefined) ?? DEFAULT_DATA_DIR);
  return openStoreAt(location, { durability: 'normal' });
}

function progressLine(p: ImportProgress): string {
  const of = p.total !== null ? ` of ${p.total}` : '';
  return `progress: ${p.read}${of} messages read (${Math.floor(p.fraction * 100)}%), ${p.imported} imported, ${p.skipped} already there, ${p.bad} refused\n`;
}

async function runImport(values: Map<string, unknown>, positionals: string[], io: Io): Promise<number> {
  if (positionals.length !== 2) throw usageError(`usage: eas-push ${MAIL_USAGE.import}`);
  const [address, source] = positionals as [string, string];
  // Loaded on demand: help and the other commands never need the MIME parser.
  const { createParsePool, defaultParseWorkers } = await import('../../plugin/parse-pool.js');
  const { importMail, ImportSourceError } = await import('../../plugin/mailbox-files/import-mail.js');
  const store = await openFor(values);
  const log = createLogger({ level: 'warn', write: io.stderr });
  const pool = createParsePool({ workers: defaultParseWorkers(), ...(io.workerEntry ? { entry: io.workerEntry } : {}), log });
  try {
    const account = await exactAccount(store, address, USER_LIST_HINT);
    let nextReport = PROGRESS_EVERY;
    const summary = await importMail({
      store,
      parse: pool.parse,
      account,
      source: resolve(source),
      ...(values.has('folder') ? { folder: values.get('folder') as string } : {}),
      push: values.get('push') === true,
      onProblem: (where, reason) => io.stderr(`${where}: ${reason}\n`),
      onProgress: (p) => {
        if (p.read < nextReport) return;
        nextReport = (Math.floor(p.read / PROGRESS_EVERY) + 1) * PROGRESS_EVERY;
        io.stderr(progressLine(p));
      },
    });
    const into = summary.folders.length > 0 ? ` into ${summary.folders.join(', ')}` : '';
    io.stdout(
      `imported ${summary.imported} message${summary.imported === 1 ? '' : 's'}${into} of ${account.address}` +
        ` (${summary.skipped} already there, ${summary.bad} refused)${values.get('push') === true ? ', pushed' : ''}\n`,
    );
    return summary.bad > 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof ImportSourceError) throw new CliError(`${err.message}; nothing imported`);
    if (err instanceof StoreError) throw new CliError(err.message);
    throw err;
  } finally {
    await pool.close();
    await store.close();
  }
}

async function runExport(values: Map<string, unknown>, positionals: string[], io: Io): Promise<number> {
  if (positionals.length !== 2) throw usageError(`usage: eas-push ${MAIL_USAGE.export}`);
  const [address, dir] = positionals as [string, string];
  const { exportMail, ExportTargetError } = await import('../../plugin/mailbox-files/export-mail.js');
  const store = await openFor(values);
  try {
    const account = await exactAccount(store, address, USER_LIST_HINT);
    const summary = await exportMail({ store, account, dir: resolve(dir) });
    io.stdout(`exported ${summary.messages} message${summary.messages === 1 ? '' : 's'} in ${summary.folders} folders of ${account.address} to ${resolve(dir)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ExportTargetError) throw new CliError(err.message);
    if (err instanceof StoreError) throw new CliError(err.message);
    if (err instanceof Error && 'code' in err) throw new CliError(`cannot write ${dir}: ${reasonOf(err)}`);
    throw err;
  } finally {
    await store.close();
  }
}

export async function mail(sub: string, args: readonly string[], io: Io): Promise<number> {
  const specs = MAIL_OPTIONS[sub];
  if (!specs) throw usageError(`unknown command "mail ${sub}" (see eas-push mail --help)`);
  const { values, positionals, help } = parseOptions(args, specs, io.env, `mail ${sub}`);
  if (help) {
    io.stdout(mailHelp(sub));
    return 0;
  }
  return sub === 'import' ? runImport(values, positionals, io) : runExport(values, positionals, io);
}
