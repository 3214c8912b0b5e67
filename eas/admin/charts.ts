// The console's charts, drawn as SVG on the server (docs/admin.md §2): a bar chart (deliveries
// per minute, the latency histogram) and a device's push timeline. No chart library, no
// script: the page's own stylesheet colours them, and every label is escaped.

import type { PushHistoryEntry } from '../../store/types.js';
import { escapeHtml, trusted, type Html } from './html.js';

const round = (n: number): string => String(Math.round(n * 10) / 10);

export interface BarChart {
  values: number[];
  /** One label per bar; only every `labelEvery`-th is drawn. */
  labels: string[];
  labelEvery?: number;
  /** Accessible name of the chart. */
  title: string;
  color?: string;
  width?: number;
  height?: number;
}

export function barChart(chart: BarChart): Html {
  const width = chart.width ?? 640;
  const height = chart.height ?? 160;
  const top = 14;
  const bottom = 20;
  const left = 30;
  const plotH = height - top - bottom;
  const plotW = width - left - 4;
  const max = Math.max(1, ...chart.values);
  const step = plotW / Math.max(1, chart.values.length);
  const every = chart.labelEvery ?? 1;
  const color = chart.color ?? 'var(--accent)';
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(chart.title)}">`,
    `<title>${escapeHtml(chart.title)}</title>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${width - 4}" y2="${top + plotH}" stroke="var(--line)"/>`,
    `<text x="${left - 4}" y="${top + 4}" text-anchor="end">${max}</text>`,
    `<text x="${left - 4}" y="${top + plotH}" text-anchor="end">0</text>`,
  ];
  chart.values.forEach((v, i) => {
    const h = (v / max) * plotH;
    const x = left + i * step;
    if (v > 0) {
      parts.push(
        `<rect x="${round(x + step * 0.1)}" y="${round(top + plotH - h)}" width="${round(Math.max(1, step * 0.8))}" height="${round(Math.max(1, h))}" fill="${color}"><title>${escapeHtml(chart.labels[i] ?? '')}: ${v}</title></rect>`,
      );
    }
    if (i % every === 0 && chart.labels[i]) {
      parts.push(`<text x="${round(x + step / 2)}" y="${height - 5}" text-anchor="middle">${escapeHtml(chart.labels[i]!)}</text>`);
    }
  });
  parts.push('</svg>');
  return trusted(parts.join(''));
}

const OUTCOME_COLOR: Record<string, string> = {
  add: 'var(--ok)',
  change: 'var(--ok)',
  expiry: 'var(--mute)',
  superseded: 'var(--accent)',
  disconnect: 'var(--warn)',
  shutdown: 'var(--warn)',
  interrupted: 'var(--bad)',
};

/**
 * A device's Pings and Sync-Waits on one time axis, oldest left: a bar while parked (coloured
 * by how it ended), a dot where a delivery answered it, a thin line for the gap until the
 * device came back.
 */
export function timelineChart(entries: readonly PushHistoryEntry[], now: Date, width = 900): Html {
  const height = 64;
  const left = 6;
  const right = 6;
  const y = 20;
  const barH = 18;
  const list = [...entries].reverse();
  if (list.length === 0) return trusted('');
  const t0 = Date.parse(list[0]!.startedAt);
  const t1 = Math.max(now.getTime(), t0 + 1000);
  const x = (t: number): number => left + ((t - t0) / (t1 - t0)) * (width - left - right);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="push timeline">`,
    `<title>Pings and Sync-Waits, oldest left</title>`,
    `<line x1="${left}" y1="${y + barH + 6}" x2="${width - right}" y2="${y + barH + 6}" stroke="var(--line)"/>`,
  ];
  for (const e of list) {
    const start = Date.parse(e.startedAt);
    const end = e.endedAt === null ? now.getTime() : Date.parse(e.endedAt);
    const color = e.endedAt === null ? 'var(--accent)' : (OUTCOME_COLOR[e.outcome ?? ''] ?? 'var(--mute)');
    const label = `${e.kind === 'ping' ? 'Ping' : 'Sync-Wait'} ${e.startedAt}: ${e.outcome ?? 'parked'}`;
    parts.push(
      `<rect x="${round(x(start))}" y="${y}" width="${round(Math.max(2, x(end) - x(start)))}" height="${barH}" rx="2" fill="${color}" opacity="${e.endedAt === null ? 0.55 : 0.85}"><title>${escapeHtml(label)}</title></rect>`,
    );
    if (e.commitToAnswerMs !== null && e.endedAt !== null) {
      parts.push(`<circle cx="${round(x(end))}" cy="${y - 6}" r="3.5" fill="var(--ok)"><title>${escapeHtml(`woken by a delivery, answered ${e.commitToAnswerMs} ms after its commit`)}</title></circle>`);
    }
    if (e.endedAt !== null && e.nextRequestAt !== null) {
      const back = Date.parse(e.nextRequestAt);
      parts.push(`<line x1="${round(x(end))}" y1="${y + barH + 6}" x2="${round(x(back))}" y2="${y + barH + 6}" stroke="var(--warn)" stroke-width="3"><title>${escapeHtml(`gap until the next ${e.nextRequestCmd ?? 'request'}`)}</title></line>`);
    }
  }
  parts.push(`<text x="${left}" y="${height - 2}">${escapeHtml(list[0]!.startedAt.slice(11, 19))}Z</text>`);
  parts.push(`<text x="${width - right}" y="${height - 2}" text-anchor="end">now</text>`);
  parts.push('</svg>');
  return trusted(parts.join(''));
}
