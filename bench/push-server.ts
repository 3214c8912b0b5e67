// The server under test for bench/push.ts: a separate `eas-push serve` process (so its RSS is
// its own), on free loopback ports, with the open-file limit raised to the hard limit, and a
// SIGUSR2 hook that runs a full GC before each memory reading (bench/gc-signal.ts).

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface BenchServer {
  pid: number;
  smtpPort: number;
  httpPort: number;
  logFile: string;
  /** SIGTERM; resolves with the exit code and how long the process took to exit. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

/**
 * Ports the kernel just handed out and released, all different: each listener stays open until
 * every port is taken (one at a time, the kernel may hand the same port out twice in a row).
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((srv) => (srv.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(resolve))));
  }
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

export async function startServer(ownRoot: string, dataDir: string, extraArgs: string[] = []): Promise<BenchServer> {
  // BENCH_SERVER_ROOT runs the server from another checkout (old against new, in the same minutes).
  const root = process.env['BENCH_SERVER_ROOT'] || ownRoot;
  const [smtpPort, httpPort] = (await freePorts(2)) as [number, number];
  const logFile = join(dataDir, 'server.log');
  const log = createWriteStream(logFile);
  await new Promise((resolve) => log.once('open', resolve));
  // BENCH_SERVER_NODE_ARGS: node flags for the server only (e.g. --cpu-prof --cpu-prof-dir=DIR).
  const nodeArgs = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const args = [
    ...nodeArgs,
    '--import', 'tsx', '--import', join(root, 'bench/gc-signal.ts'), join(root, 'bin/eas-push.ts'), 'serve',
    '--data-dir', dataDir,
    '--smtp', `127.0.0.1:${smtpPort}`,
    '--http', `127.0.0.1:${httpPort}`,
    ...extraArgs,
    // BENCH_SERVER_ARGS: more `serve` flags (e.g. --parse-workers 0), to compare settings.
    ...(process.env['BENCH_SERVER_ARGS'] ?? '').split(' ').filter(Boolean),
  ];
  // Node cannot raise its own RLIMIT_NOFILE: a shell does it, then execs node.
  const child: ChildProcess = spawn(
    'bash',
    ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"', process.execPath, ...args],
    { cwd: root, stdio: ['ignore', log, log] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  // Readiness: the HTTP port accepts (a bounded wait; this is a benchmark, not a test).
  for (let i = 0; ; i++) {
    if (gone) throw new Error(`server exited during start; see ${logFile}`);
    if (await canConnect(httpPort)) break;
    if (i > 600) throw new Error(`server not listening after 60 s; see ${logFile}`);
    await delay(100);
  }
  return {
    pid: child.pid!,
    smtpPort,
    httpPort,
    logFile,
    async stop() {
      const t0 = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      log.end();
      return { code, ms: Date.now() - t0 };
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** What the server's hook (bench/gc-signal.ts) logged after a full GC. */
export interface AfterGc {
  /** JS heap in use plus external memory, in bytes. */
  heap: number;
  /** What V8's young generation holds (committed), in bytes. */
  youngGeneration: number;
}

/**
 * A full GC in the server (bench/gc-signal.ts), then the wait until it is idle again. Returns
 * what the hook logged after it.
 */
export async function collectGarbage(pid: number, logFile: string): Promise<AfterGc> {
  process.kill(pid, 'SIGUSR2');
  await waitIdle(pid);
  const lines = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('"msg":"bench gc"'));
  const last = lines[lines.length - 1];
  if (last === undefined) throw new Error(`the server logged no heap figure after SIGUSR2; see ${logFile}`);
  const { heapUsed, external, youngGeneration } = JSON.parse(last) as { heapUsed: number; external: number; youngGeneration: number };
  return { heap: heapUsed + external, youngGeneration };
}

/** The open-file limit a child gets from bench/push-server.ts: the hard limit. */
export function hardFileLimit(): number {
  const m = /Max open files\s+\d+\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m ? Number(m[1]) : 1024;
}

/** VmRSS of a process in KiB (/proc/<pid>/status). */
export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

/** utime + stime of a process (all its threads), in clock ticks of 10 ms (/proc/<pid>/stat). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Waits until the process has used no CPU for `quietMs` (it has processed what we sent). */
export async function waitIdle(pid: number, quietMs = 300, maxMs = 120_000): Promise<void> {
  const start = Date.now();
  let last = cpuTicks(pid);
  while (Date.now() - start < maxMs) {
    await delay(quietMs);
    const now = cpuTicks(pid);
    // Under a fifth of a core counts as idle: with --cpu-prof the profilers' threads never rest.
    if (now - last <= Math.floor(quietMs / 10 / 5)) return;
    last = now;
  }
}
