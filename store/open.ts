// Which store a process opens, by location (issue #17 point 2): `sqlite:PATH` or a plain path is
// the embedded SQLite file (docs/store.md), `postgres://…` / `postgresql://…` the shared
// PostgreSQL database (docs/postgres.md). bin/ takes the location from --store / EAS_PUSH_STORE;
// its default is today's file, sqlite:DATA_DIR/eas-push.sqlite.
import { openStore, type StoreOptions } from './index.js';
import { openDatabase } from './db.js';
import { migrate } from './migrations.js';
import { createPgPool, isPostgresUrl } from './postgres/connect.js';
import { openPostgresStore } from './postgres/index.js';
import { migratePostgres } from './postgres/migrations.js';
import type { BusLog } from './postgres/notify.js';
import type { Store } from './types.js';

export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** `sqlite:PATH`, a plain path, or a PostgreSQL URL; anything else with a scheme is refused. */
export function parseStoreLocation(location: string): StoreLocation {
  const loc = location.trim();
  if (loc === '') throw new Error('the store location is empty (sqlite:PATH, a file path, or postgres://…)');
  if (isPostgresUrl(loc)) return { kind: 'postgres', url: loc };
  if (/^sqlite:/i.test(loc)) {
    // sqlite:PATH and sqlite://PATH alike (sqlite:///abs/path is /abs/path).
    const file = loc.replace(/^sqlite:(\/\/)?/i, '');
    if (file === '') throw new Error('sqlite: names no file (sqlite:PATH)');
    return { kind: 'sqlite', file };
  }
  // "postgres:…" without the slashes, "mysql://…": a typo, not a file to create.
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(loc)?.[1];
  if (scheme && scheme.length > 1) throw new Error(`unknown store "${scheme}:" (sqlite:PATH, a file path, or postgres://…)`);
  return { kind: 'sqlite', file: loc };
}

export interface OpenStoreAtOptions extends StoreOptions {
  /** PostgreSQL: queries of this process run on at most this many connections (default 10). */
  poolSize?: number;
  /** PostgreSQL: where the wake-up bus reports a dropped LISTEN connection. */
  log?: BusLog;
}

/** Opens (and migrates) the store at `location`. SQLite's durability does not apply to PostgreSQL (its own synchronous_commit does). */
export async function openStoreAt(location: string, options: OpenStoreAtOptions = {}): Promise<Store> {
  const at = parseStoreLocation(location);
  if (at.kind === 'sqlite') {
    const { poolSize: _poolSize, log: _log, ...sqlite } = options;
    return openStore(at.file, sqlite);
  }
  return openPostgresStore(at.url, { poolSize: options.poolSize, onListenerError: options.onListenerError, log: options.log });
}

/** `eas-push migrate`: brings the store's schema up to date; returns its version. */
export async function migrateStoreAt(location: string): Promise<number> {
  const at = parseStoreLocation(location);
  if (at.kind === 'sqlite') {
    const db = openDatabase(at.file);
    try {
      return migrate(db);
    } finally {
      db.close();
    }
  }
  const pool = createPgPool(at.url, { poolSize: 1 });
  try {
    return await migratePostgres(pool);
  } finally {
    await pool.end();
  }
}
