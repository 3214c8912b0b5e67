// Benchmark (not a test): delivery throughput over SMTP into the store. A separate
// `eas-push serve` process with a fresh data dir, 8 client connections each kept open for all
// its messages, realistic multipart/alternative mail of about 4 KB and 100 KB (the large one
// with a PDF attachment). Goal: ≥ 1,500 msg/s for 4 KB on a 2-core machine.
//
//   npm run bench -- delivery [--count4k 5000] [--count100k 1000] [--connections 8] [--runs 1]
//                             [--store sqlite|postgres|both] [--pg-url URL | --pg-durable]
//
// --store postgres: the server on a fresh PostgreSQL database (bench/pg-bench.ts: this process's
// private cluster, or a server of --pg-url); `both` runs SQLite and PostgreSQL one after the
// other in each run, so their figures come from the same minutes. The PostgreSQL settings are
// printed, and the private cluster's CPU per message is a column of its own: on 2 cores it
// shares them with the server and the client.
//
// Reported per size: wall seconds for N messages after a warm-up, msg/s, MB/s of message
// bytes, and the server's CPU per message (user + system): the whole process, and its main
// thread alone (SMTP, SQLite, the 250; the bound on msg/s when other cores are free). CPU
// figures are the steadier ones when other work shares the machine. Every message must be answered 250 and
// be in the Inbox afterwards, or the run fails.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { databasePath } from '../bin/data-dir.js';
import { FolderType } from '../store/index.js';
import { openStoreAt } from '../store/open.js';
import { cpuMs, machine, mainThreadCpuMs, numberOptions, printTable } from './bench-util.js';
import { benchDatabase, clusterCpuMs, describePg, pgOptions, type BenchDatabase, type PgBenchOptions } from './pg-bench.js';
import { startServer } from './push-server.js';
import { sampleMessage, type SampleKind } from './sample-mail.js';
import { SmtpConnection, toWire } from './smtp-client.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RECIPIENT = 'bench@bench.test';
const SENDER = 'bob@example.org';
const WARMUP = 200;

type StoreKind = 'sqlite' | 'postgres';

interface Result {
  kind: SampleKind;
  count: number;
  bytes: number;
  seconds: number;
  serverCpuMs: number;
  mainThreadCpuMs: number;
  /** The private PostgreSQL cluster's CPU; null on SQLite and on --pg-url's server. */
  pgCpuMs: number | null;
}

/** Sends every message over `connections` kept-open connections, each taking the next one. */
async function sendAll(conns: SmtpConnection[], wires: Buffer[]): Promise<void> {
  let next = 0;
  await Promise.all(
    conns.map(async (conn) => {
      while (next < wires.length) {
        const wire = wires[next++]!;
        const reply = await conn.send(SENDER, RECIPIENT, wire);
        if (reply.code !== 250) throw new Error(`delivery answered ${reply.code} ${reply.text}`);
      }
    }),
  );
}

