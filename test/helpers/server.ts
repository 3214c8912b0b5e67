// The whole server (store + SMTP/LMTP + EAS HTTP) on port 0 with a fresh temp data dir, for
// every area's end-to-end tests. Options pass through to createServer().
//
// The store comes from EAS_PUSH_TEST_STORE (issue #17: the suite runs on both stores):
// - unset or `sqlite`: the data dir's SQLite file, as `serve` does by default;
// - `postgres`: a fresh migrated database on this process's private cluster
//   (scripts/private-postgres.ts), dropped by stop() together with the temp data dir.
// The database belongs to the data dir: its URL is kept in a file there, so a test that reopens
// a data dir (a restart) gets the same database back, as it would get the same SQLite file.
// A test that passes its own `store` keeps it. CLI commands reach the server's store through
// `storeArgs`, never through a bare `--data-dir` (which on PostgreSQL would open an empty file).

import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasePath } from '../../bin/data-dir.js';
import { createServer, type RunningServer, type ServerOptions } from '../../bin/server.js';
import { createPgDatabase } from '../../scripts/private-postgres.js';
import type { Account, Store } from '../../store/types.js';

export type TestStoreKind = 'sqlite' | 'postgres';

function storeKindFromEnv(): TestStoreKind {
  const v = process.env.EAS_PUSH_TEST_STORE ?? '';
  if (v === '' || v === 'sqlite') return 'sqlite';
  if (v === 'postgres') return 'postgres';
  // A typo must not silently run the suite on SQLite a second time.
  throw new Error(`EAS_PUSH_TEST_STORE=${v}: expected sqlite or postgres`);
}

/** The store every test server of this process runs on. */
export const testStoreKind: TestStoreKind = storeKindFromEnv();

/**
 * ava's `test` for a test that can only run on SQLite: skipped in the PostgreSQL pass. `why` is
 * the reason, written where the test is (it opens the SQLite file itself, backup/restore…).
 */
export function sqliteOnly(why: string): typeof test {
  if (why.trim() === '') throw new Error('sqliteOnly() needs the reason the test cannot run on PostgreSQL');
  return (testStoreKind === 'sqlite' ? test : test.skip) as typeof test;
}

/** The file in a data dir naming its PostgreSQL test database (not a file `serve` reads). */
const PG_URL_FILE = 'test-postgres-url';

export interface TestStore {
  /** The location createServer() and the CLI get (`--store`); null = the data dir's SQLite file. */
  location: string | null;
  /** Arguments pointing a CLI command at this store: `--data-dir DIR` [`--store URL`]. */
  args: string[];
  /** Drops a database this call made; nothing for SQLite or a database made earlier. */
  drop(): Promise<void>;
}

/**
 * The store of a data dir under EAS_PUSH_TEST_STORE: on PostgreSQL the database made for this
 * data dir earlier (a reopen), else a fresh migrated one, remembered in the data dir. For tests
 * that spawn `serve` or the CLI themselves.
 */
export async function testStoreFor(dataDir: string): Promise<TestStore> {
  const args = ['--data-dir', dataDir];
  if (testStoreKind === 'sqlite') return { location: null, args, drop: async () => {} };
  const file = join(dataDir, PG_URL_FILE);
  if (existsSync(file)) {
    const url = readFileSync(file, 'utf8').trim();
    return { location: url, args: [...args, '--store', url], drop: async () => {} };
  }
  const db = await createPgDatabase({ migrated: true });
  // A data dir not made yet (serve would make it for its SQLite file).
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${db.url}\n`);
  return { location: db.url, args: [...args, '--store', db.url], drop: () => db.drop() };
}

export type TestServerOptions = Omit<ServerOptions, 'dataDir' | 'smtp' | 'lmtp' | 'http'> & {
  /** Start an LMTP listener too (port 0). */
  lmtp?: boolean;
  /** Use this data dir (e.g. to reopen one) instead of a fresh temp dir; it is not deleted. */
  dataDir?: string;
};

export interface TestServer {
  server: RunningServer;
  store: Store;
  smtpPort: number;
  /** 0 when LMTP was not asked for. */
  lmtpPort: number;
  httpPort: number;
  dataDir: string;
  /** Where the store is (store/open.ts openStoreAt): sqlite:FILE or postgres://…, to reopen it. */
  storeLocation: string;
  /** Arguments pointing a CLI command (`runCli`) at this server's store. */
  storeArgs: string[];
  addUser(address: string, password: string): Promise<Account>;
  /** Closes the server and removes the temp data dir (and its database). Safe to call twice. */
  stop(): Promise<void>;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const { lmtp, dataDir: given, store: ownStore, ...rest } = opts;
  const dataDir = given ?? mkdtempSync(join(tmpdir(), 'eas-push-test-'));
  const testStore: TestStore = ownStore !== undefined
    ? { location: ownStore, args: ['--data-dir', dataDir, '--store', ownStore], drop: async () => {} }
    : await testStoreFor(dataDir);
  // A database made for a data dir the test gave lives as long as that dir may be reopened:
  // until this process ends (its private cluster goes with it).
  const dropStore = given ? async () => {} : testStore.drop;
  const loopback = { host: '127.0.0.1', port: 0 };
  let server: RunningServer;
  try {
    server = await createServer({
      heartbeatMin: 1,
      hostname: 'eas-push.test',
      ...rest,
      ...(testStore.location !== null ? { store: testStore.location } : {}),
      dataDir,
      smtp: loopback,
      lmtp: lmtp ? loopback : null,
      http: loopback,
    });
  } catch (err) {
    await dropStore();
    if (!given) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  let stopped: Promise<void> | null = null;
  return {
    server,
    store: server.store,
    smtpPort: server.smtp?.port ?? 0,
    lmtpPort: server.lmtp?.port ?? 0,
    httpPort: server.http.port,
    dataDir,
    storeLocation: testStore.location ?? `sqlite:${databasePath(dataDir)}`,
    storeArgs: testStore.args,
    addUser: async (address, password) => await server.store.createAccount(address, password),
    stop() {
      stopped ??= (async () => {
        await server.close();
        await dropStore();
        if (!given) rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
