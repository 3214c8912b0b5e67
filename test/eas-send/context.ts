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
import type { CommandContext, CommandResult } from '../../eas/commands/types.js';
import type { EasDeps, Relay } from '../../eas/deps.js';
import type { ProtocolVersion } from '../../eas/protocol.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';
import { commandContext, quietLog, testDeps } from '../helpers/command-context.js';

export interface Harness {
  store: Store;
  deps: EasDeps;
  account(address: string, displayName?: string): Promise<Account>;
  run(
    handler: (ctx: CommandContext) => Promise<CommandResult>,
    as: Account,
    input: { request?: WbxmlElement | null; raw?: Buffer; version?: ProtocolVersion; params?: Record<string, string>; saveInSent?: boolean; cmd?: string },
  ): Promise<CommandResult>;
  close(): Promise<void>;
}

export function smarthostRelay(port: number): Relay {
  return createSmarthostRelay(`smtp://127.0.0.1:${port}`).relay;
}

export function createHarness(options: { relay?: Relay | null } = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'eas-send-'));
  const store = openStore(join(dir, 'mail.sqlite'));
  const deliver = createLocalDelivery({ store, parse: (raw) => parseMessage(raw), log: quietLog });
  const deps = testDeps(store, { deliverLocal: createDeliverLocal(deliver), relay: options.relay ?? null });
  return {
    store,
    deps,
    account: async (address, displayName) => await store.createAccount(address, 'secret-password', displayName),
    async run(handler, as, input) {
      const device = await store.touchDevice(as.id, 'TESTDEVICE1', { deviceType: 'Test', userAgent: null, protocolVersion: input.version ?? '16.1' });
      const ctx = commandContext(deps, as, device, {
        ...input,
        cmd: input.cmd ?? 'SendMail',
        contentType: input.request ? 'application/vnd.ms-sync.wbxml' : 'message/rfc822',
      });
      return handler(ctx);
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
