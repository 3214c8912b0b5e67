// `eas-push user add|list|remove|passwd|set`: account administration (`set`: the directory
// profile the GAL shows, docs/clients.md rule 33). Runs as its own process
// against the same data directory while the server runs (SQLite WAL + busy timeout); the
// server reads accounts per lookup, so a new account receives mail at once.

import { exactAccount, withStore } from './admin-store.js';
import { DATA_DIR, STORE, type Io } from './common.js';
import { usageError } from './errors.js';
import { parseOptions, type OptionSpec } from './options.js';
import { text } from './values.js';
import { ADMIN, NO_ADMIN, adminChoice, markAdmin, setAdminFlag } from './user-admin.js';
import { PROFILE_OPTIONS, PROFILE_USAGE, hasProfileChange, setProfile } from './user-profile.js';

const PASSWORD: OptionSpec = { name: 'password', kind: 'value', metavar: 'PW', help: 'the password (visible in the process list: prefer --password-stdin)', parse: text };
const PASSWORD_STDIN: OptionSpec = { name: 'password-stdin', kind: 'flag', help: 'read the password from standard input' };
const DISPLAY_NAME: OptionSpec = { name: 'name', kind: 'value', metavar: 'NAME', help: 'display name', parse: text };

export const USER_OPTIONS: Record<string, readonly OptionSpec[]> = {
  add: [DATA_DIR, STORE, PASSWORD, PASSWORD_STDIN, DISPLAY_NAME, ADMIN],
  list: [DATA_DIR, STORE],
  remove: [DATA_DIR, STORE],
  passwd: [DATA_DIR, STORE, PASSWORD, PASSWORD_STDIN],
  set: [DATA_DIR, STORE, ADMIN, NO_ADMIN, ...PROFILE_OPTIONS],
};

export const USER_USAGE: Record<string, string> = {
  add: 'user add ADDRESS (--password PW | --password-stdin) [--name NAME] [--admin]',
  list: 'user list',
  remove: 'user remove ADDRESS',
  passwd: 'user passwd ADDRESS (--password PW | --password-stdin)',
  set: `user set ADDRESS [--admin | --no-admin] ${PROFILE_USAGE}`,
};

async function password(values: Map<string, unknown>, io: Io, command: string): Promise<string> {
  const given = values.get('password') as string | undefined;
  const fromStdin = values.get('password-stdin') === true;
  if (given !== undefined && fromStdin) throw usageError(`user ${command}: use --password or --password-stdin, not both`);
  if (given !== undefined) return given;
  if (!fromStdin) throw usageError(`user ${command} needs --password PW or --password-stdin`);
  // One trailing newline belongs to `echo`, not to the password.
  const read = (await io.readStdin()).replace(/\r?\n$/, '');
  if (read === '') throw usageError('no password on standard input');
  return read;
}

function oneAddress(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw usageError(`usage: eas-push ${USER_USAGE[command]}`);
  return positionals[0]!;
}

export async function user(command: string, args: readonly string[], io: Io): Promise<number> {
  const specs = USER_OPTIONS[command];
  if (!specs) throw usageError(`unknown command "user ${command}" (see eas-push --help)`);
  const { values, positionals } = parseOptions(args, specs, io.env, `user ${command}`);
  switch (command) {
    case 'add': {
      const address = oneAddress(positionals, command);
      const pw = await password(values, io, command);
      const admin = adminChoice(values, command) === true;
      const account = await withStore(values, async (store) => {
        const made = await store.createAccount(address, pw, values.get('name') as string | undefined);
        if (admin) await markAdmin(store, made.id, true);
        return made;
      });
      io.stdout(`added ${account.address}${admin ? ' (admin)' : ''}\n`);
      return 0;
    }
    case 'passwd': {
      const address = oneAddress(positionals, command);
      const pw = await password(values, io, command);
      const canonical = await withStore(values, async (store) => {
        const account = await exactAccount(store, address);
        await store.setPassword(account.address, pw);
        return account.address;
      });
      io.stdout(`password changed for ${canonical}\n`);
      return 0;
    }
    case 'set':
      if (hasProfileChange(values)) return await setProfile(values, oneAddress(positionals, command), io);
      return await setAdminFlag(values, oneAddress(positionals, command), io);
    case 'remove': {
      const address = oneAddress(positionals, command);
      const canonical = await withStore(values, async (store) => {
        const account = await exactAccount(store, address);
        await store.removeAccount(account.address);
        return account.address;
      });
      io.stdout(`removed ${canonical}\n`);
      return 0;
    }
    default: {
      if (positionals.length > 0) throw usageError('usage: eas-push user list');
      const accounts = await withStore(values, async (store) => await store.listAccounts());
      for (const account of accounts) {
        io.stdout(`${account.address}${account.displayName ? `\t${account.displayName}` : ''}\n`);
      }
      return 0;
    }
  }
}
