#!/usr/bin/env tsx
// Crash test (issue #6): N rounds of "deliver under load over several SMTP connections, SIGKILL
// the server at a random moment, restart it": every message that got a 250 must be in the
// mailbox exactly once, none half-delivered, and PRAGMA integrity_check must be ok.
//
//   npx tsx scripts/crash-test.ts [--rounds 20] [--connections 4] [--durability normal|full]
//
// On PostgreSQL (issue #17), the same rounds with the node serving a PostgreSQL database, checked
// in PostgreSQL's terms (scripts/lib/crash-pg.ts):
//
//   --store postgres                 a private cluster (scripts/private-postgres.ts)
//   --pg-url postgres://…/scratch    a database of yours (each run adds two accounts to it)
//   --store postgres --restart-db fast|immediate
//                                    the node keeps running and PostgreSQL is stopped and started
//                                    under the load instead (scripts/lib/pg-restart-round.ts)
//
// Prints one line per round and a verdict; exits 1 on any failure.

import { parseArgs } from 'node:util';
import { pgCrashStore, type CrashStore } from './lib/crash-pg.js';
import { runCrashTest } from './lib/crash-round.js';
import { runPgRestartTest } from './lib/pg-restart-round.js';
import { admin, createPgDatabase, type PgScratchDatabase } from './private-postgres.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '4' },
    durability: { type: 'string', default: 'normal' },
    store: { type: 'string', default: 'sqlite' },
    'pg-url': { type: 'string' },
    'restart-db': { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const durability = values.durability === 'full' ? 'full' : 'normal';
const restartDb = values['restart-db'];
function usage(message: string): never {
  process.stderr.write(`crash-test: ${message}\n`);
  process.exit(2);
}
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(connections) || connections < 1) {
  usage('--rounds and --connections take whole numbers');
}
if (values.store !== 'sqlite' && values.store !== 'postgres') usage(`--store takes sqlite or postgres, not ${values.store}`);
if (restartDb !== undefined && restartDb !== 'fast' && restartDb !== 'immediate') usage(`--restart-db takes fast or immediate, not ${restartDb}`);
// Only a cluster this process started is one it may stop.
if (restartDb !== undefined && (values.store !== 'postgres' || values['pg-url'])) usage('--restart-db needs --store postgres (the private cluster), not --pg-url');

let store: CrashStore | undefined;
let db: PgScratchDatabase | undefined;
if (values['pg-url']) store = pgCrashStore(values['pg-url'], 'PostgreSQL (--pg-url)');
else if (values.store === 'postgres') {
  // Stopped, with its temp dir, when this process ends (the cluster's watchdog).
  db = await createPgDatabase({ migrated: true });
  store = pgCrashStore(db.url, `PostgreSQL ${db.cluster.version} (private cluster)`);
}

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const fail = (failures: string[]) => {
  for (const f of failures.slice(0, 50)) process.stdout.write(`  FAIL ${f}\n`);
  process.stdout.write(`FAIL: ${failures.length} problems over ${rounds} rounds (${seconds()} s)\n`);
  process.exitCode = 1;
};

if (restartDb && db && store) {
  // The private cluster runs with synchronous_commit=off, under which a crash of PostgreSQL
  // loses its last commits: back to PostgreSQL's default for this database, as an install has it.
  await admin(db.cluster, `ALTER DATABASE ${db.name} SET synchronous_commit = on`);
  process.stdout.write(`PostgreSQL restart test: ${rounds} rounds, ${connections} connections, stop -m ${restartDb}, ${store.label}, synchronous_commit on\n`);
  const report = await runPgRestartTest({
    rounds,
    connections,
    mode: restartDb as 'fast' | 'immediate',
    cluster: db.cluster,
    store,
    onRound: (r) =>
      process.stdout.write(
        `round ${String(r.round).padStart(2)}: stopped ${r.stoppedAfterMs} ms into the load, ${r.acknowledged} acknowledged, ` +
          `${r.deferrals} deferred (4xx) while down, ${r.inDoubt} in doubt (${r.inDoubtStored} stored), delivering again ${r.outageMs} ms after the stop` +
          `${r.failures.length ? `, ${r.failures.length} FAILURES` : ', ok'}\n`,
      ),
  });
  if (report.ok) {
    process.stdout.write(
      `PASS: ${report.acknowledged} acknowledged messages over ${rounds} PostgreSQL restarts (${restartDb}), each present exactly once; ` +
        `only 4xx while it was down; every delivery whole (${seconds()} s)\n`,
    );
  } else fail(report.failures);
} else {
  process.stdout.write(`crash test: ${rounds} rounds, ${connections} connections, ${store?.label ?? `durability ${durability}`}\n`);
  const report = await runCrashTest({
    rounds,
    connections,
    durability,
    ...(store ? { store } : {}),
    onRound: (r) =>
      process.stdout.write(
        `round ${String(r.round).padStart(2)}: killed ${r.killedAfterMs} ms into the load, ${r.acknowledged} acknowledged, ` +
          `${r.inDoubt} in doubt (${r.inDoubtStored} stored), restart ${r.restartMs} ms` +
          `${r.failures.length ? `, ${r.failures.length} FAILURES` : ', ok'}\n`,
      ),
  });
  if (report.ok) {
    process.stdout.write(
      `PASS: ${report.acknowledged} acknowledged messages over ${rounds} kill -9 rounds, each present exactly once; integrity ok (${seconds()} s)\n`,
    );
  } else fail(report.failures);
}
