// The Ping command over a real store and registry, without HTTP: docs/push.md rule 1 (parameters,
// cache) and rule 2 (missed changes, never-synced folders). The HTTP path is in ping-e2e.test.ts.

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ping } from '../../eas/commands/ping.js';
import type { CommandAnswer, CommandResult } from '../../eas/commands/types.js';
import type { EasDeps, PushConfig } from '../../eas/deps.js';
import type { ParkOutcome, PushRegistry } from '../../eas/push/types.js';
import { createPushRegistry } from '../../eas/push/registry.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { parseMessage } from '../../plugin/parse.js';
import { until } from './helpers.js';
import { commandContext, quietLog, testDeps, testPushConfig } from '../helpers/command-context.js';
import { FolderType, HEAD_ITEM, openStore, type Account, type Device, type Store } from '../../store/index.js';

interface World {
  store: Store;
  deps: EasDeps;
  alice: Account;
  inbox: number;
  phone: Device;
  deliver(subject: string): Promise<number>;
  ping(body: WbxmlElement | null, device?: Device): Promise<{ result: Promise<CommandAnswer>; abort: AbortController }>;
}

async function world(t: { teardown(fn: () => void): void }, push: Partial<PushConfig> = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-ping-'));
  const store = openStore(join(dir, 'db.sqlite'));
  const config = testPushConfig({ maxPingFolders: 3, ...push });
  const registry = createPushRegistry({ config, log: quietLog, feed: store.feed });
  t.teardown(async () => {
    void await registry.shutdown();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const deps = testDeps(store, { config: { push: config }, push: registry });
  const alice = await store.createAccount('alice@example.com', 'pw');
  const inbox = (await store.folderByType(alice.id, FolderType.Inbox))!.id;
  const phone = await store.touchDevice(alice.id, 'PHONE1', { deviceType: 'Test', userAgent: null, protocolVersion: '16.1' });
  return {
    store,
    deps,
    alice,
    inbox,
    phone,
    async deliver(subject) {
      const raw = Buffer.from(`From: bob@example.com\r\nTo: alice@example.com\r\nSubject: ${subject}\r\n\r\nhello\r\n`);
      const [d] = await store.deliver([{ accountId: alice.id, raw }], await parseMessage(raw));
      return d!.itemId;
    },
    async ping(body, device = phone) {
      const abort = new AbortController();
      // The HTTP layer reads the device row per request: so does this (the Ping cache lives there).
      const fresh = (await store.getDevice(alice.id, device.deviceId))!;
      const ctx = commandContext(deps, alice, fresh, { cmd: 'Ping', request: body, signal: abort.signal });
      return { result: ping.handler(ctx).then((r) => settle(registry, r, abort.signal)), abort };
    },
  };
}

/**
 * What the HTTP layer does with a long poll (eas/http/long-poll.ts): park it, answer when the
 * registry does, cancel it when the client goes away.
 */
function settle(registry: PushRegistry, r: CommandResult, signal: AbortSignal): Promise<CommandAnswer> | CommandAnswer {
  if (r.kind !== 'long-poll') return r;
  return new Promise<ParkOutcome>((resolve, reject) => {
    registry.hold!(r.park, resolve).then((ticket) => {
      if (signal.aborted) ticket.cancel();
      signal.addEventListener('abort', () => ticket.cancel());
    }, reject);
  }).then(r.render);
}

function pingBody(heartbeat: number | string | undefined, folders: string[] | undefined): WbxmlElement {
  return el('Ping:Ping', [
    heartbeat !== undefined && el('Ping:HeartbeatInterval', String(heartbeat)),
    folders !== undefined &&
      el('Ping:Folders', folders.map((id) => el('Ping:Folder', [el('Ping:Id', id), el('Ping:Class', 'Email')]))),
  ]);
}

function statusOf(r: CommandResult): number {
  if (r.kind !== 'wbxml') throw new Error(`expected WBXML, got ${r.kind}`);
  if (r.body.tag !== 'Ping:Ping') throw new Error(`expected Ping:Ping, got ${r.body.tag}`);
  return r.body.intOf('Ping:Status') ?? NaN;
}
function foldersOf(r: CommandResult): string[] {
  if (r.kind !== 'wbxml') return [];
  return r.body.child('Ping:Folders')?.all('Ping:Folder').map((f) => f.text ?? '') ?? [];
}

/** Marks the device as synced up to now in the folder, as a Sync answer would. */
async function syncedNow(w: World, folderId: number, device = w.phone): Promise<void> {
  await w.store.saveSyncState({
    deviceRowId: device.id,
    collectionId: folderId,
    syncKey: 1,
    cursor: { modseq: await w.store.headModseq(w.alice.id), itemId: HEAD_ITEM },
    filterType: 0,
    replay: null,
  });
}

test('empty Ping with nothing cached: Status 3', async (t) => {
  const w = await world(t);
  t.is(statusOf(await (await w.ping(null)).result), 3);
  t.is(statusOf(await (await w.ping(pingBody(60, undefined))).result), 3, 'folders neither sent nor cached');
  t.is(statusOf(await (await w.ping(pingBody(undefined, [String(w.inbox)]))).result), 3, 'heartbeat neither sent nor cached');
  t.is(statusOf(await (await w.ping(pingBody(60, []))).result), 3, 'an empty Folders list');
});

test('malformed Ping: Status 4', async (t) => {
  const w = await world(t);
  t.is(statusOf(await (await w.ping(el('FolderHierarchy:FolderSync', []))).result), 4);
  t.is(statusOf(await (await w.ping(pingBody('soon', [String(w.inbox)]))).result), 4);
  const noId = el('Ping:Ping', [el('Ping:HeartbeatInterval', '60'), el('Ping:Folders', [el('Ping:Folder', [el('Ping:Class', 'Email')])])]);
  t.is(statusOf(await (await w.ping(noId)).result), 4);
  t.is(w.deps.push.size(), 0);
});

test('heartbeat out of range: Status 5 at once with the bound', async (t) => {
  const w = await world(t, { heartbeatMin: 60, heartbeatMax: 600 });
  const low = await (await w.ping(pingBody(59, [String(w.inbox)]))).result;
  t.is(statusOf(low), 5);
  t.is(low.kind === 'wbxml' && low.body.intOf('Ping:HeartbeatInterval'), 60);
  const high = await (await w.ping(pingBody(601, [String(w.inbox)]))).result;
  t.is(statusOf(high), 5);
  t.is(high.kind === 'wbxml' && high.body.intOf('Ping:HeartbeatInterval'), 600);
  t.is((await w.store.getDevice(w.alice.id, 'PHONE1'))!.pingHeartbeat, null, 'a refused value is not cached');
});

test('too many folders: Status 6 with MaxFolders', async (t) => {
  const w = await world(t, { maxPingFolders: 2 });
  const ids = (await w.store.listFolders(w.alice.id)).slice(0, 3).map((f) => String(f.id));
  const r = await (await w.ping(pingBody(60, ids))).result;
  t.is(statusOf(r), 6);
  t.is(r.kind === 'wbxml' && r.body.intOf('Ping:MaxFolders'), 2);
});

test("unknown folder, another account's folder, or a non-id: Status 7", async (t) => {
  const w = await world(t);
  const bob = await w.store.createAccount('bob@example.com', 'pw');
  const bobsInbox = (await w.store.folderByType(bob.id, FolderType.Inbox))!.id;
  t.is(statusOf(await (await w.ping(pingBody(60, ['999999']))).result), 7);
  t.is(statusOf(await (await w.ping(pingBody(60, [String(bobsInbox)]))).result), 7);
  t.is(statusOf(await (await w.ping(pingBody(60, ['T1']))).result), 7);
  t.is(w.deps.push.size(), 0);
});

test('parameters are cached for an empty Ping; mail missed since the last Sync answers at once', async (t) => {
  const w = await world(t);
  await syncedNow(w, w.inbox);
  const first = await w.ping(pingBody(120, [String(w.inbox)]));
  first.abort.abort();
  t.is(statusOf(await first.result), 1);
  t.like(await w.store.getDevice(w.alice.id, 'PHONE1'), { pingHeartbeat: 120, pingFolders: [w.inbox] });

  await w.deliver('arrived between Sync and Ping');
  const r = await (await w.ping(null)).result;
  t.is(statusOf(r), 2);
  t.deepEqual(foldersOf(r), [String(w.inbox)]);
  t.is(w.deps.push.size(), 0);
});

test('a folder the device never synced is not reported on its own, but an add into it wakes the Ping', async (t) => {
  const w = await world(t);
  await w.deliver('old mail, never synced');
  const parked = await w.ping(pingBody(60, [String(w.inbox)]));
  // Nothing to report: parked once the HTTP layer has handed it to the registry.
  await until(() => w.deps.push.size() === 1, 'parked');
  await w.deliver('new mail');
  const r = await parked.result;
  t.is(statusOf(r), 2);
  t.deepEqual(foldersOf(r), [String(w.inbox)]);
  t.is(w.deps.push.size(), 0);
  t.is(w.store.feed.size(), 0);
});

test('a read flag set by another device is reported at expiry under adds, not before', async (t) => {
  const w = await world(t);
  const item = await w.deliver('to be read');
  await syncedNow(w, w.inbox);
  const tablet = await w.store.touchDevice(w.alice.id, 'TABLET', { deviceType: 'Test', userAgent: null, protocolVersion: '16.1' });
  const parked = await w.ping(pingBody(1, [String(w.inbox)]));
  await until(() => w.deps.push.isParked(w.alice.id, w.phone.id), 'parked');
  await w.store.updateItem(w.alice.id, item, { read: true }, tablet.id);
  t.true(w.deps.push.isParked(w.alice.id, w.phone.id), 'the change did not wake it');
  const r = await parked.result;
  t.is(statusOf(r), 2);
  t.deepEqual(foldersOf(r), [String(w.inbox)]);
});

test("the device's own changes are never pending for it", async (t) => {
  const w = await world(t);
  const item = await w.deliver('mine');
  await syncedNow(w, w.inbox);
  const parked = await w.ping(pingBody(1, [String(w.inbox)]));
  await until(() => w.deps.push.isParked(w.alice.id, w.phone.id), 'parked');
  await w.store.updateItem(w.alice.id, item, { read: true }, w.phone.id);
  await w.store.deleteItem(w.alice.id, item, w.phone.id);
  t.is(statusOf(await parked.result), 1);
});
