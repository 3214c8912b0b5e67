// EasDeps and a CommandContext built by hand around a real store, for tests that call a command
// handler directly (no HTTP): what the composition root and eas/http/dispatch.ts would pass.
// Defaults are the real MIME parser, a silent log and no push; a test passes what it exercises.

import type { CommandContext } from '../../eas/commands/types.js';
import type { EasConfig, EasDeps, PushConfig } from '../../eas/deps.js';
import type { Logger } from '../../eas/log.js';
import type { ProtocolVersion } from '../../eas/protocol.js';
import type { PushRegistry } from '../../eas/push/types.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';
import { parseMessage } from '../../plugin/parse.js';
import type { Account, Device, Store } from '../../store/types.js';
import { createItemClasses } from '../../eas/classes/index.js';

export const quietLog: Logger = { info() {}, warn() {}, error() {}, debug() {} };

/** For tests where push is not part of the test: any use is a test bug. */
export const noPush: PushRegistry = {
  park: () => Promise.reject(new Error('push registry not available in this harness')),
  size: () => 0,
  isParked: () => false,
  shutdown: () => Promise.resolve(),
};

/** Push limits with a 1 s minimum heartbeat, so long-poll tests can be short. */
export function testPushConfig(over: Partial<PushConfig> = {}): PushConfig {
  return { heartbeatMin: 1, heartbeatMax: 3540, maxPingFolders: 300, pushOn: 'adds', maxParkedPerAccount: 10, ...over };
}

export type TestDepsOptions = Partial<Omit<EasDeps, 'store' | 'config'>> & { config?: Partial<EasConfig> };

export function testDeps(store: Store, over: TestDepsOptions = {}): EasDeps {
  const { config, ...rest } = over;
  return {
    store,
    config: { push: testPushConfig(), enforceProvisioning: false, maxRequestBytes: 1 << 20, serverName: 'test', ...config },
    log: quietLog,
    parse: (raw) => parseMessage(raw),
    deliverLocal: async () => {},
    relay: null,
    push: noPush,
    classes: createItemClasses(),
    ...rest,
  };
}

export interface ContextInput {
  /** The wire Cmd (query.cmd). */
  cmd: string;
  /** The decoded WBXML body; null for none. */
  request?: WbxmlElement | null;
  raw?: Buffer;
  version?: ProtocolVersion;
  params?: Record<string, string>;
  saveInSent?: boolean;
  acceptMultiPart?: boolean;
  /** Defaults to WBXML's. */
  contentType?: string | null;
  signal?: AbortSignal;
}

/** The context dispatch would build for `device` of `account` sending `input`. */
export function commandContext(deps: EasDeps, account: Account, device: Device, input: ContextInput): CommandContext {
  const version = input.version ?? '16.1';
  return {
    deps,
    account,
    device,
    query: {
      cmd: input.cmd,
      user: account.address,
      deviceId: device.deviceId,
      deviceType: device.deviceType,
      params: input.params ?? {},
      protocolVersion: version,
      policyKey: null,
      saveInSent: input.saveInSent ?? false,
      acceptMultiPart: input.acceptMultiPart ?? false,
    },
    version,
    request: input.request ?? null,
    raw: input.raw ?? Buffer.alloc(0),
    contentType: input.contentType === undefined ? 'application/vnd.ms-sync.wbxml' : input.contentType,
    signal: input.signal ?? new AbortController().signal,
  };
}
