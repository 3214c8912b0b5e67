// Benchmark (not a test): delivery throughput over SMTP into the store. A separate
// `eas-push serve` process with a fresh data dir, 8 client connections each kept open for all
// its messages, realistic multipart/alternative mail of about 4 KB and 100 KB (the large one
// with a PDF attachment). Goal: ≥ 1,500 msg/s for 4 KB on a 2-core machine.
//
//   npm run bench -- delivery [--count4k 5000] [--count100k 1000] [--connections 8] [--runs 1]
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
import { FolderType, openStore } from '../store/index.js';
import { cpuMs, machine, mainThreadCpuMs, numberOptions, printTable } from './bench-util.js';
import { startServer } from './push-server.js';
import { sampleMessage, type SampleKind } from './sample-mail.js';
import { SmtpConnection, toWire } from './smtp-client.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RECIPIENT = 'bench@bench.test';
const SENDER = 'bob@example.org';
const WARMUP = 200;

interface Result {
  kind: SampleKind;
  count: number;
  bytes: number;
  seconds: number;
  serverCpuMs: number;
  mainThreadCpuMs: number;
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

async function measure(kind: SampleKind, count: number, connections: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-bench-delivery-'));
  try {
    const setup = openStore(databasePath(dir));
    const account = await setup.createAccount(RECIPIENT, 'bench-password');
    const inbox = (await setup.folderByType(account.id, FolderType.Inbox))!.id;
    await setup.close();

    // Built before the clock starts: the client should cost the shared CPUs as little as possible.
    const warm = Array.from({ length: WARMUP }, (_, i) => toWire(sampleMessage(kind, -1 - i, RECIPIENT)));
    const wires = Array.from({ length: count }, (_, i) => toWire(sampleMessage(kind, i, RECIPIENT)));
    const bytes = wires.reduce((n, w) => n + w.length - 3, 0);

    const server = await startServer(ROOT, dir);
    try {
      const conns = await Promise.all(Array.from({ length: connections }, () => SmtpConnection.open('127.0.0.1', server.smtpPort)));
      await sendAll(conns, warm);
      const cpu0 = cpuMs(server.pid);
      const main0 = mainThreadCpuMs(server.pid);
      const t0 = performance.now();
      await sendAll(conns, wires);
      const seconds = (performance.now() - t0) / 1000;
      const serverCpuMs = cpuMs(server.pid) - cpu0;
      const mainMs = mainThreadCpuMs(server.pid) - main0;
      await Promise.all(conns.map((c) => c.quit()));
      return { kind, count, bytes, seconds, serverCpuMs, mainThreadCpuMs: mainMs };
    } finally {
      const stopped = await server.stop();
      if (stopped.code !== 0) console.error(`  server exited with ${stopped.code}; see the log in ${dir}`);
      const check = openStore(databasePath(dir));
      const stored = await check.countItems(account.id, inbox);
      await check.close();
      if (stored !== WARMUP + count) throw new Error(`${kind}: ${stored} messages in the Inbox, expected ${WARMUP + count}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(argv: string[] = []): Promise<void> {
  const opts = numberOptions(argv, { count4k: 5000, count100k: 1000, connections: 8, runs: 1 });
  console.log(`\ndelivery: SMTP, ${opts.connections} kept-open connections, ${WARMUP} warm-up messages per size, node ${process.version}, ${machine()}`);
  const rows: string[][] = [];
  for (let r = 0; r < opts.runs; r++) {
    for (const [kind, count] of [['4k', opts.count4k], ['100k', opts.count100k]] as const) {
      if (count <= 0) continue;
      const res = await measure(kind, count, opts.connections);
      rows.push([
        kind === '4k' ? '4 KB' : '100 KB',
        String(res.count),
        res.seconds.toFixed(2),
        (res.count / res.seconds).toFixed(0),
        (res.bytes / 1e6 / res.seconds).toFixed(1),
        (res.serverCpuMs / res.count).toFixed(3),
        (res.mainThreadCpuMs / res.count).toFixed(3),
      ]);
    }
  }
  printTable(['message', 'count', 'seconds', 'msg/s', 'MB/s', 'server CPU ms/msg', 'main thread ms/msg'], rows);
}
