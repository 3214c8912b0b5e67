#!/usr/bin/env tsx
// Crash test (issue #6): N rounds of "deliver under load over several SMTP connections, SIGKILL
// the server at a random moment, restart it": every message that got a 250 must be in the
// mailbox exactly once, none half-delivered, and PRAGMA integrity_check must be ok.
//
//   npx tsx scripts/crash-test.ts [--rounds 20] [--connections 4] [--durability normal|full]
//
// Prints one line per round and a verdict; exits 1 on any failure.

import { parseArgs } from 'node:util';
import { runCrashTest } from './lib/crash-round.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '4' },
    durability: { type: 'string', default: 'normal' },
  },
});
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const durability = values.durability === 'full' ? 'full' : 'normal';
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(connections) || connections < 1) {
  process.stderr.write('crash-test: --rounds and --connections take whole numbers\n');
  process.exit(2);
}

process.stdout.write(`crash test: ${rounds} rounds, ${connections} connections, durability ${durability}\n`);
const started = Date.now();
const report = await runCrashTest({
  rounds,
  connections,
  durability,
  onRound: (r) =>
    process.stdout.write(
      `round ${String(r.round).padStart(2)}: killed ${r.killedAfterMs} ms into the load, ${r.acknowledged} acknowledged, ` +
        `${r.inDoubt} in doubt (${r.inDoubtStored} stored), restart ${r.restartMs} ms` +
        `${r.failures.length ? `, ${r.failures.length} FAILURES` : ', ok'}\n`,
    ),
});
for (const f of report.failures.slice(0, 50)) process.stdout.write(`  FAIL ${f}\n`);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(
  report.ok
    ? `PASS: ${report.acknowledged} acknowledged messages over ${rounds} kill -9 rounds, each present exactly once; integrity ok (${seconds} s)\n`
    : `FAIL: ${report.failures.length} problems over ${rounds} rounds (${seconds} s)\n`,
);
process.exitCode = report.ok ? 0 : 1;
