// Benchmark (not a test) of push across the nodes of one PostgreSQL store (issue #17): a mail
// delivered over SMTP to node A, and the time until a Ping parked on node B answers it. Goal:
// p99 ≤ 20 ms with 1,000 Pings parked over both nodes.
//
//   npm run bench -- cross-node [--pings 1000] [--rounds 1000] [--warmup 50] [--sqlite 1]
//                               [--pg-url URL | --pg-durable]
//
// Two `eas-push serve` processes (bench/push-server.ts) on one fresh database (bench/pg-bench.ts:
// this process's private PostgreSQL cluster, whose settings are printed, or a server of
// --pg-url). --pings load devices each park a Ping, half on each node, 50 per account, on
// accounts nothing is delivered to. Two measured phones, each on an account of its own, Ping an
// Inbox they never synced (docs/push.md rule 2: not reported on its own), the "cross" phone on
// node B and the "same" phone on node A. Rounds alternate between them, so both figures come
// from the same minutes: the phone Pings, its Ping is seen parked (its push-history row, read
// through the store from outside), one mail goes to its account over a kept-open SMTP
// connection to node A, and the time is taken as bench/push.ts takes it: from the moment the
// last byte of DATA (the final ".") was written to the socket to the moment the Ping's answer
// was read in full. Node A answers 250 after its commit; node B hears of the commit through
// PostgreSQL's LISTEN/NOTIFY (docs/postgres.md "The wake-up bus").
//
// --sqlite 1 (the default) then measures the same-node figure on SQLite in the same run: one
// node, the same load parked on it, the "same" phone alone (bench:push measures it at other K).
//
// The client, both nodes (each with its parse worker), PostgreSQL and the store reads that watch
// for parked Pings share the machine's cores; `machine()` prints how many, and the load.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { databasePath } from '../bin/data-dir.js';
import { FolderType } from '../store/index.js';
import { openStoreAt } from '../store/open.js';
import type { Store } from '../store/types.js';
import { machine, numberOptions, percentile, pingBody, printTable } from './bench-util.js';
import { benchDatabase, describePg, pgOptions, type PgBenchOptions } from './pg-bench.js';
import { openFileLimit, parkWatch, sendPing, sourceAddresses, type PingAnswer } from './ping-client.js';
import { startServer, waitIdle, type BenchServer } from './push-server.js';
import { SmtpConnection, toWire } from './smtp-client.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PASSWORD = 'bench-password';
const DEVICES_PER_ACCOUNT = 50;
const LOAD_HEARTBEAT = 3540;
const BATCH = 250;
const GOAL_P99_MS = 20;

interface Args {
  pings: number;
  rounds: number;
  warmup: number;
  sqlite: number;
  pg: PgBenchOptions;
}

/** A measured phone: the node its Ping parks on, and its own account's Inbox. */
interface Phone {
  label: string;
  deviceId: string;
  user: string;
  accountId: number;
  inbox: number;
  node: BenchServer;
  nodeName: string;
  parked: () => Promise<void>;
  agent: http.Agent;
  latencies: number[];
  /** End of DATA → the 250 (node A has committed), per round. */
  accepted: number[];
}

interface Row {
  store: string;
  pingOn: string;
  latencies: number[];
  accepted: number[];
  /** The node's own share: woken by the commit (local feed or NOTIFY) → answer written, p99. */
  nodeP99: number;
}


interface Load {
  devices: { user: string; inbox: number; deviceId: string }[];
  answers: Promise<PingAnswer>[];
  /** Load Pings answered (or failed) before the end: each one is a Ping no longer parked. */
  early: () => number;
}

/** Accounts for `count` load devices (50 each) and the given measured ones; made before any node starts. */
async function makeAccounts(store: Store, count: number, measured: string[]) {
  const inboxOf = async (id: number) => (await store.folderByType(id, FolderType.Inbox))!.id;
  const phones = [];
  for (const name of measured) {
    const acc = await store.createAccount(`${name}@bench.test`, PASSWORD);
    phones.push({ user: acc.address, accountId: acc.id, inbox: await inboxOf(acc.id) });
  }
  const devices: Load['devices'] = [];
  for (let a = 0; a < Math.ceil(count / DEVICES_PER_ACCOUNT); a++) {
    const acc = await store.createAccount(`load${a}@bench.test`, PASSWORD);
    const inbox = await inboxOf(acc.id);
    for (let d = a * DEVICES_PER_ACCOUNT; d < Math.min(count, (a + 1) * DEVICES_PER_ACCOUNT); d++) {
      devices.push({ user: acc.address, inbox, deviceId: `Load${d}` });
    }
  }
  return { phones, devices };
}

/**
 * Parks every load device's Ping, device i on nodes[i % nodes.length], in batches the listen
 * backlog takes, then checks through the store that each one's newest push-history entry is
 * open: parked, on whichever node. A load Ping answered before the end is counted (`early`).
 */
