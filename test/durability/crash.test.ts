// The short form of scripts/crash-test.ts: kill -9 under SMTP load, restart, and every message
// that got a 250 is there exactly once, none half-delivered, integrity_check ok.

import test from 'ava';
import { runCrashTest } from '../../scripts/lib/crash-round.js';

for (const durability of ['normal', 'full'] as const) {
  test(`durability ${durability}: acknowledged mail survives kill -9 exactly once`, async (t) => {
    t.timeout(120_000);
    const report = await runCrashTest({ rounds: 2, connections: 3, durability, killAfterMs: [200, 700] });
    t.deepEqual(report.failures, []);
    t.is(report.rounds.length, 2);
    // Every round must have had acknowledged mail in flight when it was killed, or it proved nothing.
    for (const r of report.rounds) t.true(r.acknowledged > 0, `round ${r.round}`);
  });
}
