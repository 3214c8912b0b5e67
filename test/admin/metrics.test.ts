// The console's collector (docs/admin.md §3): one-minute slots over the last hour, percentiles
// from the histogram's buckets, and the taps that feed it from the push history and the log.

import test from 'ava';
import { createAdminMetrics, tapDeliveryLog, tapHistory, LATENCY_BOUNDS_MS } from '../../eas/admin/metrics.js';
import type { Logger } from '../../eas/log.js';
import type { PushHistoryOp } from '../../store/types.js';

test('deliveries and failures land in the current minute and leave the window after an hour', (t) => {
  let now = Date.UTC(2026, 11, 6, 10, 0, 30);
  const m = createAdminMetrics(() => now);
  m.delivered();
  m.delivered();
  m.loginFailed();
  now += 60_000;
  m.delivered();
  let s = m.snapshot();
  t.deepEqual(s.deliveriesPerMinute.slice(-2), [2, 1]);
  t.is(s.deliveriesPerMinute.length, 60);
  t.deepEqual(s.loginFailuresPerMinute.slice(-2), [1, 0]);
  // 59 minutes later the first minute has left the window; the second is the oldest.
  now += 59 * 60_000;
  s = m.snapshot();
  t.is(s.deliveriesPerMinute.reduce((a, b) => a + b, 0), 1);
  t.is(s.deliveriesPerMinute[0], 1);
  // Its slot is reused for the new minute, starting from zero.
  m.delivered();
  t.deepEqual(m.snapshot().deliveriesPerMinute.slice(-1), [1]);
});

test('percentiles are the upper bounds of the buckets they fall in', (t) => {
  const m = createAdminMetrics(() => 1_000_000);
  t.is(m.snapshot().latency.p50, null, 'nothing measured yet');
  for (let i = 0; i < 90; i++) m.pushAnswered(0.3);
  for (let i = 0; i < 9; i++) m.pushAnswered(7);
  m.pushAnswered(60_000);
  const { latency } = m.snapshot();
  t.is(latency.count, 100);
  t.is(latency.p50, 0.5);
  t.is(latency.p90, 0.5);
  t.is(latency.p99, 10);
  t.is(latency.buckets[LATENCY_BOUNDS_MS.length], 1, 'the slow one is in the overflow bucket');
});

test('the taps count what flows through and pass everything on unchanged', async (t) => {
  const m = createAdminMetrics();
  const written: PushHistoryOp[][] = [];
  let notified = 0;
  m.onHistory(() => notified++);
  const history = tapHistory({ writePushHistory: async (ops) => void written.push([...ops]), resumePushHistory: async () => 7 }, m);
  t.is(await history.resumePushHistory('2026-12-06T10:00:00.000Z'), 7);
  const ops: PushHistoryOp[] = [
    { op: 'end', id: 1, endedAt: '2026-12-06T10:00:01.000Z', outcome: 'add', reported: [3], commitToAnswerMs: 0.2 },
    { op: 'end', id: 2, endedAt: '2026-12-06T10:00:01.000Z', outcome: 'expiry', reported: [], commitToAnswerMs: null },
  ];
  await history.writePushHistory(ops);
  t.deepEqual(written, [ops]);
  t.is(notified, 1);
  t.is(m.snapshot().latency.count, 1, 'only answers woken by a commit have a latency');

  const lines: string[] = [];
  const log: Logger = { info: (msg) => void lines.push(msg), warn() {}, error() {}, debug() {} };
  const tapped = tapDeliveryLog(log, m);
  tapped.info('delivered', { recipients: ['a@example.com'] });
  tapped.info('listening');
  t.deepEqual(lines, ['delivered', 'listening']);
  t.is(m.snapshot().deliveriesPerMinute.at(-1), 1);
});
