// A private PostgreSQL cluster for the tests and benchmarks of the PostgreSQL store: Debian's server binaries
// (the `postgresql` package, scripts/test-deps.sh), one cluster per test process in a temp dir,
// TCP on a free loopback port and the unix socket in that dir, and a fresh database per test.
//
// - initdb runs once per machine and PostgreSQL version: its result is kept in the temp dir
//   (eas-push-pg-initdb-VERSION-UID, made under another name and renamed into place, so two
//   processes racing to make it both end up with a whole one) and copied for each cluster.
// - The cluster is started by a small shell watchdog whose stdin is a pipe from this process:
//   when the process ends, however it ends (even SIGKILL), the pipe closes and the watchdog
//   stops the server (immediate mode) and removes the temp dir. Nothing to remember to call.
// - Test processes running side by side each have their own cluster, dir, socket and port; a
//   port taken between the check and the bind is retried with another.
// - Missing PostgreSQL: pgCluster() fails with a message naming the package. The tests' side
//   (test/helpers/postgres.ts) decides whether that skips a test or fails it.
// Runs as the `postgres` user when the tests run as root (initdb and the server refuse root).

import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PG_TYPES } from '../store/postgres/connect.js';
import { migratePostgres } from '../store/postgres/migrations.js';

const MIN_VERSION = 15;