async function measure(kind: SampleKind, count: number, connections: number, db: BenchDatabase | null): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-bench-delivery-'));
  const location = db ? db.url : `sqlite:${databasePath(dir)}`;
  try {
    const setup = await openStoreAt(location);
    const account = await setup.createAccount(RECIPIENT, 'bench-password');
    const inbox = (await setup.folderByType(account.id, FolderType.Inbox))!.id;
    await setup.close();

    // Built before the clock starts: the client should cost the shared CPUs as little as possible.
    const warm = Array.from({ length: WARMUP }, (_, i) => toWire(sampleMessage(kind, -1 - i, RECIPIENT)));
    const wires = Array.from({ length: count }, (_, i) => toWire(sampleMessage(kind, i, RECIPIENT)));
    const bytes = wires.reduce((n, w) => n + w.length - 3, 0);

    const server = await startServer(ROOT, dir, db ? ['--store', db.url] : []);
    try {
      const conns = await Promise.all(Array.from({ length: connections }, () => SmtpConnection.open('127.0.0.1', server.smtpPort)));
      await sendAll(conns, warm);
      const cpu0 = cpuMs(server.pid);
      const main0 = mainThreadCpuMs(server.pid);
      const pg0 = db ? clusterCpuMs(db) : null;
      const t0 = performance.now();
      await sendAll(conns, wires);
      const seconds = (performance.now() - t0) / 1000;
      const serverCpuMs = cpuMs(server.pid) - cpu0;
      const mainMs = mainThreadCpuMs(server.pid) - main0;
      const pg1 = db ? clusterCpuMs(db) : null;
      await Promise.all(conns.map((c) => c.quit()));
      return { kind, count, bytes, seconds, serverCpuMs, mainThreadCpuMs: mainMs, pgCpuMs: pg0 !== null && pg1 !== null ? pg1 - pg0 : null };
    } finally {
      const stopped = await server.stop();
      if (stopped.code !== 0) console.error(`  server exited with ${stopped.code}; see the log in ${dir}`);
      const check = await openStoreAt(location);
      const stored = await check.countItems(account.id, inbox);
      await check.close();
      if (stored !== WARMUP + count) throw new Error(`${kind}: ${stored} messages in the Inbox, expected ${WARMUP + count}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** --store sqlite|postgres|both (default sqlite), taken out of argv. */
function storeOption(argv: string[]): { stores: StoreKind[]; rest: string[] } {
  const at = argv.indexOf('--store');
  if (at < 0) return { stores: ['sqlite'], rest: argv };
  const value = argv[at + 1];
  const stores: Record<string, StoreKind[]> = { sqlite: ['sqlite'], postgres: ['postgres'], both: ['sqlite', 'postgres'] };
  const chosen = value === undefined ? undefined : stores[value];
  if (!chosen) throw new Error(`--store takes sqlite, postgres or both, not ${value ?? 'nothing'}`);
  return { stores: chosen, rest: [...argv.slice(0, at), ...argv.slice(at + 2)] };
}

/** One measurement on a fresh store of its own: a new SQLite data dir, or a new PostgreSQL database. */
async function measureOn(store: StoreKind, pgOpts: PgBenchOptions, kind: SampleKind, count: number, connections: number): Promise<Result> {
  if (store === 'sqlite') return measure(kind, count, connections, null);
  const db = await benchDatabase(pgOpts);
  try {
    return await measure(kind, count, connections, db);
  } finally {
    await db.drop();
  }
}

export async function run(argv: string[] = []): Promise<void> {
  const { stores, rest: afterStore } = storeOption(argv);
  const { pg: pgOpts, rest } = pgOptions(afterStore);
  const opts = numberOptions(rest, { count4k: 5000, count100k: 1000, connections: 8, runs: 1 });
  console.log(`\ndelivery: SMTP, ${opts.connections} kept-open connections, ${WARMUP} warm-up messages per size, node ${process.version}, ${machine()}`);
  if (stores.includes('postgres')) {
    const db = await benchDatabase(pgOpts);
    try {
      console.log(`  ${await describePg(db)}; a fresh database per measurement, the server's pool 10 connections`);
    } finally {
      await db.drop();
    }
  }
  const rows: string[][] = [];
  for (let r = 0; r < opts.runs; r++) {
    for (const [kind, count] of [['4k', opts.count4k], ['100k', opts.count100k]] as const) {
      if (count <= 0) continue;
      for (const store of stores) {
        const res = await measureOn(store, pgOpts, kind, count, opts.connections);
        rows.push([
          store === 'sqlite' ? 'SQLite' : 'PostgreSQL',
          kind === '4k' ? '4 KB' : '100 KB',
          String(res.count),
          res.seconds.toFixed(2),
          (res.count / res.seconds).toFixed(0),
          (res.bytes / 1e6 / res.seconds).toFixed(1),
          (res.serverCpuMs / res.count).toFixed(3),
          (res.mainThreadCpuMs / res.count).toFixed(3),
          res.pgCpuMs === null ? '-' : (res.pgCpuMs / res.count).toFixed(3),
        ]);
      }
    }
  }
  printTable(['store', 'message', 'count', 'seconds', 'msg/s', 'MB/s', 'server CPU ms/msg', 'main thread ms/msg', 'PostgreSQL CPU ms/msg'], rows);
}
