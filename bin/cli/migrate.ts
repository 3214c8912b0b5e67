// `eas-push migrate [--store URL]`: applies the store's schema migrations and prints the version
// it is at (store/open.ts migrateStoreAt). Every process that opens the store migrates it anyway;
// this runs them on their own, e.g. before the nodes of a PostgreSQL install are upgraded.

import { migrateStoreAt, parseStoreLocation } from '../../store/open.js';
import { storeLocation } from '../data-dir.js';
import { DATA_DIR, DEFAULT_DATA_DIR, STORE, type Io } from './common.js';
import { usageError } from './errors.js';
import { formatOptions, parseOptions, type OptionSpec } from './options.js';
import { redactUrl } from './values.js';

export const MIGRATE_OPTIONS: readonly OptionSpec[] = [DATA_DIR, STORE];
export const MIGRATE_USAGE = 'migrate [--store URL] [--data-dir DIR]';

export function migrateHelp(): string {
  return `Usage: eas-push ${MIGRATE_USAGE}\n\nApplies the schema migrations the store lacks and prints its schema version.\n\nOptions:\n${formatOptions(MIGRATE_OPTIONS)}\n`;
}

export async function migrate(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals, help } = parseOptions(args, MIGRATE_OPTIONS, io.env, 'migrate');
  if (help) {
    io.stdout(migrateHelp());
    return 0;
  }
  if (positionals.length > 0) throw usageError(`usage: eas-push ${MIGRATE_USAGE}`);
  const location = storeLocation(values.get('store') as string | undefined, (values.get('data-dir') as string | undefined) ?? DEFAULT_DATA_DIR);
  const at = parseStoreLocation(location);
  const version = await migrateStoreAt(location);
  io.stdout(`${at.kind === 'postgres' ? redactUrl(at.url) : at.file}: schema version ${version}\n`);
  return 0;
}
