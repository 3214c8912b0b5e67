// Pings as a phone sends them, for the push benchmarks (bench/push.ts, bench/invite.ts): one
// request over a given agent (or a socket of its own), its answer read and timed.

import http from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { decode } from '../eas/wbxml/index.js';

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

/** One Ping over `agent` (false: a socket of its own). `answer` resolves when the answer is read. */
export function sendPing(
  port: number,
  user: string,
  password: string,
  deviceId: string,
  body: Buffer,
  agent: http.Agent | false,
  onSent?: () => void,
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
