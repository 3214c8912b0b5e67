// Binding a listening socket with an error a person can act on.

import type { AddressInfo, Server } from 'node:net';
import { reasonOf } from './cli/errors.js';

export class ListenError extends Error {
  readonly code: string | undefined;
  constructor(what: string, host: string, port: number, cause: unknown) {
    super(`cannot listen for ${what} on ${host.includes(':') ? `[${host}]` : host}:${port}: ${reasonOf(cause)}`, { cause });
    this.name = 'ListenError';
    this.code = (cause as { code?: string } | null)?.code;
  }
}

export function listenOn(server: Server, what: string, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(new ListenError(what, host, port, err));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}
