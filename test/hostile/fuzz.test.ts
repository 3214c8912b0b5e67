// The short form of scripts/fuzz.ts: a few thousand mutated requests and SMTP sessions against a
// spawned server; no crash, no 500, no logged error, no SMTP 451, no timeout, clean SIGTERM.
// The seed is printed; FUZZ_SEED replays a failure.

import test from 'ava';
import { fuzzFailures, runFuzz } from '../../scripts/lib/fuzz-run.js';

test('3,000 fuzz cases against a running server: no crash, no 500, still serving, clean exit', async (t) => {
  t.timeout(120_000);
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.log(`seed ${seed}`);
  const report = await runFuzz({ cases: 3000, seed, concurrency: 4, smtpShare: 0.05 });
  t.log(`HTTP ${JSON.stringify(report.httpStatuses)} SMTP ${JSON.stringify(report.smtpCodes)}`);
  // The RSS cap is for the long run; a short run is mostly warm-up.
  t.deepEqual(fuzzFailures(report, Number.POSITIVE_INFINITY), [], `seed ${seed}`);
  t.is(report.cases, 3000);
  t.true((report.httpStatuses[200] ?? 0) > 0, 'some cases reached the commands');
  t.true(Object.keys(report.smtpCodes).length > 0, 'SMTP cases ran');
});
