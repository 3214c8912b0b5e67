// Benchmark (not a test) of the reason eas-push exists: the time from the end of SMTP DATA to
// the parked Ping's response, with K other Pings parked, and the server's memory per parked
// Ping. Goals (docs/push.md "Goals"): p99 ≤ 5 ms with 10,000 parked and ≤ 10 ms with 15,000;
// ≤ 10 KB each; SIGTERM answers 15,000 in under 3 s.
//
//   npm run bench:push [-- --ks 0,1000,10000,15000 --rounds 1000 --warmup 2000 --settle 1500] [--console]
//
// --console: the server also serves the operator's console, with its server page open in a
// simulated tab (bench/console-client.ts), to show the console costs the push path nothing.
//
// Up to about 20,000 Pings on a machine allowing 20,000 open files per process: the server and
// the load process holding the K Pings (bench/ping-load.ts) are separate processes (one socket
// each per Ping), and past the kernel's ephemeral port range the load's sockets spread over
// loopback source addresses 127.0.0.x (ping-client.ts sourceAddresses). A limit that stops a K
// is named before the K starts. This process holds the measured phone and the SMTP connection.
//
// Each K starts with 2,000 warm-up rounds: V8 goes on compiling the delivery and Ping paths for
// the first 2,000 or so deliveries (about 50 optimizing compiles per 250 deliveries, counted with
// --trace-opt), on background threads that take a core from a 2-core machine. A server in
// service is past that; the README gives figures after 50 warm-up rounds too.
// Parking the K Pings starts it again: K new connections reach the HTTP and stream code with
// objects of other shapes, V8 throws away ("wrong map") and recompiles those paths (--trace-opt
// --trace-deopt counted about 340 optimizing compiles from parking 1,000 to the 250th delivery
// after it, then 84, 126, 60, 52, 18… per 250 deliveries). So 1,500 more rounds run once the K
// are parked, before the measured ones (--settle). A server in service has had its phones
// connected for long.
// RSS is read after a full GC in the server (bench/gc-signal.ts), before and after parking. The
// first reading follows an idle wait, when V8 has shrunk its young generation (to about 1 MB);
// parking grows it back to its working size (about 30 MB), whatever K is. Printed apart: the
// RSS per parked Ping as read, and without the young generation's growth.
//
// Each K gets a fresh data dir and a separate `eas-push serve` process (its RSS is its own).
// The K load devices sit 50 per account (the default per-account cap) on accounts other than
// the measured one. The measured device Pings an Inbox it never synced (docs/push.md rule 2: not
// reported on its own), so every round is: Ping → park → one mail over a REUSED SMTP
// connection → Status 2, without a Sync in between.

import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { databasePath } from '../bin/data-dir.js';
import { FolderType, openStore } from '../store/index.js';
import { SmtpConnection, toWire } from './smtp-client.js';
import { openFileLimit, parkWatch, sendPing, somaxconn, sourceAddresses } from './ping-client.js';
import { startPingLoad, type LoadPing, type PingLoad } from './ping-load.js';
import { collectGarbage, cpuTicks, freePort, hardFileLimit, rssKb, startServer, waitIdle, type BenchServer } from './push-server.js';
import { openConsole, type OpenConsole } from './console-client.js';
import { percentile, pingBody } from './bench-util.js';
import { describeFloor, machineFloor } from './calibrate.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEVICES_PER_ACCOUNT = 50;
const PASSWORD = 'bench-password';
const LOAD_HEARTBEAT = 3540;

interface Args {
  ks: number[];
  rounds: number;
  warmup: number;
  /** Rounds run after the K are parked and before the measured ones (see the file comment). */
  settle: number;
  /** Run the server with the operator's console and keep its server page open (bench/console-client.ts). */
  console: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { ks: [0, 1000, 10000, 15000], rounds: 1000, warmup: 2000, settle: 1500, console: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--ks' && v) (args.ks = v.split(',').map(Number)), i++;
    else if (argv[i] === '--rounds' && v) (args.rounds = Number(v)), i++;
    else if (argv[i] === '--warmup' && v) (args.warmup = Number(v)), i++;
    else if (argv[i] === '--settle' && v) (args.settle = Number(v)), i++;
    else if (argv[i] === '--console') args.console = true;
  }
  return args;
}



