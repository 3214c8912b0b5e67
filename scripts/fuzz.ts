#!/usr/bin/env tsx
// Fuzzer (issue #6): at least 100,000 hostile cases against a running `eas-push serve`:
// mutated real client requests to every command, random bytes, broken query strings and
// headers, and mutated SMTP sessions. Reports crashes, HTTP 500s, logged errors, SMTP 451s,
// timeouts and RSS growth (goal: none, growth < 50 MB). Replay with the printed seed.
//
//   npx tsx scripts/fuzz.ts [--cases 100000] [--seed N] [--concurrency 8]

import { parseArgs } from 'node:util';
import { fuzzFailures, runFuzz, type FuzzReport } from './lib/fuzz-run.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Math.floor(Math.random() * 2 ** 31)) },
    concurrency: { type: 'string', default: '8' },
  },
});
const cases = Number(values.cases);
const seed = Number(values.seed);
const concurrency = Number(values.concurrency);
if (![cases, seed, concurrency].every((n) => Number.isInteger(n) && n >= 0) || cases < 1 || concurrency < 1) {
  process.stderr.write('fuzz: --cases, --seed and --concurrency take whole numbers\n');
  process.exit(2);
}

const mb = (n: number | null) => (n === null ? 'n/a' : `${(n / 1024 / 1024).toFixed(1)} MB`);
const line = (r: FuzzReport) =>
  `${r.cases} cases: 500s ${r.serverErrors}, timeouts ${r.timeouts}, conn errors ${r.connectionErrors}, peak RSS ${mb(r.rss.peak)}`;

process.stdout.write(`fuzz: ${cases} cases, seed ${seed}, concurrency ${concurrency}\n`);
const report = await runFuzz({
  cases,
  seed,
  concurrency,
  onProgress: (done, r) => {
    if (done % 10_000 === 0) process.stdout.write(`  ${line(r)}\n`);
  },
});
process.stdout.write(`HTTP statuses: ${JSON.stringify(report.httpStatuses)}\n`);
process.stdout.write(`SMTP reply codes: ${JSON.stringify(report.smtpCodes)}\n`);
process.stdout.write(
  `RSS: baseline ${mb(report.rss.baseline)} (after warm-up), end ${mb(report.rss.end)}, peak ${mb(report.rss.peak)}, growth ${report.rss.growthMb ?? 'n/a'} MB\n`,
);
process.stdout.write(`${line(report)}, ${report.seconds} s, server exit on SIGTERM: ${report.exitCode}\n`);
for (const s of report.samples) process.stdout.write(`  sample #${s.index} → ${s.status}: ${s.what}\n`);
const failures = fuzzFailures(report);
for (const f of failures) process.stdout.write(`  FAIL ${f}\n`);
process.stdout.write(failures.length === 0 ? `PASS (seed ${seed})\n` : `FAIL (seed ${seed})\n`);
process.exitCode = failures.length === 0 ? 0 : 1;
