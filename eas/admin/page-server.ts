// The server page (docs/admin.md §2): deliveries per minute, the push latency (commit → answer)
// histogram and percentiles over the last hour, parked requests now and failed logins, all from
// the in-process collector (metrics.ts) and the registry.

import { duration } from '../push/verdict.js';
import { barChart } from './charts.js';
import { html, type Html } from './html.js';
import { LATENCY_BOUNDS_MS, type MetricsSnapshot } from './metrics.js';

function bound(ms: number | null): string {
  if (ms === null) return '-';
  if (ms === Infinity) return `> ${duration(LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]!)}`;
  return `≤ ${duration(ms)}`;
}

function minuteLabel(since: number, i: number): string {
  return new Date(since + i * 60_000).toISOString().slice(11, 16);
}

export function serverLive(m: MetricsSnapshot, parkedNow: number, now: Date): Html {
  const delivered = m.deliveriesPerMinute.reduce((a, b) => a + b, 0);
  const failures = m.loginFailuresPerMinute.reduce((a, b) => a + b, 0);
  const minuteLabels = m.deliveriesPerMinute.map((_, i) => minuteLabel(m.since, i));
  const bucketLabels = [...LATENCY_BOUNDS_MS.map((b) => `≤${b < 1000 ? `${b}ms` : `${b / 1000}s`}`), `>${LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]! / 1000}s`];
  const card = (id: string, value: unknown, label: string) => html`<div class="card"><b id="${id}">${value}</b><span>${label}</span></div>`;
  return html`<h1>Server</h1>
<div class="cards">${card('parked-now', parkedNow, 'parked Pings and Sync-Waits now')}${card('delivered-hour', delivered, 'messages delivered, last hour')}
${card('push-p50', bound(m.latency.p50), 'push latency p50')}${card('push-p90', bound(m.latency.p90), 'p90')}${card('push-p99', bound(m.latency.p99), 'p99')}
${card('login-failures', failures, 'failed logins, last hour')}</div>
<h2>Deliveries per minute <span class="mute">(last hour, UTC)</span></h2>
<div class="scroll">${barChart({ values: m.deliveriesPerMinute, labels: minuteLabels, labelEvery: 10, title: 'deliveries per minute, last hour' })}</div>
<h2>Push latency <span class="mute">(commit → answer, ${m.latency.count} answers woken by a commit in the last hour)</span></h2>
<div class="scroll">${barChart({ values: m.latency.buckets, labels: bucketLabels, labelEvery: 2, title: 'push latency histogram, last hour', color: 'var(--ok)' })}</div>
<h2>Failed logins per minute <span class="mute">(EAS and this console)</span></h2>
<div class="scroll">${barChart({ values: m.loginFailuresPerMinute, labels: minuteLabels, labelEvery: 10, title: 'failed logins per minute, last hour', color: 'var(--bad)', height: 110 })}</div>
<p class="mute">As of ${now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')}. Figures are kept in memory since the server started.</p>`;
}
