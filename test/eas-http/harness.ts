// Runs the EAS app alone (no SMTP, no push) on a real socket on port 0 with a fresh SQLite
// file, for the HTTP-layer and folder tests. The whole product is test/helpers/server.ts.

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { createEasApp } from '../../eas/app.js';
import type { CommandSpec } from '../../eas/commands/types.js';
import type { EasConfig, EasDeps } from '../../eas/deps.js';
import type { Logger } from '../../eas/log.js';
import { createEasHttpServer, type EasHttpServerOptions } from '../../eas/http/server.js';
import { openStore, type Store } from '../../store/index.js';
import { noPush } from '../helpers/command-context.js';
import { createEasClient, type EasClient, type EasClientOptions } from '../helpers/eas-client.js';
import { createItemClasses } from '../../eas/classes/index.js';

export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  msg: string;
  fields: Record<string, unknown>;
}

export function captureLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (msg: string, fields: Record<string, unknown> = {}) => {
    lines.push({ level, msg, fields });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

export const TEST_CONFIG: EasConfig = {
  push: { heartbeatMin: 1, heartbeatMax: 3540, maxPingFolders: 300, pushOn: 'adds', maxParkedPerAccount: 8 },
  enforceProvisioning: false,
  maxRequestBytes: 1024 * 1024,
  serverName: 'eas-push test',
};

export interface Harness {
  store: Store;
  port: number;
  log: ReturnType<typeof captureLogger>;
  addUser(address: string, password: string): Promise<void>;
  client(opts: Partial<EasClientOptions> & { user: string; password: string; deviceId: string }): EasClient;
}

export async function startEas(
  t: ExecutionContext,
  opts: {
    config?: Partial<EasConfig>;
    commands?: Readonly<Record<string, CommandSpec>>;
    server?: EasHttpServerOptions;
  } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-http-'));
  const store = openStore(join(dir, 'mail.sqlite'));
  const log = captureLogger();
  const deps: EasDeps = {
    store,
    config: { ...TEST_CONFIG, ...(opts.config ?? {}) },
    log,
    parse: () => Promise.reject(new Error('parse not available in this harness')),
    deliverLocal: () => Promise.reject(new Error('deliverLocal not available in this harness')),
    relay: null,
    push: noPush,
    classes: createItemClasses(),
  };
  const app = createEasApp(deps, opts.commands ? { commands: opts.commands } : {});
  const server = createEasHttpServer(app, opts.server ?? {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    store,
    port,
    log,
    addUser: async (address, password) => {
      await store.createAccount(address, password);
    },
    client: (c) => createEasClient({ port, ...c }),
  };
}
