// The whole server (store + SMTP/LMTP + EAS HTTP) on port 0 with a fresh temp data dir, for
// every area's end-to-end tests. Options pass through to createServer().

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type RunningServer, type ServerOptions } from '../../bin/server.js';
import type { Account, Store } from '../../store/types.js';

export type TestServerOptions = Omit<ServerOptions, 'dataDir' | 'smtp' | 'lmtp' | 'http'> & {
  /** Start an LMTP listener too (port 0). */
  lmtp?: boolean;
  /** Use this data dir (e.g. to reopen one) instead of a fresh temp dir; it is not deleted. */
  dataDir?: string;
};

export interface TestServer {
  server: RunningServer;
  store: Store;
  smtpPort: number;
  /** 0 when LMTP was not asked for. */
  lmtpPort: number;
  httpPort: number;
  dataDir: string;
  addUser(address: string, password: string): Promise<Account>;
  /** Closes the server and removes the temp data dir. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const { lmtp, dataDir: given, ...rest } = opts;
  const dataDir = given ?? mkdtempSync(join(tmpdir(), 'eas-push-test-'));
  const loopback = { host: '127.0.0.1', port: 0 };
  const server = await createServer({
    heartbeatMin: 1,
    hostname: 'eas-push.test',
    ...rest,
    dataDir,
    smtp: loopback,
    lmtp: lmtp ? loopback : null,
    http: loopback,
  });
  let stopped: Promise<void> | null = null;
  return {
    server,
    store: server.store,
    smtpPort: server.smtp?.port ?? 0,
    lmtpPort: server.lmtp?.port ?? 0,
    httpPort: server.http.port,
    dataDir,
    addUser: async (address, password) => await server.store.createAccount(address, password),
    stop() {
      stopped ??= (async () => {
        await server.close();
        if (!given) rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
