// A CommandContext built by hand around a real store, for calling the ItemOperations handler
// directly. The request goes through the real WBXML codec, as it would on the wire.
import type { CommandContext, CommandResult, EasDeps, ProtocolVersion } from '../../eas/commands/types.js';
import type { PushRegistry } from '../../eas/push/types.js';
import { decode } from '../../eas/wbxml/decode.js';
import { encode } from '../../eas/wbxml/encode.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';
import { parseMessage } from '../../plugin/parse.js';
import type { Account, Store } from '../../store/types.js';

const silent = { info() {}, warn() {}, error() {}, debug() {} };

export function depsFor(store: Store): EasDeps {
  return {
    store,
    config: {
      push: { heartbeatMin: 60, heartbeatMax: 3540, maxPingFolders: 300, pushOn: 'adds', maxParkedPerAccount: 10 },
      enforceProvisioning: false,
      maxRequestBytes: 10 * 1024 * 1024,
      serverName: 'eas-push-test',
    },
    log: silent,
    parse: (raw) => parseMessage(raw),
    deliverLocal: async () => {
      throw new Error('not used by ItemOperations');
    },
    relay: null,
    // ItemOperations never parks.
    push: {} as PushRegistry,
  };
}

export function contextFor(
  store: Store,
  account: Account,
  request: WbxmlElement | null,
  opts: { version?: ProtocolVersion; acceptMultiPart?: boolean } = {},
): CommandContext {
  const version = opts.version ?? '16.1';
  const device = store.touchDevice(account.id, 'itemops-test-device', {
    deviceType: 'TestDevice',
    userAgent: null,
    protocolVersion: version,
  });
  const raw = request ? encode(request) : Buffer.alloc(0);
  return {
    deps: depsFor(store),
    account,
    device,
    query: {
      cmd: 'ItemOperations',
      user: account.address,
      deviceId: device.deviceId,
      deviceType: device.deviceType,
      params: {},
      protocolVersion: version,
      policyKey: null,
      saveInSent: false,
      acceptMultiPart: opts.acceptMultiPart ?? false,
    },
    version,
    request: request ? decode(raw) : null,
    raw,
    contentType: 'application/vnd.ms-sync.wbxml',
    signal: new AbortController().signal,
  };
}

export function wbxmlOf(result: CommandResult): WbxmlElement {
  if (result.kind !== 'wbxml') throw new Error(`expected a WBXML answer, got ${result.kind}`);
  // Through the encoder and back, so every tag we answer with must exist in MS-ASWBXML.
  return decode(encode(result.body));
}
