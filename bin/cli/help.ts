// Help texts, built from the same option tables the parser uses so they cannot drift.

import { formatOptions, type OptionSpec } from './options.js';
import { SERVE_OPTIONS } from './serve-options.js';
import { USER_OPTIONS, USER_USAGE } from './user.js';
import { DEVICE_USAGE } from './device.js';
import { CALENDAR_USAGE } from './calendar.js';
import { CONTACTS_USAGE } from './contacts.js';
import { BACKUP_USAGE } from './backup.js';
import { RESTORE_USAGE } from './restore.js';
import { MAIL_USAGE } from './mail.js';
import { MIGRATE_USAGE } from './migrate.js';
import { COPY_USAGE } from './copy.js';

const ENV_NOTE = 'Every option can also be set as EAS_PUSH_<OPTION> (e.g. EAS_PUSH_HTTP=127.0.0.1:9000); flags win.';

export function mainHelp(): string {
  return `eas-push: Exchange ActiveSync server with push driven by mail delivery

Usage:
  eas-push serve [options]            run SMTP/LMTP delivery and the EAS endpoint
  eas-push ${USER_USAGE.add}
  eas-push ${USER_USAGE.list}
  eas-push ${USER_USAGE.remove}
  eas-push ${USER_USAGE.passwd}
  eas-push ${USER_USAGE.set}
${Object.values(DEVICE_USAGE).map((u) => `  eas-push ${u}`).join('\n')}
${[...Object.values(CALENDAR_USAGE), ...Object.values(CONTACTS_USAGE)].map((u) => `  eas-push ${u}`).join('\n')}
${[...Object.values(MAIL_USAGE), BACKUP_USAGE, RESTORE_USAGE].map((u) => `  eas-push ${u}`).join('\n')}
  eas-push ${MIGRATE_USAGE}
  eas-push ${COPY_USAGE}  (server stopped)
  eas-push --version
  eas-push COMMAND --help             options of a command

${ENV_NOTE}
`;
}

function commandHelp(usage: string, specs: readonly OptionSpec[]): string {
  return `Usage: eas-push ${usage}\n\nOptions:\n${formatOptions(specs)}\n\n${ENV_NOTE}\n`;
}

const SERVE_NOTES = `Durability: every message is acknowledged (250) only after its SQLite commit. With the
default "normal" (WAL, synchronous=NORMAL) an acknowledged message survives a crash or kill of the
process; "full" (synchronous=FULL) also survives a power loss or OS crash, at some write cost.

Security: plain HTTP is refused on a non-loopback address (Basic auth sends the password with
every request) unless --tls-cert/--tls-key are given or --insecure-http says a TLS proxy is in
front. Repeated failed logins from one address answer 503 with Retry-After. The same rule
holds for the operator's console (--admin HOST:PORT), open to accounts marked with "user set ADDRESS --admin".`;

export function serveHelp(): string {
  return commandHelp('serve [options]', SERVE_OPTIONS).replace(/\n$/, `\n\n${SERVE_NOTES}\n`);
}

export function userHelp(command: string | undefined): string {
  const specs = command ? USER_OPTIONS[command] : undefined;
  const usage = command ? USER_USAGE[command] : undefined;
  if (!specs || !usage) {
    return `Usage:\n${Object.values(USER_USAGE).map((u) => `  eas-push ${u}`).join('\n')}\n\nOptions:\n  --data-dir DIR  where the mailbox database lives (default ./data)\n  --store URL     sqlite:PATH, a file path, or postgres://user@host/db (default sqlite:DATA_DIR/eas-push.sqlite)\n`;
  }
  return commandHelp(usage, specs);
}
