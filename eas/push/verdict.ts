// How a push-history entry reads to a person: times, durations and one verdict per entry, in
// the words of the support question "my phone got the mail late". Shared by `eas-push device`
// (bin/cli/device.ts) and the operator's console (eas/admin/, docs/admin.md).

import type { PushHistoryEntry } from '../../store/types.js';

/** A parked record older than its heartbeat plus this is left over by a server that is gone. */
const STALE_GRACE_MS = 2 * 60_000;

/** "2025-06-01 12:03:04Z": UTC to the second. */
export function when(iso: string | null): string {
  if (iso === null) return '-';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** "0.12 ms", "3.5 ms", "42 ms", "4.2 s", "14 min", "2 h 5 min", "3 d 4 h". */
export function duration(ms: number): string {
  // Sub-10 ms matters here: it is the wake latency docs/push.md "Goals" promises.
  if (ms < 10) return `${Number(ms.toFixed(ms < 1 ? 2 : 1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min${min < 10 && Math.round(s % 60) > 0 ? ` ${Math.round(s % 60)} s` : ''}`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
  const d = Math.floor(h / 24);
  return `${d} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

function between(from: string, to: string): number {
  return Date.parse(to) - Date.parse(from);
}

export type ParkedState = { kind: 'parked'; since: string; entry: PushHistoryEntry } | { kind: 'stale'; since: string } | { kind: 'none' };

/** Is a request of the device parked now, judging from its newest history entry? */
export function parkedState(latest: PushHistoryEntry | undefined, now: Date): ParkedState {
  if (!latest || latest.endedAt !== null) return { kind: 'none' };
  const deadline = Date.parse(latest.startedAt) + latest.heartbeatSeconds * 1000 + STALE_GRACE_MS;
  if (now.getTime() > deadline) return { kind: 'stale', since: latest.startedAt };
  return { kind: 'parked', since: latest.startedAt, entry: latest };
}

export function parkedText(state: ParkedState, now: Date): string {
  if (state.kind === 'none') return 'no';
  if (state.kind === 'stale') return `no (stale record from ${when(state.since)}: the server is not running or was killed)`;
  const kind = state.entry.kind === 'ping' ? 'Ping' : 'Sync-Wait';
  return `${kind} parked since ${when(state.since)} (${duration(now.getTime() - Date.parse(state.since))})`;
}

function kindName(entry: PushHistoryEntry): string {
  return entry.kind === 'ping' ? 'Ping' : 'Sync-Wait';
}

/** What happened to the request, and what the device did next. */
export function verdict(entry: PushHistoryEntry, now: Date): string {
  if (entry.endedAt === null) {
    const state = parkedState(entry, now);
    if (state.kind === 'stale') return 'never answered: the server stopped (record left by a server that is gone)';
    return `parked now, for ${duration(now.getTime() - Date.parse(entry.startedAt))}`;
  }
  const held = duration(between(entry.startedAt, entry.endedAt));
  const folders = entry.reported.length;
  let what: string;
  switch (entry.outcome) {
    case 'add':
    case 'change': {
      const news = entry.outcome === 'add' ? 'new mail' : 'a change';
      what =
        entry.commitToAnswerMs !== null
          ? `${news}: answered ${duration(entry.commitToAnswerMs)} after delivery, parked ${held}`
          : `answered at once: ${news} was already waiting (arrived since the device's last Sync)`;
      break;
    }
    case 'expiry':
      what =
        folders > 0
          ? `heartbeat (${entry.heartbeatSeconds} s) elapsed; reported other changes in ${folders} folder${folders > 1 ? 's' : ''}`
          : `heartbeat (${entry.heartbeatSeconds} s) elapsed with nothing new`;
      break;
    case 'superseded':
      // The replacing request is the next one: the gap is zero by definition.
      return `replaced by a newer ${entry.nextRequestCmd ?? 'request'} of the device after ${held}`;
    case 'disconnect': {
      const early = between(entry.startedAt, entry.endedAt) < entry.heartbeatSeconds * 1000 * 0.9;
      what = `the device or the network closed the connection after ${held}${
        early ? ` (before its ${entry.heartbeatSeconds} s heartbeat: a NAT or proxy idle timeout? a lower --heartbeat-max helps)` : ''
      }`;
      break;
    }
    case 'shutdown':
      what = `answered when the server shut down, after ${held}`;
      break;
    case 'interrupted':
      return 'never answered: the server stopped without answering (crash or kill)';
    default:
      what = `ended (${String(entry.outcome)}) after ${held}`;
  }
  if (entry.nextRequestAt !== null) {
    return `${what}; the device's next ${entry.nextRequestCmd ?? 'request'} came ${duration(between(entry.endedAt, entry.nextRequestAt))} later`;
  }
  return `${what}; no request from the device since`;
}

/** One history line: start, kind, heartbeat, folders, outcome, verdict. */
export function historyLine(entry: PushHistoryEntry, now: Date): string {
  const outcome = entry.outcome ?? (entry.endedAt === null ? 'parked' : '-');
  return `  ${when(entry.startedAt)}  ${kindName(entry).padEnd(9)}  ${`${entry.heartbeatSeconds} s`.padStart(6)}  folders ${entry.folderIds.join(',')}  ${outcome}: ${verdict(entry, now)}`;
}
