// Runs the Sync, GetItemEstimate and MoveItems handlers over a real store, the real MIME
// parser and the real push registry, without HTTP: for the state machine's own tests.
// The acceptance tests over real sockets (swaks + EAS client) are in e2e.test.ts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandAnswer, CommandResult, CommandSpec, LongPollResult } from '../../eas/commands/types.js';
import type { EasDeps, PushConfig } from '../../eas/deps.js';
import type { ProtocolVersion } from '../../eas/protocol.js';
import { createPushRegistry } from '../../eas/push/registry.js';
import type { ParkOutcome } from '../../eas/push/types.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';
import { parseMessage } from '../../plugin/parse.js';
import { FolderType, openStore, type Account, type Device, type Store } from '../../store/index.js';
import { commandContext, quietLog, testDeps, testPushConfig } from '../helpers/command-context.js';

export interface World {
  store: Store;
  /** The SQLite file, for tests that must age data (received dates) as time would. */
  file: string;
  deps: EasDeps;
  alice: Account;
  inbox: string;
  drafts: string;
  trash: string;
  deviceA: Device;
  deviceB: Device;
  /** Delivers a message to alice's Inbox through the store, as the SMTP hook does. */
  deliver(subject: string, body?: string, extraHeaders?: string): Promise<void>;
  run(
    spec: CommandSpec,
    device: Device,
    request: WbxmlElement | null,
    opts?: { version?: ProtocolVersion; signal?: AbortSignal },
  ): Promise<CommandResult>;
}

export async function createWorld(
  t: { teardown(fn: () => void | Promise<void>): void },
  push: Partial<PushConfig> = {},
): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-sync-'));
  const file = join(dir, 'mail.sqlite');
  const store = openStore(file);
  const config = testPushConfig(push);
  const registry = createPushRegistry({ config, log: quietLog, feed: store.feed });
  t.teardown(async () => {
    await registry.shutdown();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const deps = testDeps(store, { config: { push: config }, push: registry });
  const alice = await store.createAccount('alice@example.com', 'secret-password', 'Alice');
  const seen = { deviceType: 'TestDevice', userAgent: null, protocolVersion: '16.1' };
  const folderId = async (type: number) => String((await store.folderByType(alice.id, type))!.id);
  let n = 0;
  return {
    store,
    file,
    deps,
    alice,
    inbox: await folderId(FolderType.Inbox),
    drafts: await folderId(FolderType.Drafts),
    trash: await folderId(FolderType.DeletedItems),
    deviceA: await store.touchDevice(alice.id, 'DEVICEA', seen),
    deviceB: await store.touchDevice(alice.id, 'DEVICEB', seen),
    async deliver(subject, body = `Body of ${subject}`, extraHeaders = '') {
      n++;
      const raw = Buffer.from(
        `From: Bob <bob@example.org>\r\nTo: Alice <alice@example.com>\r\nSubject: ${subject}\r\n` +
          `Date: Mon, 3 Feb 2025 10:00:${String(n % 60).padStart(2, '0')} +0000\r\nMessage-ID: <m${n}.${Date.now()}@example.org>\r\n` +
          `${extraHeaders}Content-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`,
      );
      await store.deliver([{ accountId: alice.id, raw }], await parseMessage(raw));
    },
    async run(spec, device, request, opts = {}) {
      const fresh = await store.getDevice(alice.id, device.deviceId) ?? device;
      const result = await spec.handler(commandContext(deps, alice, fresh, { cmd: spec.name, request, ...opts }));
      return result.kind === 'long-poll' ? await held(deps, result) : result;
    },
  };
}

/** What the HTTP layer does with a long poll (eas/http/long-poll.ts), without HTTP: hold it, render its outcome. */
async function held(deps: EasDeps, poll: LongPollResult): Promise<CommandAnswer> {
  const outcome = await new Promise<ParkOutcome>((resolve, reject) => {
    deps.push.hold!(poll.park, resolve).catch(reject);
  });
  return await poll.render(outcome);
}

export function bodyOf(result: CommandResult): WbxmlElement {
  if (result.kind !== 'wbxml') throw new Error(`expected a WBXML answer, got ${result.kind}`);
  return result.body;
}
