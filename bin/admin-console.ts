// Starts the operator's console (serve --admin, docs/admin.md) on its own listener: the same
// TLS certificate as EAS when given. createServer() has already refused plain HTTP on a
// non-loopback address by then (bin/plain-http.ts), as it does for EAS.

import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdminConsole } from '../eas/admin/app.js';
import type { ConsoleDeps } from '../eas/admin/types.js';
import { listenOn } from './listen.js';
import type { ListenAddress } from './server-defaults.js';

export interface RunningConsole {
  address: AddressInfo;
  close(): Promise<void>;
}

export async function startAdminConsole(
  deps: ConsoleDeps,
  at: ListenAddress,
  tls: { cert: Buffer; key: Buffer } | null,
  tickMs: number | undefined,
  trustProxy: boolean,
): Promise<RunningConsole> {
  const adminConsole = createAdminConsole(deps, { secure: tls !== null, trustProxy, ...(tickMs !== undefined ? { tickMs } : {}) });
  const handler = adminConsole.app.callback();
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
  const address = await listenOn(server, tls ? 'the admin console (HTTPS)' : 'the admin console (HTTP)', at.host, at.port);
  return {
    address,
    close() {
      // The live streams end first; nothing else on this listener waits long.
      adminConsole.close();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
