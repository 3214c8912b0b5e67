// Small helpers the throughput benchmarks share: `--name value` options, the server process's
// CPU time (steadier than wall time on a shared machine), a plain-text table, percentiles and
// the Ping the push benchmarks park.

import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { encode } from '../eas/wbxml/index.js';
import { el } from '../eas/wbxml/tree.js';

/** `--name value` pairs; unknown names are an error so a typo does not silently run defaults. */
export function numberOptions<T extends Record<string, number>>(argv: string[], defaults: T): T {
  const out: Record<string, number> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(name in defaults) || !Number.isFinite(value)) {
      throw new Error(`bad option ${argv[i]} ${argv[i + 1] ?? ''}; known: ${Object.keys(defaults).map((k) => `--${k} N`).join(' ')}`);
    }
    out[name] = value;
    i++;
  }
  return out as T;
}

/** utime + stime of a process (all its threads), in milliseconds. */
export function cpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/**
 * The same for the process's main thread only (its task id is the pid): the thread that
 * speaks SMTP and writes SQLite, so the one that bounds throughput when cores are free.
 */
export function mainThreadCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuMs(file: string): number {
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Clock ticks are 100 per second on Linux (USER_HZ).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 1) + ':').join('|')}|`);
  for (const r of rows) console.log(line(r));
}

/** Cores and the 1-minute load when the run started: a shared machine shows in the figures. */
export function machine(): string {
  return `${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(1)}`;
}

/** A Ping of one mail folder, as the benchmarks' phones send it. */
export function pingBody(folderId: number, heartbeat: number): Buffer {
  return encode(
    el('Ping:Ping', [
      el('Ping:HeartbeatInterval', heartbeat),
      el('Ping:Folders', [el('Ping:Folder', [el('Ping:Id', String(folderId)), el('Ping:Class', 'Email')])]),
    ]),
  );
}

/** The p-th percentile of ascending `sorted` (nearest rank); NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
