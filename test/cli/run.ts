// Runs the real CLI as its own process (as a user or a service manager would).

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = ['--import', 'tsx', 'bin/eas-push.ts'];

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment without any EAS_PUSH_* of the machine running the tests. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('EAS_PUSH_')) env[k] = v;
  return { ...env, ...extra };
}

export function runCli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: cleanEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export interface Listening {
  smtp?: string;
  lmtp?: string;
  http: string;
}

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything logged so far. */
  stdout(): string;
  stderr(): string;
  listening: Listening;
  port(which: keyof Listening): number;
  /** Resolves when the first log line matching `test` appears. */
  waitForLog(test: (record: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<CliResult>;
}

/** Starts `eas-push serve …` and resolves once it logged its listening addresses. */
export function startServe(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...CLI, 'serve', ...args], { cwd: ROOT, env: cleanEnv(env) });
  let stdout = '';
  let stderr = '';
  const watchers: Array<{ test: (r: Record<string, unknown>) => boolean; resolve: (r: Record<string, unknown>) => void }> = [];
  const records: Array<Record<string, unknown>> = [];
  const onRecord = (record: Record<string, unknown>): void => {
    records.push(record);
    for (const w of [...watchers]) {
      if (w.test(record)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(record);
      }
    }
  };
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    partial += d;
    let nl;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      try {
        onRecord(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<CliResult>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const waitForLog = (test: (r: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
    const found = records.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      watchers.push({ test, resolve });
      void exited.then((r) => reject(new Error(`serve exited (${r.code ?? r.signal}) before the log line: ${r.stderr}${r.stdout}`)));
    });
  };
  return waitForLog((r) => r.msg === 'listening').then((record) => {
    const listening = record as unknown as Listening;
    return {
      child,
      stdout: () => stdout,
      stderr: () => stderr,
      listening,
      port(which) {
        const at = listening[which];
        if (!at) throw new Error(`no ${which} listener`);
        return Number(at.slice(at.lastIndexOf(':') + 1));
      },
      waitForLog,
      exited,
    };
  });
}
