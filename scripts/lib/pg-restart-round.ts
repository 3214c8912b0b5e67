// The crash test's other half on PostgreSQL (issue #17): the node keeps running and PostgreSQL
// is stopped (fast: a service restart; immediate: a crash) at a random moment under SMTP load,
// then started again. Each round: the kept-open connections get 4xx while it is down, never a
// 5xx; once it is back they deliver again with no node restart; every 250 is in the store
// exactly once, every message in doubt whole or absent, every delivery's rows whole.
// (Pings across the restart are test/store-pg/pg-restart.test.ts's part.)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CrashStore } from './crash-pg.js';
import { ackedIn, deliveryFailures, startOutageLoad, waitFor, type OutageLoad } from './pg-outage-load.js';
import { startServe, stopServe } from './serve-process.js';
import { startPgCluster, stopPgCluster, type PgCluster, type PgStopMode } from '../private-postgres.js';

export interface RestartRoundReport {
  round: number;
  /** When PostgreSQL was stopped, counted from every connection's first 250 of the round (ms). */
  stoppedAfterMs: number;
  acknowledged: number;
  /** 4xx answers while PostgreSQL was down. */
  deferrals: number;
  /** Messages answered 4xx after DATA: stored or not, never half (and counted as delivered if stored). */
  inDoubt: number;
  inDoubtStored: number;
  /** From the stop to every connection's first 250 after the start (ms). */
  outageMs: number;
  failures: string[];
}

export interface RestartTestOptions {
  rounds: number;
  connections?: number;
  mode: PgStopMode;
  cluster: PgCluster;
  store: CrashStore;
  /** The stop comes at a uniformly random moment within this range (ms). */
  stopAfterMs?: [number, number];
  onRound?: (r: RestartRoundReport) => void;
  random?: () => number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runPgRestartTest(options: RestartTestOptions): Promise<{ rounds: RestartRoundReport[]; acknowledged: number; failures: string[]; ok: boolean }> {
  const { store, cluster, mode } = options;
  const [stopMin, stopMax] = options.stopAfterMs ?? [100, 1000];
  const random = options.random ?? Math.random;
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-push-pg-restart-'));
  const loads: OutageLoad[] = [];
  const rounds: RestartRoundReport[] = [];
  await store.setup();
  const server = await startServe({ dataDir, args: store.serveArgs });
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const failures: string[] = [];
      const load = await startOutageLoad({
        port: server.smtpPort,
        connections: options.connections ?? 4,
        recipients: store.recipients,
        message: store.message,
        prefix: `r${round}-${Math.floor(random() * 1e8).toString(36)}`,
      });
      loads.push(load);
      let down = false;
      let stoppedAfterMs = 0;
      let outageMs = 0;
      try {
        await waitFor(() => ackedIn(load, 'before').every((n) => n > 0), 'a 250 on every connection before the stop');
        stoppedAfterMs = Math.round(stopMin + random() * (stopMax - stopMin));
        await sleep(stoppedAfterMs);
        load.phase = 'outage';
        const stopped = Date.now();
        down = true;
        await stopPgCluster(cluster, mode);
        await waitFor(() => load.senders.some((s) => s.tempFailures.outage > 0), 'a 4xx while PostgreSQL was down');
        await startPgCluster(cluster);
        down = false;
        load.phase = 'after';
        await waitFor(() => ackedIn(load, 'after').every((n) => n > 0), 'a 250 on every kept-open connection after PostgreSQL came back', 60_000);
        outageMs = Date.now() - stopped;
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      } finally {
        await load.stop();
        if (down) await startPgCluster(cluster);
      }
      if (server.child.exitCode !== null || server.child.signalCode !== null) failures.push('the node exited');

      const counts = await store.counts();
      failures.push(...deliveryFailures(loads, store.recipients, counts));
      failures.push(...(await store.integrity()));
      const inDoubt = load.senders.flatMap((s) => [...s.deferred]);
      const report: RestartRoundReport = {
        round,
        stoppedAfterMs,
        acknowledged: load.senders.reduce((n, s) => n + s.acked.size, 0),
        deferrals: load.senders.reduce((n, s) => n + s.tempFailures.outage, 0),
        inDoubt: inDoubt.length,
        inDoubtStored: inDoubt.filter((tag) => (counts[0]?.get(tag) ?? 0) > 0).length,
        outageMs,
        failures,
      };
      rounds.push(report);
      options.onRound?.(report);
    }
  } finally {
    await stopServe(server);
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const failures = rounds.flatMap((r) => r.failures.map((f) => `round ${r.round}: ${f}`));
  return { rounds, acknowledged: rounds.reduce((n, r) => n + r.acknowledged, 0), failures, ok: failures.length === 0 };
}
