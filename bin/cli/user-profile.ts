// `eas-push user set ADDRESS --name … --first-name … --picture FILE.jpg …`: the directory
// profile the GAL shows (Search GAL, Find, ResolveRecipients: docs/clients.md rule 33).
// Written straight to the database; the running server reads it on the next lookup.

import { readFileSync } from 'node:fs';
import type { DirectoryEntry, DirectoryUpdate } from '../../store/types.js';
import { exactAccount, withStore } from './admin-store.js';
import type { Io } from './common.js';
import { CliError, reasonOf, usageError } from './errors.js';
import type { OptionSpec } from './options.js';
import { text } from './values.js';
import { adminChoice, markAdmin } from './user-admin.js';

/** The largest photo MS-ASCMD lets a client ask for (MaxSize ≤ 102400 bytes). */
const MAX_PICTURE_BYTES = 102_400;

/** A profile value; "" clears the field. */
const clearable = (raw: string): string | null => (raw.trim() === '' ? null : raw.trim());

/** Each flag and the directory field it sets. */
const PROFILE_FLAGS: readonly [flag: string, field: keyof DirectoryUpdate, help: string][] = [
  ['name', 'displayName', 'display name'],
  ['first-name', 'firstName', 'first name'],
  ['last-name', 'lastName', 'last name'],
  ['phone', 'phone', 'business phone'],
  ['mobile-phone', 'mobilePhone', 'mobile phone'],
  ['home-phone', 'homePhone', 'home phone'],
  ['office', 'office', 'office location'],
  ['title', 'title', 'job title'],
  ['company', 'company', 'company'],
  ['alias', 'alias', 'alias (default: the part of the address before @)'],
];

export const PROFILE_OPTIONS: readonly OptionSpec[] = [
  ...PROFILE_FLAGS.map(([name, , help]): OptionSpec => ({ name, kind: 'value', metavar: 'TEXT', help: `${help} ("" clears it)`, parse: clearable, env: false })),
  { name: 'picture', kind: 'value', metavar: 'FILE.jpg', help: 'JPEG photo the address book shows, at most 100 KB', parse: text, env: false },
  { name: 'no-picture', kind: 'flag', help: 'remove the photo', env: false },
];

export const PROFILE_USAGE =
  '[--name NAME] [--first-name T] [--last-name T] [--phone T] [--mobile-phone T] [--home-phone T] [--office T] [--title T] [--company T] [--alias T] [--picture FILE.jpg | --no-picture]';

export function hasProfileChange(values: Map<string, unknown>): boolean {
  return PROFILE_FLAGS.some(([flag]) => values.has(flag)) || values.has('picture') || values.has('no-picture');
}

/** JPEG files start with the SOI marker followed by another marker: FF D8 FF. */
function readPicture(path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new CliError(`cannot read --picture ${path}: ${reasonOf(err)}`);
  }
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) {
    throw new CliError(`--picture ${path} is not a JPEG file`);
  }
  if (bytes.length > MAX_PICTURE_BYTES) {
    throw new CliError(`--picture ${path} is ${bytes.length} bytes; at most ${MAX_PICTURE_BYTES} (100 KB)`);
  }
  return bytes;
}

function describe(e: DirectoryEntry): string {
  const fields: [string, string | null][] = [
    ['name', e.displayName], ['first name', e.firstName], ['last name', e.lastName], ['phone', e.phone],
    ['mobile phone', e.mobilePhone], ['home phone', e.homePhone], ['office', e.office], ['title', e.title],
    ['company', e.company], ['alias', e.alias],
  ];
  const lines = fields.filter(([, v]) => v !== null).map(([k, v]) => `  ${k}: ${v}\n`);
  lines.push(`  picture: ${e.pictureSize > 0 ? `${e.pictureSize} bytes` : 'none'}\n`);
  return lines.join('');
}

/** `user set` with profile fields (and --admin/--no-admin beside them, if given). */
export async function setProfile(values: Map<string, unknown>, address: string, io: Io): Promise<number> {
  const update: DirectoryUpdate = {};
  for (const [flag, field] of PROFILE_FLAGS) {
    if (values.has(flag)) (update as Record<string, unknown>)[field] = values.get(flag);
  }
  if (values.has('picture') && values.has('no-picture')) throw usageError('user set: use --picture or --no-picture, not both');
  if (values.has('picture')) update.picture = readPicture(values.get('picture') as string);
  if (values.has('no-picture')) update.picture = null;
  const admin = adminChoice(values, 'set');
  const entry = await withStore(values, async (store) => {
    const account = await exactAccount(store, address, 'see eas-push user list');
    if (admin !== undefined) await markAdmin(store, account.id, admin);
    return await store.updateDirectoryEntry(account.id, update);
  });
  io.stdout(`updated ${entry.address}\n${describe(entry)}`);
  return 0;
}