async function parkLoad(devices: Load['devices'], nodes: BenchServer[], watch: Store): Promise<Load> {
  const answers: Promise<PingAnswer>[] = [];
  let early = 0;
  let ended = false;
  const sources = sourceAddresses(devices.length);
  // A Ping caches its heartbeat on its device row just before it parks: a cheap count to pace
  // the batches by; the push history below is the exact check.
  const cached = async (): Promise<number> =>
    (await watch.listDevices()).filter((d) => d.pingHeartbeat === LOAD_HEARTBEAT && d.deviceId.startsWith('Load')).length;
  for (let i = 0; i < devices.length; i++) {
    const { user, inbox, deviceId } = devices[i]!;
    const node = nodes[i % nodes.length]!;
    const from = sources.addresses[Math.floor(i / sources.perAddress)];
    const answer = sendPing(node.httpPort, user, PASSWORD, deviceId, pingBody(inbox, LOAD_HEARTBEAT), false, undefined, from).answer;
    // Handled at once: a load Ping failing mid-run is counted, not an unhandled rejection.
    answer.then(
      () => void (ended || early++),
      () => void (ended || early++),
    );
    answers.push(answer);
    if (i % BATCH === BATCH - 1 || i === devices.length - 1) {
      const deadline = Date.now() + 60_000;
      while ((await cached()) < i + 1) {
        if (Date.now() > deadline) throw new Error(`only ${await cached()} of ${i + 1} load Pings arrived after 60 s`);
        await delay(20);
      }
    }
  }
  for (const node of nodes) await waitIdle(node.pid);
  let open = 0;
  for (const device of await watch.listDevices()) {
    if (!device.deviceId.startsWith('Load')) continue;
    const newest = (await watch.pushHistory(device.id, 1))[0];
    if (newest && newest.endedAt === null) open++;
  }
  if (open !== devices.length || early > 0) {
    throw new Error(`${open} of ${devices.length} load Pings parked (${early} answered already)`);
  }
  return {
    devices,
    answers,
    early: () => {
      const n = early;
      ended = true;
      return n;
    },
  };
}

/**
 * One round: the phone's Ping parks, one mail to its account over `smtp` (node A); the times
 * from the end of DATA to the Ping's answer and to the 250.
 */
async function round(phone: Phone, smtp: SmtpConnection, i: number): Promise<{ answer: number; accepted: number }> {
  let sent!: () => void;
  const requestSent = new Promise<void>((r) => (sent = r));
  const ping = sendPing(phone.node.httpPort, phone.user, PASSWORD, phone.deviceId, pingBody(phone.inbox, LOAD_HEARTBEAT), phone.agent, sent);
  const message = `From: sender@bench.test\nTo: ${phone.user}\nSubject: round ${i}\nMessage-ID: <${phone.deviceId}-${i}@bench.test>\n\nHello ${i}.\n`;
  await smtp.startData('sender@bench.test', phone.user);
  // The Ping must be parked before the last byte of DATA.
  await requestSent;
  await phone.parked();
  const { dataEnd, reply } = smtp.endData(toWire(message));
  const replied = reply.then((r) => ({ ...r, at: performance.now() }));
  const [answer, final] = await Promise.all([ping.answer, replied]);
  if (final.code !== 250) throw new Error(`delivery refused: ${final.code} ${final.text}`);
  if (answer.status !== 2 || answer.folders[0] !== String(phone.inbox)) {
    throw new Error(`${phone.label} round ${i}: Ping answered HTTP ${answer.httpStatus} Status ${answer.status} ${answer.folders.join(',')}`);
  }
  return { answer: answer.end - dataEnd, accepted: final.at - dataEnd };
}

/** What the node logged as its own share for the phone's measured answers (the last `rounds`): woken → answered, p99. */
function nodeShareP99(phone: Phone, rounds: number): number {
  const ms = readFileSync(phone.node.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes(`"device":"${phone.deviceId}"`) && l.includes('parked request ended'))
    .map((l) => (JSON.parse(l) as { commitToAnswerMs: number | null }).commitToAnswerMs)
    .filter((v): v is number => typeof v === 'number')
    .slice(-rounds)
    .sort((a, b) => a - b);
  return percentile(ms, 99);
}

/**
 * One store: `nodeCount` nodes on `location`, the load parked over them, then the rounds of
 * each phone alternating (phone p Pings node `phoneNodes[p]`; deliveries always go to node A).
 */
