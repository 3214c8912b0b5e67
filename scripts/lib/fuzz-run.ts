// Runs fuzz cases against a RUNNING server (spawned `eas-push serve`): HTTP over keep-alive
// connections, SMTP over fresh sessions. Reports crashes (the process died), HTTP 500s, errors
// the server logged, SMTP 451s (a local failure), timeouts, and the server's RSS growth.

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasePath } from '../../bin/data-dir.js';
import { openStore } from '../../store/index.js';
import { createCaseFactory, loadSeeds, prng, type HttpCase, type SmtpCase } from './fuzz-cases.js';
import { ROOT, startServe, stopServe, type ServeProcess } from './serve-process.js';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Requests in flight at once. */
  concurrency?: number;
  smtpShare?: number;
  /** Per-case time limit (ms): a case that takes longer counts as a timeout. */
  caseTimeoutMs?: number;
  onProgress?: (done: number, report: FuzzReport) => void;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  httpStatuses: Record<number, number>;
  smtpCodes: Record<number, number>;
  /** HTTP 500 answers (goal: none). */
  serverErrors: number;
  /** Error-level log lines of the server (goal: none). */
  errorsLogged: string[];
  /** SMTP 451 answers: a local processing failure (goal: none). */
  smtpLocalErrors: number;
  timeouts: number;
  /** Connections the server closed or reset (expected after 413/431/421: reported, not failures). */
  connectionErrors: number;
  crashed: string | null;
  /** Exit of the server on SIGTERM at the end (0 expected). */
  exitCode: number | null;
  rss: { baseline: number | null; end: number | null; peak: number; growthMb: number | null };
  seconds: number;
  /** Up to 20 cases that produced a 500 or a timeout, for replay. */
  samples: Array<{ index: number; what: string; status: number | string }>;
}

const USER = 'fuzz@example.com';

function httpCase(port: number, agent: http.Agent, c: HttpCase, timeoutMs: number): Promise<number | 'timeout' | 'conn'> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...c.headers, 'Content-Length': String(c.body.length) };
    let req: http.ClientRequest;
    try {
      req = http.request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          clearTimeout(timer);
          resolve(res.statusCode ?? 0);
        });
        res.on('error', () => resolve('conn'));
      });
    } catch {
      // The client library refused the request itself (an invalid header value): not sent.
      resolve(0);
      return;
    }
    const timer = setTimeout(() => {
      req.destroy();
      resolve('timeout');
    }, timeoutMs);
    req.on('error', () => {
      clearTimeout(timer);
      resolve('conn');
    });
    req.end(c.body);
  });
}

