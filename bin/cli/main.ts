// The CLI's dispatcher: picks the command, prints help and version, and turns every failure
// into one line on stderr with a non-zero exit code (no stack traces for users).

import pkg from '../../package.json' with { type: 'json' };
import type { Io } from './common.js';
import { CliError, usageError } from './errors.js';
import { mainHelp, serveHelp, userHelp } from './help.js';
import { user } from './user.js';
import { device, deviceHelp } from './device.js';
import { calendar, calendarHelp } from './calendar.js';
import { contacts, contactsHelp } from './contacts.js';
import { backup } from './backup.js';
import { restore } from './restore.js';
import { mail, mailHelp } from './mail.js';
import { migrate } from './migrate.js';
import { copy } from './copy.js';

// Imported, not read at run time: the single-file binary has no package.json beside it.
export function version(): string {
  return pkg.version;
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.stdout(mainHelp());
      return command === undefined ? 2 : 0;
    case '--version':
    case '-V':
    case 'version':
      io.stdout(`eas-push ${version()}\n`);
      return 0;
    case 'serve':
      if (wantsHelp) {
        io.stdout(serveHelp());
        return 0;
      }
      // Loaded on demand: the user commands and help never need the HTTP/SMTP stack.
      return (await import('./serve.js')).serve(rest, io);
    case 'user': {
      const [sub, ...args] = rest;
      if (sub === undefined || sub === '--help' || sub === '-h' || wantsHelp) {
        io.stdout(userHelp(sub?.startsWith('-') ? undefined : sub));
        return sub === undefined ? 2 : 0;
      }
      return user(sub, args, io);
    }
    case 'device':
      return withSubcommand(rest, io, deviceHelp, device);
    case 'calendar':
      return withSubcommand(rest, io, calendarHelp, calendar);
    case 'contacts':
      return withSubcommand(rest, io, contactsHelp, contacts);
    case 'backup':
      return backup(rest, io);
    case 'restore':
      return restore(rest, io);
    case 'mail':
      return withSubcommand(rest, io, mailHelp, mail);
    case 'migrate':
      return migrate(rest, io);
    case 'copy':
      return copy(rest, io);
    default:
      throw usageError(`unknown command "${command}" (see eas-push --help)`);
  }
}

/**
 * A command with subcommands (`device show`, `mail import`…): without one, or with an option
 * first, its help; exit code 2 when nothing at all was given (a usage error), 0 for --help.
 */
function withSubcommand(
  rest: readonly string[],
  io: Io,
  help: (sub: undefined) => string,
  run: (sub: string, args: readonly string[], io: Io) => Promise<number>,
): Promise<number> | number {
  const [sub, ...args] = rest;
  if (sub === undefined || sub.startsWith('-')) {
    io.stdout(help(undefined));
    return sub === undefined ? 2 : 0;
  }
  return run(sub, args, io);
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`eas-push: ${message.split('\n')[0]}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}