async function measureStore(
  storeName: string,
  location: string,
  dirs: string[],
  phoneNodes: number[],
  args: Args,
): Promise<Row[]> {
  const setup = await openStoreAt(location);
  const names = phoneNodes.map((n, p) => `phone${p}-node${n}`);
  const accounts = await makeAccounts(setup, args.pings, names);
  await setup.close();

  const storeArgs = location.startsWith('sqlite:') ? [] : ['--store', location];
  const nodes: BenchServer[] = [];
  const watches: Store[] = [];
  try {
    for (const dir of dirs) nodes.push(await startServer(ROOT, dir, [...storeArgs, '--heartbeat-max', String(LOAD_HEARTBEAT)]));
    const watch = await openStoreAt(location);
    watches.push(watch);
    const nodeName = (n: number) => String.fromCharCode(65 + n);
    const phones: Phone[] = accounts.phones.map((acc, p) => ({
      label: `${storeName}, Ping on ${nodeName(phoneNodes[p]!)}`,
      deviceId: `BenchPhone${p}`,
      ...acc,
      node: nodes[phoneNodes[p]!]!,
      nodeName: nodeName(phoneNodes[p]!),
      parked: parkWatch(watch, acc.accountId, `BenchPhone${p}`),
      // The measured phone keeps its connection, as phones do.
      agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
      latencies: [],
      accepted: [],
    }));

    const load = await parkLoad(accounts.devices, nodes, watch);
    // Opened after the parking, which can outlast the SMTP server's idle timeout.
    const smtp = await SmtpConnection.open('127.0.0.1', nodes[0]!.smtpPort);
    for (let i = 0; i < args.warmup; i++) for (const phone of phones) await round(phone, smtp, -1 - i);
    for (let i = 0; i < args.rounds; i++) {
      for (const phone of phones) {
        const t = await round(phone, smtp, i);
        phone.latencies.push(t.answer);
        phone.accepted.push(t.accepted);
      }
    }
    await smtp.quit();

    const early = load.early();
    if (early > 0) throw new Error(`${early} load Pings were answered during the rounds: fewer than ${args.pings} stayed parked`);
    for (const phone of phones) phone.agent.destroy();
    for (const node of nodes.splice(0)) await node.stop();
    const answers = await Promise.allSettled(load.answers);
    const notExpired = answers.filter((a) => a.status === 'rejected' || a.value.status !== 1).length;
    if (notExpired > 0) console.log(`  ${storeName}: ${notExpired} load Pings not answered Status 1 at SIGTERM`);

    return phones.map((phone) => ({
      store: storeName,
      pingOn: phone.nodeName,
      latencies: phone.latencies.sort((a, b) => a - b),
      accepted: phone.accepted.sort((a, b) => a - b),
      nodeP99: nodeShareP99(phone, args.rounds),
    }));
  } finally {
    // Never leave a node holding the load's sockets behind a failed run.
    for (const node of nodes) await node.stop();
    for (const watch of watches) await watch.close();
  }
}

async function onPostgres(args: Args): Promise<Row[]> {
  const db = await benchDatabase(args.pg);
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'eas-push-bench-node-')));
  try {
    console.log(`  ${await describePg(db)}; each node's pool 10 connections and one LISTEN connection`);
    // The phone whose Ping is on B first: it is the figure the benchmark is for.
    return await measureStore('PostgreSQL', db.url, dirs, [1, 0], args);
  } finally {
    await db.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function onSqlite(args: Args): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-bench-node-'));
  try {
    return await measureStore('SQLite', `sqlite:${databasePath(dir)}`, [dir], [0], args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseArgs(argv: string[]): Args {
  const { pg, rest } = pgOptions(argv);
  const n = numberOptions(rest, { pings: 1000, rounds: 1000, warmup: 50, sqlite: 1 });
  if (!(n.pings >= 0 && n.rounds >= 1 && n.warmup >= 0)) throw new Error('--pings ≥ 0, --rounds ≥ 1, --warmup ≥ 0');
  return { ...n, pg };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Each parked Ping is one socket here (and one in its node).
  const need = args.pings + 1024;
  if (openFileLimit() < need) {
    throw new Error(`${args.pings} Pings need ${need} open files in this client, the limit is ${openFileLimit()} (ulimit -n; "npm run bench -- cross-node" raises it to the hard limit)`);
  }
  console.log(
    `\ncross-node push: ${args.pings} Pings parked (half on each node), ${args.rounds} rounds per row after ${args.warmup} warm-up, ` +
      `deliveries over SMTP to node A, node ${process.version}, ${machine()}`,
  );
  const rows = await onPostgres(args);
  if (args.sqlite) rows.push(...(await onSqlite(args)));
  const f = (ms: number): string => ms.toFixed(2);
  printTable(
    ['store', 'mail to', 'Ping on', 'other Pings parked', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'DATA → 250 p50 / p99 ms', "Ping's node woken → answer p99 ms"],
    rows.map((r) => [
      r.store,
      'A',
      r.pingOn,
      String(args.pings),
      f(percentile(r.latencies, 50)),
      f(percentile(r.latencies, 90)),
      f(percentile(r.latencies, 99)),
      f(r.latencies[r.latencies.length - 1] ?? NaN),
      `${f(percentile(r.accepted, 50))} / ${f(percentile(r.accepted, 99))}`,
      f(r.nodeP99),
    ]),
  );
  const cross = rows[0]!;
  const p99 = percentile(cross.latencies, 99);
  console.log(`goal p99 ≤ ${GOAL_P99_MS} ms across nodes: ${p99 <= GOAL_P99_MS ? 'met' : 'missed'} (${f(p99)} ms)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
