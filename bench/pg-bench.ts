// PostgreSQL for the benchmarks (bench/cross-node.ts, bench/delivery.ts --store): a fresh database
// per measurement, on this process's private cluster (scripts/private-postgres.ts) or, with
// --pg-url, on a real server; the settings that decide a commit's cost, read from the server
// itself so the figures always say what they were measured with; and the CPU the private
// cluster spent, since on 2 cores it competes with the nodes and the client.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createPgDatabase, DURABLE_SETTINGS, TEST_SETTINGS, type PgCluster } from '../scripts/private-postgres.js';

export interface PgBenchOptions {
  /** A server to make the databases on instead of the private cluster (its user needs CREATEDB). */
  url: string | null;
  /** The private cluster with fsync, synchronous_commit and full_page_writes on (PostgreSQL's defaults). */
  durable: boolean;
}

export interface BenchDatabase {
  url: string;
  /** The private cluster it is on; null on --pg-url's server. */
  cluster: PgCluster | null;
  drop(): Promise<void>;
}

/** Takes --pg-url URL and --pg-durable out of argv; returns them and the rest. */
export function pgOptions(argv: string[]): { pg: PgBenchOptions; rest: string[] } {
  const out: PgBenchOptions = { url: null, durable: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--pg-url') {
      const url = argv[++i];
      if (!url || !/^postgres(ql)?:\/\//.test(url)) throw new Error('--pg-url takes postgres://USER:PASSWORD@HOST:PORT/DATABASE');
      out.url = url;
    } else if (argv[i] === '--pg-durable') out.durable = true;
    else rest.push(argv[i]!);
  }
  if (out.url && out.durable) throw new Error('--pg-durable sets the private cluster; a --pg-url server keeps its own settings');
  return { pg: out, rest };
}

let made = 0;

/** A fresh, migrated (private cluster) or empty (--pg-url: `serve` migrates it) database. */
export async function benchDatabase(opts: PgBenchOptions): Promise<BenchDatabase> {
  if (opts.url === null) {
    const db = await createPgDatabase({ migrated: true, settings: opts.durable ? DURABLE_SETTINGS : TEST_SETTINGS });
    return { url: db.url, cluster: db.cluster, drop: db.drop };
  }
  const name = `eas_push_bench_${process.pid}_${++made}`;
  await onServer(opts.url, `CREATE DATABASE ${name}`);
  const url = new URL(opts.url);
  url.pathname = `/${name}`;
  return { url: url.toString(), cluster: null, drop: () => onServer(opts.url!, `DROP DATABASE ${name} WITH (FORCE)`) };
}

async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** "PostgreSQL 15.18, private cluster: fsync=off, synchronous_commit=off, …", as the server reports them. */
export async function describePg(db: BenchDatabase): Promise<string> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const names = ['server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'wal_level'];
    const shown: string[] = [];
    for (const name of names) shown.push((await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name]!);
    const [version, ...values] = shown;
    const settings = names.slice(1).map((n, i) => `${n}=${values[i]}`).join(', ');
    const where = db.cluster ? `private cluster on loopback TCP (scripts/private-postgres.ts)` : 'server of --pg-url';
    return `PostgreSQL ${version}, ${where}: ${settings}`;
  } finally {
    await client.end();
  }
}

/**
 * CPU the private cluster has used, in ms: the postmaster with its exited children (it reaps
 * them: cutime, cstime) and its live ones (the backends of open connections, the WAL writer…).
 * Null on --pg-url's server, which may not be on this machine.
 */
export function clusterCpuMs(db: BenchDatabase): number | null {
  if (!db.cluster) return null;
  const postmaster = Number(readFileSync(join(db.cluster.socketDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const own = statFields(postmaster);
  if (!own) return null;
  let ticks = own.utime + own.stime + own.cutime + own.cstime;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = statFields(Number(entry));
    if (child && child.ppid === postmaster) ticks += child.utime + child.stime;
  }
  // Clock ticks are 100 per second on Linux (USER_HZ).
  return ticks * 10;
}

function statFields(pid: number): { ppid: number; utime: number; stime: number; cutime: number; cstime: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // Exited between readdir and read: its CPU is in the postmaster's cutime now.
    return null;
  }
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) };
}