/** The server binaries: EAS_PUSH_PG_BIN, else the newest /usr/lib/postgresql/N/bin (Debian). */
export function postgresBinDir(): string | null {
  const given = process.env.EAS_PUSH_PG_BIN;
  if (given) return existsSync(join(given, 'initdb')) ? given : null;
  const root = '/usr/lib/postgresql';
  let versions: number[] = [];
  try {
    versions = readdirSync(root).map(Number).filter((v) => Number.isInteger(v) && v >= MIN_VERSION);
  } catch {
    return null;
  }
  for (const v of versions.sort((a, b) => b - a)) {
    const bin = join(root, String(v), 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

export const pgAvailable = postgresBinDir() !== null;

export const MISSING =
  `PostgreSQL ${MIN_VERSION} or newer is needed by the PostgreSQL store tests and was not found in /usr/lib/postgresql ` +
  '(install the Debian package: apt-get install postgresql; or set EAS_PUSH_PG_BIN to a bin directory)';

/**
 * The durability settings the private cluster runs with. The tests' default turns all three off:
 * a test's cluster never outlives a crash, and not waiting on the disk keeps the tests fast. A
 * benchmark may ask for DURABLE_SETTINGS (PostgreSQL's own defaults) to count what an install
 * that keeps its commits pays.
 */
export interface PgSettings {
  fsync: 'on' | 'off';
  synchronous_commit: 'on' | 'off';
  full_page_writes: 'on' | 'off';
}

export const TEST_SETTINGS: Readonly<PgSettings> = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
export const DURABLE_SETTINGS: Readonly<PgSettings> = { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' };

/** "-c fsync=off -c synchronous_commit=off …": server options for pg_ctl -o. */
function settingOptions(settings: PgSettings): string {
  return (Object.keys(TEST_SETTINGS) as (keyof PgSettings)[])
    .map((name) => {
      const value = settings[name];
      // The string goes through a shell (pg_ctl -o): only the two words it can be.
      if (value !== 'on' && value !== 'off') throw new Error(`PostgreSQL setting ${name} must be on or off, not ${String(value)}`);
      return `-c ${name}=${value}`;
    })
    .join(' ');
}

export interface PgCluster {
  /** The durability settings it runs with. */
  settings: Readonly<PgSettings>;
  /** The unix socket directory. */
  socketDir: string;
  port: number;
  /** e.g. "15.18" */
  version: string;
  /** How long making this process's cluster took, copy of the initdb result included. */
  startMs: number;
  /** postgres://postgres@127.0.0.1:PORT/DATABASE */
  url(database: string): string;
}

interface RunAs {
  uid: number;
  gid: number;
}

function postgresUser(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('the tests run as root but there is no `postgres` user to run PostgreSQL as (the postgresql package makes it)');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function run(cmd: string, args: string[], as: RunAs | null): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...(as ?? {}) });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.error?.message || ''}`.trim());
}

function ownDir(prefix: string, as: RunAs | null): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (as) chownSync(dir, as.uid, as.gid);
  return dir;
}

/** The initdb result for this version and user, made once and kept for every later process. */
function initdbTemplate(bin: string, version: string, as: RunAs | null): string {
  const keep = join(tmpdir(), `eas-push-pg-initdb-${version}-${as?.uid ?? process.getuid?.() ?? 0}`);
  if (existsSync(join(keep, 'data', 'PG_VERSION'))) return keep;
  const making = ownDir('eas-push-pg-initdb-making-', as);
  try {
    run(join(bin, 'initdb'), ['-D', join(making, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], as);
    renameSync(making, keep);
  } catch (err) {
    rmSync(making, { recursive: true, force: true });
    // Another process renamed its own into place first: use that one.
    if (!existsSync(join(keep, 'data', 'PG_VERSION'))) throw err;
  }
  return keep;
}

/** A TCP port free on loopback now (another process may take it before it is bound: callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

// $1 dir, $2 port, $3 bin, $4 the durability settings (settingOptions). Prints "ready" once the
// server accepts connections; then waits for its stdin to close (this process ended) to stop the
// server and remove the dir.
const WATCHDOG = `
dir=$1; port=$2; bin=$3; settings=$4
if ! "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start -o "-p $port -k $dir -c listen_addresses=127.0.0.1 \
    $settings -c shared_buffers=32MB -c max_connections=150" >/dev/null; then
  cat "$dir/log" >&2
  rm -rf "$dir"
  exit 1
fi
echo ready
read -r _ || true
"$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
rm -rf "$dir"
`;

function startOnce(bin: string, template: string, as: RunAs | null, port: number, settings: PgSettings): Promise<string> {
  const dir = ownDir('eas-push-pg-', as);
  run('cp', ['-a', join(template, 'data'), join(dir, 'data')], as);
  const child = spawn('sh', ['-c', WATCHDOG, 'eas-push-pg', dir, String(port), bin, settingOptions(settings)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(as ?? {}),
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('ready\n')) return;
      // Running: let this process exit whenever its tests are done; that closes stdin.
      child.unref();
      for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref(): void }).unref();
      resolve(dir);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`PostgreSQL did not start (exit ${code}): ${err.trim()}`)));
  });
}

let cluster: Promise<PgCluster> | null = null;
let clusterSettings: PgSettings | null = null;

/**
 * This process's cluster, started on first use, with `settings` (the tests' by default). A
 * process has one cluster: asking again with other settings is an error, not a silent reuse.
 */
export function pgCluster(settings: Readonly<PgSettings> = TEST_SETTINGS): Promise<PgCluster> {
  if (clusterSettings !== null && settingOptions(clusterSettings) !== settingOptions(settings)) {
    return Promise.reject(new Error(`this process's PostgreSQL cluster already runs with ${settingOptions(clusterSettings)}, not ${settingOptions(settings)}`));
  }
  const chosen = { ...settings };
  clusterSettings ??= chosen;
  cluster ??= (async () => {
    const bin = postgresBinDir();
    if (!bin) throw new Error(process.env.EAS_PUSH_PG_BIN ? `EAS_PUSH_PG_BIN=${process.env.EAS_PUSH_PG_BIN} has no initdb: ${MISSING}` : MISSING);
    const started = performance.now();
    const as = postgresUser();
    // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    const said = spawnSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout ?? '';
    const version = /\(PostgreSQL\) (\d+(?:\.\d+)?)/.exec(said)?.[1] ?? '';
    if (!(Number.parseInt(version, 10) >= MIN_VERSION)) throw new Error(`PostgreSQL ${version} is too old: ${MISSING}`);
    const template = initdbTemplate(bin, version, as);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        const socketDir = await startOnce(bin, template, as, port, chosen);
        return {
          settings: chosen,
          socketDir,
          port,
          version,
          startMs: Math.round(performance.now() - started),
          url: (database: string) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`,
        };
      } catch (err) {
        // Another process took the port between freePort() and the server's bind.
        if (attempt < 5 && /could not (bind|create listen socket)|already in use/i.test(String(err))) continue;
        throw err;
      }
    }
  })();
  return cluster;
}

/** One statement on the cluster's `postgres` database (CREATE/DROP DATABASE). */
export async function admin(c: PgCluster, sql: string): Promise<void> {
  const client = new pg.Client({ host: c.socketDir, port: c.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let migratedTemplate: Promise<string> | null = null;

/** A database with every migration applied, to copy for tests that want the schema. */
function migratedTemplateDb(c: PgCluster): Promise<string> {
  migratedTemplate ??= (async () => {
    const name = 'eas_push_migrated';
    await admin(c, `CREATE DATABASE ${name}`);
    const pool = new pg.Pool({ connectionString: c.url(name), types: PG_TYPES, max: 1 });
    try {
      await migratePostgres(pool);
    } finally {
      await pool.end();
    }
    return name;
  })();
  return migratedTemplate;
}


let counter = 0;

export interface PgScratchDatabase {
  cluster: PgCluster;
  name: string;
  url: string;
  /** Drops the database, closing whatever is still connected to it. */
  drop(): Promise<void>;
}

/**
 * A fresh database on this process's cluster. `migrated`: a copy of a database with every
 * migration applied (made once per process); otherwise an empty one. `settings`: the cluster's
 * (pgCluster), the tests' by default.
 */
export async function createPgDatabase(options: { migrated?: boolean; settings?: Readonly<PgSettings> } = {}): Promise<PgScratchDatabase> {
  const c = await pgCluster(options.settings);
  const template = options.migrated ? await migratedTemplateDb(c) : 'template0';
  const name = `eas_push_${process.pid}_${++counter}`;
  // FILE_COPY: with fsync off, copying the template's files beats WAL-logging every page.
  await admin(c, `CREATE DATABASE ${name} TEMPLATE ${template} STRATEGY FILE_COPY`);
  return { cluster: c, name, url: c.url(name), drop: () => admin(c, `DROP DATABASE ${name} WITH (FORCE)`) };
}

// Restarting the cluster (the crash test's "PostgreSQL restarted during deliveries"): pg_ctl on
// the same data dir, port and socket dir. The watchdog above is not involved and keeps waiting on
// its pipe; its final `pg_ctl stop` stops whichever server runs in the dir by then (or finds none).
// Asynchronous, so the caller's own clients and servers keep running during the outage.

/** `fast`: sessions are ended and their transactions rolled back (a service restart); `immediate`: a crash, recovered from the WAL at the next start. */
export type PgStopMode = 'fast' | 'immediate';

function runAsync(cmd: string, args: string[], as: RunAs | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...(as ?? {}) });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal}): ${err.trim()}`)),
    );
  });
}