function smtpCase(port: number, c: SmtpCase, timeoutMs: number): Promise<number[] | 'timeout' | 'conn'> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (v: number[] | 'timeout' | 'conn') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.setEncoding('latin1');
    // smtp-server refuses clients that talk before the greeting, so: greeting → EHLO → its
    // answer → the case's bytes (pipelined) → end any open DATA → QUIT.
    let stage: 'greeting' | 'ehlo' | 'sent' = 'greeting';
    socket.on('data', (d: string) => {
      text += d;
      if (text.length > 1_000_000) text = text.slice(-100_000);
      if (stage === 'greeting' && /^220 /m.test(text)) {
        stage = 'ehlo';
        socket.write('EHLO fuzz.test\r\n');
      } else if (stage === 'ehlo' && /^250 /m.test(text)) {
        stage = 'sent';
        socket.write(c.script);
        socket.write('\r\n.\r\nQUIT\r\n');
      }
    });
    socket.on('error', () => finish('conn'));
    socket.on('close', () => finish([...text.matchAll(/^(\d{3}) /gm)].map((m) => Number(m[1]))));
  });
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const concurrency = options.concurrency ?? 8;
  const timeoutMs = options.caseTimeoutMs ?? 15_000;
  const r = prng(options.seed);
  const password = randomUUID();
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-push-fuzz-'));
  const setup = openStore(databasePath(dataDir));
  await setup.createAccount(USER, password);
  await setup.close();
  const next = createCaseFactory(r, {
    seeds: loadSeeds(join(ROOT, 'test/fixtures')),
    user: USER,
    password,
    smtpShare: options.smtpShare ?? 0.03,
    recipient: USER,
  });

  const report: FuzzReport = {
    seed: options.seed,
    cases: 0,
    httpStatuses: {},
    smtpCodes: {},
    serverErrors: 0,
    errorsLogged: [],
    smtpLocalErrors: 0,
    timeouts: 0,
    connectionErrors: 0,
    crashed: null,
    exitCode: null,
    rss: { baseline: null, end: null, peak: 0, growthMb: null },
    seconds: 0,
    samples: [],
  };
  const started = Date.now();
  let server: ServeProcess | null = null;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  // Failed logins get their source throttled (503): keep them on an address of their own.
  const badAgent = new http.Agent({ keepAlive: true, maxSockets: 2, localAddress: '127.0.0.2' } as http.AgentOptions);
  let stopping = false;
  try {
    // Short heartbeats: a mutated Ping that happens to be valid parks for seconds, not an hour.
    server = await startServe({
      dataDir,
      args: ['--heartbeat-min', '1', '--heartbeat-max', '2', '--max-message-size', '1M', '--smtp', '127.0.0.1:0'],
    });
    const live: ServeProcess = server;
    void live.exited.then(({ code, signal }) => {
      if (report.exitCode === null && !stopping) report.crashed = `server exited (${code ?? signal}): ${live.stderr().slice(-2000)}`;
    });
    let issued = 0;
    const sampleRss = () => {
      const rss = live.rss();
      if (rss !== null) report.rss.peak = Math.max(report.rss.peak, rss);
      return rss;
    };
    const warmup = Math.min(Math.floor(options.cases / 10), 5_000);

    const worker = async (): Promise<void> => {
      while (issued < options.cases && !report.crashed) {
        const index = issued++;
        const c = next();
        if (c.kind === 'http') {
          const status = await httpCase(live.httpPort, c.badAuth ? badAgent : agent, c, timeoutMs);
          if (status === 'timeout') report.timeouts++;
          else if (status === 'conn') report.connectionErrors++;
          else report.httpStatuses[status] = (report.httpStatuses[status] ?? 0) + 1;
          if ((status === 500 || status === 'timeout') && report.samples.length < 20) {
            report.samples.push({ index, what: `${c.method} ${c.path.slice(0, 120)} body ${c.body.subarray(0, 64).toString('hex')}`, status });
          }
          if (status === 500) report.serverErrors++;
        } else {
          const codes = await smtpCase(live.smtpPort, c, timeoutMs);
          if (codes === 'timeout') report.timeouts++;
          else if (codes === 'conn') report.connectionErrors++;
          else {
            for (const code of codes) report.smtpCodes[code] = (report.smtpCodes[code] ?? 0) + 1;
            report.smtpLocalErrors += codes.filter((code) => code === 451).length;
          }
        }
        report.cases++;
        if (report.cases === warmup) report.rss.baseline = sampleRss();
        if (report.cases % 1000 === 0) {
          sampleRss();
          options.onProgress?.(report.cases, report);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    report.rss.end = sampleRss();
    if (report.rss.baseline === null) report.rss.baseline = report.rss.end;
    if (report.rss.baseline !== null && report.rss.end !== null) {
      report.rss.growthMb = Math.round(((report.rss.end - report.rss.baseline) / 1024 / 1024) * 10) / 10;
    }
    report.errorsLogged = live.problems.filter((line) => /"level":"error"/.test(line)).slice(0, 50);
    agent.destroy();
    badAgent.destroy();
    if (!report.crashed) {
      stopping = true;
      const exit = await stopServe(live);
      report.exitCode = exit.code;
    }
  } finally {
    agent.destroy();
    badAgent.destroy();
    if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    report.seconds = Math.round((Date.now() - started) / 100) / 10;
  }
  return report;
}

/** The verdict: no crash, no 500, no logged error, no SMTP local error, clean exit, RSS growth under the cap. */
export function fuzzFailures(report: FuzzReport, maxGrowthMb = 50): string[] {
  const out: string[] = [];
  if (report.crashed) out.push(`crash: ${report.crashed}`);
  if (report.serverErrors > 0) out.push(`${report.serverErrors} HTTP 500 answers`);
  if (report.errorsLogged.length > 0) out.push(`${report.errorsLogged.length} error lines logged, first: ${report.errorsLogged[0]}`);
  if (report.smtpLocalErrors > 0) out.push(`${report.smtpLocalErrors} SMTP 451 local errors`);
  if (report.timeouts > 0) out.push(`${report.timeouts} cases timed out`);
  if (!report.crashed && report.exitCode !== 0) out.push(`server exited with ${report.exitCode} on SIGTERM`);
  if (report.rss.growthMb !== null && report.rss.growthMb > maxGrowthMb) out.push(`RSS grew ${report.rss.growthMb} MB (cap ${maxGrowthMb})`);
  return out;
}
