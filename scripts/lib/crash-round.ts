// One crash-test run: deliver under load over several SMTP connections, SIGKILL the server at a
// random moment, restart it on the same data directory, and check that every message that got
// a 250 is in each recipient's Inbox exactly once, that no message is in one Inbox but not the
// other (a delivery is one transaction), and that PRAGMA integrity_check says ok. The same rounds
// run against a PostgreSQL database with `store` (scripts/lib/crash-pg.ts: its checks).

import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasePath } from '../../bin/data-dir.js';
import { openStore } from '../../store/index.js';
import { crashHeaders, inboxCountsAt, type CrashStore } from './crash-pg.js';
import { openSession, transaction, type RawSmtp } from './raw-smtp.js';
import { startServe, stopServe, type ServeProcess } from './serve-process.js';

export const RECIPIENTS = ['crash-a@example.com', 'crash-b@example.com'];

export interface CrashTestOptions {
  rounds: number;
  /** SMTP connections delivering at once. */
  connections?: number;
  /** The kill comes at a uniformly random moment within this range after the first 250 (ms). */
  killAfterMs?: [number, number];
  durability?: 'normal' | 'full';
  /** The store the node serves: the data dir's SQLite file unless given (e.g. pgCrashStore). */
  store?: CrashStore;
  /** Called after each round with its figures. */
  onRound?: (r: RoundReport) => void;
  random?: () => number;
}

export interface RoundReport {
  round: number;
  killedAfterMs: number;
  /** Messages answered 250 in this round. */
  acknowledged: number;
  /** Messages whose DATA was sent but whose answer never came (killed mid-transaction). */
  inDoubt: number;
  /** Of those, how many were stored after all (fine either way, but never half). */
  inDoubtStored: number;
  restartMs: number;
  failures: string[];
}