function pgCtl(): { bin: string; as: RunAs | null } {
  const bin = postgresBinDir();
  if (!bin) throw new Error(MISSING);
  return { bin, as: postgresUser() };
}

/** Stops the cluster and resolves once the server is gone; its clients see their connections end. */
export async function stopPgCluster(c: PgCluster, mode: PgStopMode = 'fast'): Promise<void> {
  const { bin, as } = pgCtl();
  await runAsync(join(bin, 'pg_ctl'), ['-D', join(c.socketDir, 'data'), '-m', mode, '-w', '-t', '60', 'stop'], as);
}

/**
 * Starts the cluster again after stopPgCluster() and resolves once it accepts connections. The
 * server's options are the ones it last ran with (postmaster.opts, which PostgreSQL writes at
 * every start and leaves in place), so this follows whatever the watchdog started it with.
 */
export async function startPgCluster(c: PgCluster): Promise<void> {
  const { bin, as } = pgCtl();
  const data = join(c.socketDir, 'data');
  // `/usr/lib/postgresql/15/bin/postgres "-D" "…/data" "-p" "5432" …`: the options follow the program.
  const line = readFileSync(join(data, 'postmaster.opts'), 'utf8').split('\n')[0] ?? '';
  const at = line.indexOf(' "');
  if (at < 0) throw new Error(`no server options in ${join(data, 'postmaster.opts')}: ${line}`);
  await runAsync(join(bin, 'pg_ctl'), ['-D', data, '-l', join(c.socketDir, 'log'), '-w', '-t', '60', 'start', '-o', line.slice(at + 1)], as);
}