/** An authenticated OPTIONS: the server verifies (and caches) the account's password. */
function signIn(port: number, user: string): Promise<number> {
  const auth = Buffer.from(`${user}:${PASSWORD}`).toString('base64');
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'OPTIONS', path: '/Microsoft-Server-ActiveSync', agent: false, headers: { Authorization: `Basic ${auth}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}



interface Row {
  k: number;
  rounds: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  serverP99: number;
  /** The server process's CPU time (all its threads) per measured round, in ms. */
  serverCpuMs: number;
  /** RSS growth per parked Ping, as read. */
  bytesPerPing: number | null;
  /** Growth of V8's young generation between the two readings, in bytes (see the file comment). */
  youngGrowth: number;
  /** JS heap (V8 heap + external) per parked Ping, after a full GC. */
  heapPerPing: number | null;
  shutdownMs: number;
  shutdownAnswered: number;
}

async function runOne(k: number, args: Args): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-bench-'));
  // Accounts are made here, before the server starts (scrypt per account is the slow part).
  const store = openStore(databasePath(dir));
  const target = await store.createAccount('target@bench.test', PASSWORD);
  const admin = await store.createAccount('admin@bench.test', PASSWORD);
  await store.setAdmin(admin.id, true);
  const targetInbox = (await store.folderByType(target.id, FolderType.Inbox))!.id;
  const load: { user: string; inbox: number }[] = [];
  for (let a = 0; a < Math.ceil(k / DEVICES_PER_ACCOUNT); a++) {
    const acc = await store.createAccount(`load${a}@bench.test`, PASSWORD);
    load.push({ user: acc.address, inbox: (await store.folderByType(acc.id, FolderType.Inbox))!.id });
  }
  await store.close();

  const consolePort = args.console ? await freePort() : null;
  const server: BenchServer = await startServer(ROOT, dir, [
    '--heartbeat-max', String(LOAD_HEARTBEAT),
    ...(consolePort !== null ? ['--admin', `127.0.0.1:${consolePort}`] : []),
  ]);
  let tab: OpenConsole | null = null;
  const others = startPingLoad();
  try {
    if (consolePort !== null) tab = await openConsole(consolePort, { address: admin.address, password: PASSWORD });
    const row = await measure(k, args, dir, server, others, target.id, targetInbox, load);
    if (tab) {
      const { events, fragments } = tab.counts();
      console.log(`  K=${k}: console open on its server page: ${events} events, ${fragments} page refreshes`);
      tab.close();
    }
    others.close();
    return row;
  } catch (err) {
    // Never leave a server (or a load process) holding thousands of sockets behind a failed run.
    tab?.close();
    others.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function measure(
  k: number,
  args: Args,
  dir: string,
  server: BenchServer,
  others: PingLoad,
  targetId: number,
  targetInbox: number,
  load: { user: string; inbox: number }[],
): Promise<Row> {
  let smtp = await SmtpConnection.open('127.0.0.1', server.smtpPort);
  // The measured phone keeps its connection, as phones do.
  const phoneAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const targetBody = pingBody(targetInbox, LOAD_HEARTBEAT);
  const message = (i: number): string =>
    `From: sender@bench.test\nTo: target@bench.test\nSubject: round ${i}\nMessage-ID: <r${i}@bench.test>\n\nHello ${i}.\n`;

  // A second connection to the WAL database, to see from outside when a Ping is parked.
  const watch = openStore(databasePath(dir));
  const phoneParked = parkWatch(watch, targetId, 'BenchPhone');

  const round = async (i: number): Promise<number> => {
    let sent!: () => void;
    const requestSent = new Promise<void>((r) => (sent = r));
    const ping = sendPing(server.httpPort, 'target@bench.test', PASSWORD, 'BenchPhone', targetBody, phoneAgent, sent);
    const wire = toWire(message(i));
    await smtp.startData('sender@bench.test', 'target@bench.test');
    // The Ping must be parked before the last byte of DATA.
    await requestSent;
    await phoneParked();
    const { dataEnd, reply } = smtp.endData(wire);
    const [answer, final] = await Promise.all([ping.answer, reply]);
    if (final.code !== 250) throw new Error(`delivery refused: ${final.code} ${final.text}`);
    if (answer.status !== 2 || answer.folders[0] !== String(targetInbox)) {
      throw new Error(`round ${i}: Ping answered HTTP ${answer.httpStatus} Status ${answer.status} ${answer.folders.join(',')}`);
    }
    return answer.end - dataEnd;
  };

  for (let i = 0; i < args.warmup; i++) await round(-1 - i);
  // Every load account signs in once before the baseline: the first login of an account runs
  // scrypt (16 MB of scratch on a thread-pool thread, which the allocator keeps), a one-off
  // cost per account that would otherwise be booked to the parked Pings.
  for (const acc of load) {
    const status = await signIn(server.httpPort, acc.user);
    if (status !== 200) throw new Error(`sign-in of ${acc.user}: HTTP ${status}`);
  }
  await waitIdle(server.pid);
  const gcBefore = await collectGarbage(server.pid, server.logFile);
  const before = rssKb(server.pid);

  // Park K Pings from K distinct devices, one socket each, in batches the listen backlog
  // takes. A Ping caches its heartbeat on its device row in the same synchronous turn as it
  // parks, so counting those rows (a second connection to the WAL database) counts parked Pings.
  const parkedNow = async (): Promise<number> => (await watch.listDevices()).filter((d) => d.pingHeartbeat === LOAD_HEARTBEAT && d.deviceId.startsWith('Load')).length;
  const BATCH = 250;
  const sources = sourceAddresses(k);
  let batch: LoadPing[] = [];
  for (let i = 0; i < k; i++) {
    const acc = load[Math.floor(i / DEVICES_PER_ACCOUNT)]!;
    const from = sources.addresses[Math.floor(i / sources.perAddress)];
    batch.push({ port: server.httpPort, user: acc.user, password: PASSWORD, deviceId: `Load${i}`, body: pingBody(acc.inbox, LOAD_HEARTBEAT), ...(from ? { localAddress: from } : {}) });
    if (i % BATCH === BATCH - 1 || i === k - 1) {
      others.park(batch);
      batch = [];
      const deadline = Date.now() + 60_000;
      while (await parkedNow() < i + 1) {
        if (Date.now() > deadline) throw new Error(`only ${await parkedNow()} of ${i + 1} load Pings parked after 60 s`);
        await delay(20);
      }
    }
  }
  await waitIdle(server.pid);
  const gcAfter = await collectGarbage(server.pid, server.logFile);
  const after = rssKb(server.pid);
  // Parking many thousands can outlast the SMTP server's idle timeout: a fresh connection,
  // opened (and its greeting read) before the measured rounds.
  await smtp.quit().catch(() => {});
  smtp = await SmtpConnection.open('127.0.0.1', server.smtpPort);

  for (let i = 0; i < args.settle; i++) await round(-1 - args.warmup - i);
  const latencies: number[] = [];
  const ticksBefore = cpuTicks(server.pid);
  for (let i = 0; i < args.rounds; i++) latencies.push(await round(i));
  const serverCpuMs = ((cpuTicks(server.pid) - ticksBefore) * 10) / args.rounds;
  await watch.close();

  await smtp.quit();
  phoneAgent.destroy();
  const stopped = await server.stop();
  const { status1: answered, failures } = await others.settle();
  if (Object.keys(failures).length > 0) console.log(`  K=${k}: not answered Status 1 at SIGTERM:`, failures);

  const serverSide = readFileSync(server.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"device":"BenchPhone"') && l.includes('parked request ended'))
    .map((l) => JSON.parse(l) as { commitToAnswerMs: number | null })
    .map((r) => r.commitToAnswerMs)
    .filter((ms): ms is number => typeof ms === 'number')
    .sort((a, b) => a - b);
  if (!process.env["BENCH_KEEP"]) rmSync(dir, { recursive: true, force: true });
  const youngGrowth = gcAfter.youngGeneration - gcBefore.youngGeneration;

  latencies.sort((a, b) => a - b);
  return {
    k,
    rounds: latencies.length,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    serverP99: percentile(serverSide, 99),
    serverCpuMs,
    bytesPerPing: k > 0 ? ((after - before) * 1024) / k : null,
    youngGrowth,
    heapPerPing: k > 0 ? (gcAfter.heap - gcBefore.heap) / k : null,
    shutdownMs: stopped.ms,
    shutdownAnswered: answered,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const maxK = Math.max(...args.ks);
  // Each parked Ping is one socket in the load process (it inherits this process's limit) and one
  // in the server: name the limit first.
  const need = maxK + 1024;
  if (openFileLimit() < need) {
    throw new Error(
      `K=${maxK} needs ${need} open files in the load process, the limit is ${openFileLimit()} (ulimit -n; "npm run bench:push" raises it to the hard limit ${hardFileLimit()})`,
    );
  }
  if (hardFileLimit() < maxK + 256) {
    throw new Error(`K=${maxK} needs ${maxK + 256} open files in the server, the hard limit is ${hardFileLimit()} (ulimit -Hn, LimitNOFILE)`);
  }
  const sources = sourceAddresses(maxK);
  console.log(`push benchmark: ${args.rounds} rounds per K (after ${args.warmup} warm-up, and ${args.settle} more once the K are parked), node ${process.version}`);
  console.log(
    `limits: open files ${openFileLimit()} per process, ephemeral ports ${sources.portRange} per source address` +
      ` (K=${maxK}: ${sources.addresses.length} source address${sources.addresses.length > 1 ? 'es' : ''}), somaxconn ${somaxconn()}, load parked in batches of 250`,
  );
  console.log(describeFloor(await machineFloor()));
  console.log('K parked | p50 ms | p90 ms | p99 ms | max ms | server commit→answer p99 ms | server CPU per round ms | RSS per parked Ping | the same, young generation apart (its growth) | JS heap per parked Ping | SIGTERM: answered / exit ms');
  for (const k of args.ks) {
    const r = await runOne(k, args);
    const f = (n: number): string => n.toFixed(2);
    const kb = r.bytesPerPing === null ? '-' : `${(r.bytesPerPing / 1024).toFixed(1)} KB`;
    const net = r.bytesPerPing === null ? '-' : `${((r.bytesPerPing - r.youngGrowth / r.k) / 1024).toFixed(1)} KB (${(r.youngGrowth / 1048576).toFixed(1)} MB)`;
    const heap = r.heapPerPing === null ? '-' : `${(r.heapPerPing / 1024).toFixed(2)} KB`;
    console.log(
      `${String(r.k).padStart(8)} | ${f(r.p50)} | ${f(r.p90)} | ${f(r.p99)} | ${f(r.max)} | ${f(r.serverP99)} | ${f(r.serverCpuMs)} | ${kb} | ${net} | ${heap} | ${r.shutdownAnswered}/${r.k} in ${r.shutdownMs} ms`,
    );
  }
  console.log(describeFloor(await machineFloor()));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
