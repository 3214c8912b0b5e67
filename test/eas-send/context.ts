// Runs a command handler against a real store, the real MIME parser and the real local
// delivery path, without HTTP: for the compose logic's own tests. The end-to-end tests over
// real sockets are in send-mail.e2e.test.ts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSmarthostRelay } from '../../bin/relay.js';
import { openStore } from '../../store/index.js';
import type { Account, Store } from '../../store/types.js';
import { createDeliverLocal, createLocalDelivery, parseMessage } from '../../plugin/index.js';
import type { CommandContext, CommandResult, EasDeps, Logger, ProtocolVersion, Relay } from '../../eas/commands/types.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';

export const quietLog: Logger = { info() {}, warn() {}, error() {}, debug() {} };

export interface Harness {
  store: Store;
  deps: EasDeps;
  account(address: string, displayName?: string): Account;
  run(
    handler: (ctx: CommandContext) => Promise<CommandResult>,
    as: Account,
    input: { request?: WbxmlElement | null; raw?: Buffer; version?: ProtocolVersion; params?: Record<string, string>; saveInSent?: boolean; cmd?: string },
  ): Promise<CommandResult>;
  close(): void;
}

export function smarthostRelay(port: number): Relay {
  return createSmarthostRelay(`smtp://127.0.0.1:${port}`).relay;
}

export function createHarness(options: { relay?: Relay | null } = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'eas-send-'));
  const store = openStore(join(dir, 'mail.sqlite'));
  const deliver = createLocalDelivery({ store, parse: (raw) => parseMessage(raw), log: quietLog });
  const deps = {
    store,
    config: {} as EasDeps['config'],
    log: quietLog,
    parse: (raw: Buffer) => parseMessage(raw),
    deliverLocal: createDeliverLocal(deliver),
    relay: options.relay ?? null,
    push: {} as EasDeps['push'],
  } satisfies EasDeps;
  return {
    store,
    deps,
    account: (address, displayName) => store.createAccount(address, 'secret-password', displayName),
    run(handler, as, input) {
      const device = store.touchDevice(as.id, 'TESTDEVICE1', { deviceType: 'Test', userAgent: null, protocolVersion: input.version ?? '16.1' });
      const ctx: CommandContext = {
        deps,
        account: as,
        device,
        query: {
          cmd: input.cmd ?? 'SendMail',
          user: as.address,
          deviceId: device.deviceId,
          deviceType: device.deviceType,
          params: input.params ?? {},
          protocolVersion: input.version ?? '16.1',
          policyKey: null,
          saveInSent: input.saveInSent ?? false,
          acceptMultiPart: false,
        },
        version: input.version ?? '16.1',
        request: input.request ?? null,
        raw: input.raw ?? Buffer.alloc(0),
        contentType: input.request ? 'application/vnd.ms-sync.wbxml' : 'message/rfc822',
        signal: new AbortController().signal,
      };
      return handler(ctx);
    },
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
