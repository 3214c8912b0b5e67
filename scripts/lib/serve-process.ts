// `eas-push serve` as a child process, for the crash test and the fuzzer (and their short forms
// in the suite): started on port 0, its ports read from the "listening" log line, its memory
// read from /proc, killed by its own pid only.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  smtpPort: number;
  httpPort: number;
  /** Log lines at warn or error seen so far (and any non-JSON output). */
  problems: string[];
  /** Lines on stderr. */
  stderr(): string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resident set size in bytes (Linux /proc), or null when unavailable. */
  rss(): number | null;
}

export interface ServeOptions {
  dataDir: string;
  args?: string[];
  /** Give up when no "listening" line arrived within this time. */
  startTimeoutMs?: number;
}

/** Environment without the EAS_PUSH_* of whoever runs the script. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('EAS_PUSH_')) env[k] = v;
  return env;
}

export function startServe(options: ServeOptions): Promise<ServeProcess> {
  const args = [
    '--import', 'tsx', 'bin/eas-push.ts', 'serve',
    '--data-dir', options.dataDir,
    '--smtp', '127.0.0.1:0',
    '--http', '127.0.0.1:0',
    '--log-level', 'info',
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const problems: string[] = [];
  let stderr = '';
  let partial = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${options.startTimeoutMs ?? 30_000} ms: ${stderr}`));
    }, options.startTimeoutMs ?? 30_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      partial += d;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(line) as Record<string, unknown>;
        } catch {
          problems.push(line);
          continue;
        }
        if (record.msg === 'listening') {
          clearTimeout(timer);
          const port = (at: unknown) => Number(String(at).slice(String(at).lastIndexOf(':') + 1));
          resolve({
            child,
            pid: child.pid!,
            smtpPort: port(record.smtp),
            httpPort: port(record.http),
            problems,
            stderr: () => stderr,
            exited,
            rss: () => rssOf(child.pid!),
          });
        } else if (record.level === 'error' || record.level === 'warn') {
          // Bounded: a fuzz run may log many expected warnings.
          if (problems.length < 10_000) problems.push(line);
        }
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening: ${stderr}`));
    });
  });
}

export function rssOf(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** SIGTERM, and SIGKILL if it is not gone within `graceMs`. */
export async function stopServe(server: ServeProcess, graceMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.exited;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  const result = await server.exited;
  clearTimeout(timer);
  return result;
}
