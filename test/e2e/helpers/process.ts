// The server as a user runs it: `eas-push serve` in its own process on port 0 (its ports read
// from the "listening" log line, by scripts/lib/serve-process.ts), and `eas-push user add` as a
// second process against the same data dir while the server runs.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServe, stopServe, type ServeProcess } from '../../../scripts/lib/serve-process.js';
import { testStoreFor } from '../../helpers/server.js';

export interface E2eServer {
  proc: ServeProcess;
  dataDir: string;
  httpPort: number;
  smtpPort: number;
  /** `eas-push user add ADDRESS --password PW` as its own process. */
  addUser(address: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

export function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', 'bin/eas-push.ts', ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

export async function startE2eServer(args: string[] = []): Promise<E2eServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eas-push-e2e-'));
  // The data dir's SQLite file, or under EAS_PUSH_TEST_STORE=postgres a database of its own.
  const store = await testStoreFor(dataDir);
  let proc: ServeProcess;
  try {
    proc = await startServe({ dataDir, args: ['--heartbeat-min', '1', ...(store.location ? ['--store', store.location] : []), ...args] });
  } catch (err) {
    await store.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  let stopped: Promise<void> | null = null;
  return {
    proc,
    dataDir,
    httpPort: proc.httpPort,
    smtpPort: proc.smtpPort,
    async addUser(address, password) {
      const r = await runCli(['user', 'add', address, '--password', password, ...store.args]);
      if (r.code !== 0) throw new Error(`user add ${address} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    stop() {
      stopped ??= (async () => {
        await stopServe(proc);
        await store.drop();
        rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
