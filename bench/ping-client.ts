// Pings as a phone sends them, for the push benchmarks (bench/push.ts, bench/invite.ts): one
// request over a given agent (or a socket of its own), its answer read and timed, and the wait
// until the measured one is parked.

import http from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { decode } from '../eas/wbxml/index.js';
import type { Store } from '../store/types.js';

export interface PingAnswer {
  status: number;
  httpStatus: number;
  folders: string[];
  /** performance.now() when the answer was read. */
  end: number;
}

/** The process's open-file limit (each parked Ping is a socket). */
export function openFileLimit(): number {
  const m = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m ? Number(m[1]) : 1024;
}

/**
 * Loopback source addresses for `k` sockets to one server port: each source address has the
 * kernel's ephemeral port range (net.ipv4.ip_local_port_range) to itself, so past about that
 * many sockets the load spreads over 127.0.0.2, 127.0.0.3, … (all of 127/8 is loopback).
 */
export function sourceAddresses(k: number): { perAddress: number; addresses: string[]; portRange: number } {
  let portRange = 28_232;
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo !== undefined && hi !== undefined && hi > lo) portRange = hi - lo + 1;
  } catch {
    // Not Linux: keep the kernel default.
  }
  // Leave room for the measured phone, SMTP and sockets still in TIME_WAIT from an earlier K.
  const perAddress = Math.max(1000, Math.min(10_000, portRange - 4000));
  const count = Math.max(1, Math.ceil(k / perAddress));
  return { perAddress, addresses: Array.from({ length: count }, (_, i) => `127.0.0.${i + 1}`), portRange };
}

/** The listen backlog cap (net.core.somaxconn): bursts of connections past it are dropped. */
export function somaxconn(): number {
  try {
    return Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
  } catch {
    return 4096;
  }
}

/** One Ping over `agent` (false: a socket of its own). `answer` resolves when the answer is read. */
export function sendPing(
  port: number,
  user: string,
  password: string,
  deviceId: string,
  body: Buffer,
  agent: http.Agent | false,
  onSent?: () => void,
  localAddress?: string,
): { answer: Promise<PingAnswer>; req: http.ClientRequest } {
  const auth = Buffer.from(`${user}:${password}`).toString('base64');
  let req!: http.ClientRequest;
  const answer = new Promise<PingAnswer>((resolveAnswer, reject) => {
    req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/Microsoft-Server-ActiveSync?Cmd=Ping&User=${encodeURIComponent(user)}&DeviceId=${deviceId}&DeviceType=Bench`,
        agent,
        ...(localAddress ? { localAddress } : {}),
        headers: {
          Authorization: `Basic ${auth}`,
          'MS-ASProtocolVersion': '16.1',
          'Content-Type': 'application/vnd.ms-sync.wbxml',
          'Content-Length': String(body.length),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const end = performance.now();
          const raw = Buffer.concat(chunks);
          const tree = raw.length > 0 ? decode(raw) : null;
          resolveAnswer({
            status: tree?.intOf('Ping:Status') ?? NaN,
            httpStatus: res.statusCode ?? 0,
            folders: tree?.child('Ping:Folders')?.all('Ping:Folder').map((f) => f.text ?? '') ?? [],
            end,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (onSent) req.on('finish', onSent);
    req.end(body);
  });
  return { answer, req };
}

/**
 * Resolves once the device's newest Ping is parked: the server records each parked request in
 * the push history (device show) in the turn it parks, read here through a second connection to
 * the WAL database. Waiting a fixed few ms instead lost rounds: a phone Pinging a folder it never
 * synced (docs/push.md rule 2) does not hear of a delivery that commits before it is registered.
 */
export function parkWatch(watch: Store, accountId: number, deviceId: string): () => Promise<void> {
  let lastParkId = 0;
  return async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const device = await watch.getDevice(accountId, deviceId);
      const newest = device ? (await watch.pushHistory(device.id, 1))[0] : undefined;
      if (newest && newest.endedAt === null && newest.id > lastParkId) {
        lastParkId = newest.id;
        return;
      }
      if (Date.now() > deadline) throw new Error('the measured Ping did not park within 10 s');
      await delay(1);
    }
  };
}
