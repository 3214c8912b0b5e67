// A CommandContext built by hand around a real store, for calling the ItemOperations handler
// directly. The request goes through the real WBXML codec, as it would on the wire.
import type { CommandContext, CommandResult } from '../../eas/commands/types.js';
import type { EasDeps } from '../../eas/deps.js';
import type { ProtocolVersion } from '../../eas/protocol.js';
import { decode } from '../../eas/wbxml/decode.js';
import { encode } from '../../eas/wbxml/encode.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';
import type { Account, Store } from '../../store/types.js';
import { commandContext, testDeps } from '../helpers/command-context.js';

export function depsFor(store: Store): EasDeps {
  return testDeps(store, {
    deliverLocal: async () => {
      throw new Error('not used by ItemOperations');
    },
  });
}

export async function contextFor(
  store: Store,
  account: Account,
  request: WbxmlElement | null,
  opts: { version?: ProtocolVersion; acceptMultiPart?: boolean } = {},
): Promise<CommandContext> {
  const version = opts.version ?? '16.1';
  const device = await store.touchDevice(account.id, 'itemops-test-device', {
    deviceType: 'TestDevice',
    userAgent: null,
    protocolVersion: version,
  });
  // Through the real codec, as on the wire.
  const raw = request ? encode(request) : Buffer.alloc(0);
  return commandContext(depsFor(store), account, device, {
    cmd: 'ItemOperations',
    request: request ? decode(raw) : null,
    raw,
    version,
    acceptMultiPart: opts.acceptMultiPart,
  });
}

export function wbxmlOf(result: CommandResult): WbxmlElement {
  if (result.kind !== 'wbxml') throw new Error(`expected a WBXML answer, got ${result.kind}`);
  // Through the encoder and back, so every tag we answer with must exist in MS-ASWBXML.
  return decode(encode(result.body));
}