export interface CrashTestReport {
  rounds: RoundReport[];
  acknowledged: number;
  failures: string[];
  ok: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function messageFor(tag: string, recipients: string[]): string {
  return [
    ...crashHeaders(tag, recipients),
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${tag}.`,
    'A second line so the message is not trivially small.',
    '',
  ].join('\r\n');
}

/** Delivers until the connection dies; records each tag as acknowledged or in doubt. */
async function loadOne(
  port: number,
  store: Pick<CrashStore, 'recipients' | 'message'>,
  prefix: string,
  acked: Set<string>,
  inDoubt: Set<string>,
  onAck: () => void,
): Promise<void> {
  let smtp: RawSmtp;
  try {
    smtp = await openSession(port);
  } catch {
    return;
  }
  for (let i = 0; ; i++) {
    const tag = `${prefix}-${i}`;
    inDoubt.add(tag);
    try {
      const reply = await transaction(smtp, 'load@example.org', store.recipients, store.message(tag));
      inDoubt.delete(tag);
      if (reply.code === 250) {
        acked.add(tag);
        onAck();
      } else throw new Error(`unexpected reply ${reply.code} ${reply.lines.join(' ')}`);
    } catch (err) {
      // The kill closes the socket: whatever was sent but not answered stays "in doubt".
      if (!smtp.closed) {
        smtp.close();
        throw err;
      }
      return;
    }
  }
}

/** Counts per subject in each recipient's Inbox, read through the store as the server does. */
function inboxCounts(dataDir: string): Promise<Map<string, number>[]> {
  return inboxCountsAt(`sqlite:${databasePath(dataDir)}`, RECIPIENTS);
}

function integrity(dataDir: string): string {
  const db = new Database(databasePath(dataDir), { readonly: true });
  try {
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** The crash test's default store: the data dir's SQLite file, at the durability given. */
function sqliteCrashStore(dataDir: string, durability: 'normal' | 'full'): CrashStore {
  return {
    label: `SQLite, durability ${durability}`,
    serveArgs: ['--durability', durability],
    recipients: RECIPIENTS,
    message: (tag) => messageFor(tag, RECIPIENTS),
    async setup() {
      const setup = openStore(databasePath(dataDir));
      for (const address of RECIPIENTS) await setup.createAccount(address, randomUUID());
      await setup.close();
    },
    counts: () => inboxCounts(dataDir),
    async integrity() {
      const check = integrity(dataDir);
      return check === 'ok' ? [] : [`integrity_check: ${check}`];
    },
    async close() {},
  };
}

export async function runCrashTest(options: CrashTestOptions): Promise<CrashTestReport> {
  const connections = options.connections ?? 4;
  const [killMin, killMax] = options.killAfterMs ?? [150, 1500];
  const random = options.random ?? Math.random;
  const durability = options.durability ?? 'normal';
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-push-crash-'));
  const store = options.store ?? sqliteCrashStore(dataDir, durability);
  const args = store.serveArgs;
  const allAcked = new Set<string>();
  const rounds: RoundReport[] = [];
  let server: ServeProcess | null = null;
  try {
    await store.setup();
    server = await startServe({ dataDir, args });

    for (let round = 1; round <= options.rounds; round++) {
      const acked = new Set<string>();
      const inDoubt = new Set<string>();
      const run = randomUUID().slice(0, 8);
      const port = server.smtpPort;
      let firstAck!: () => void;
      const acking = new Promise<void>((resolve) => (firstAck = resolve));
      const load = Promise.all(
        Array.from({ length: connections }, (_, c) => loadOne(port, store, `r${round}-${run}-c${c}`, acked, inDoubt, firstAck)),
      );
      // The random moment is counted from the first 250, so a slow machine still kills mid-load.
      await Promise.race([acking, load]);
      const killedAfterMs = Math.round(killMin + random() * (killMax - killMin));
      await sleep(killedAfterMs);
      const victim: ServeProcess = server;
      victim.child.kill('SIGKILL');
      await victim.exited;
      const loadResult = await load.then(
        () => null,
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      );

      const restartStarted = Date.now();
      server = await startServe({ dataDir, args });
      const restartMs = Date.now() - restartStarted;

      const failures: string[] = [];
      if (loadResult) failures.push(`load: ${loadResult}`);
      for (const tag of acked) allAcked.add(tag);
      const [a, b] = await store.counts() as [Map<string, number>, Map<string, number>];
      for (const tag of allAcked) {
        for (const [i, counts] of [a, b].entries()) {
          const n = counts.get(tag) ?? 0;
          if (n !== 1) failures.push(`${tag} acknowledged but found ${n} times for ${store.recipients[i]}`);
        }
      }
      let inDoubtStored = 0;
      for (const tag of inDoubt) {
        const na = a.get(tag) ?? 0;
        const nb = b.get(tag) ?? 0;
        if (na !== nb || na > 1) failures.push(`${tag} in doubt: ${na} and ${nb} copies (must be 0/0 or 1/1)`);
        if (na === 1 && nb === 1) {
          // Stored and committed although the 250 never arrived: it now counts as delivered.
          inDoubtStored++;
          allAcked.add(tag);
        }
      }
      const known = new Set([...allAcked, ...inDoubt]);
      for (const counts of [a, b]) {
        for (const [subject, n] of counts) {
          if (!known.has(subject)) failures.push(`unexpected message ${subject} (${n})`);
        }
      }
      failures.push(...(await store.integrity()));
      if (acked.size === 0) failures.push('no message was acknowledged before the kill: the round tested nothing');

      const report: RoundReport = {
        round,
        killedAfterMs,
        acknowledged: acked.size,
        inDoubt: inDoubt.size,
        inDoubtStored,
        restartMs,
        failures,
      };
      rounds.push(report);
      options.onRound?.(report);
    }
  } finally {
    if (server) await stopServe(server);
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const failures = rounds.flatMap((r) => r.failures.map((f) => `round ${r.round}: ${f}`));
  return { rounds, acknowledged: allAcked.size, failures, ok: failures.length === 0 };
}
