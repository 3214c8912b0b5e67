// Shared steps of the push tests: a server with alice and two devices, Ping and Sync requests
// as a phone sends them, and waits on registry state (bounded, event-driven: no fixed sleeps).

import type { ExecutionContext } from 'ava';
import { createEasClient, type EasClient, type EasResponse } from '../helpers/eas-client.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.js';
import { sendMail } from '../helpers/swaks.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import type { Account } from '../../store/types.js';

export interface PushWorld {
  ts: TestServer;
  alice: Account;
  phone: EasClient;
  tablet: EasClient;
  inbox: string;
}

export async function pushWorld(t: ExecutionContext, opts: TestServerOptions = {}): Promise<PushWorld> {
  const ts = await startTestServer({ heartbeatMin: 1, ...opts });
  t.teardown(() => ts.stop());
  const alice = await ts.addUser('alice@example.com', 'secret');
  const client = (deviceId: string): EasClient =>
    createEasClient({ port: ts.httpPort, user: 'alice@example.com', password: 'secret', deviceId });
  const phone = client('PHONE0001');
  const tablet = client('TABLET0001');
  const inbox = await phone.inboxId();
  await tablet.folderSync();
  return { ts, alice, phone, tablet, inbox };
}

export function pingBody(heartbeat: number | undefined, folderIds: string[] | undefined): WbxmlElement {
  return el('Ping:Ping', [
    heartbeat !== undefined && el('Ping:HeartbeatInterval', heartbeat),
    folderIds !== undefined &&
      el('Ping:Folders', folderIds.map((id) => el('Ping:Folder', [el('Ping:Id', id), el('Ping:Class', 'Email')]))),
  ]);
}

/** A request in flight, with when it was sent (answeredOrParked tells its push-history entry from older ones by it). */
export type SentRequest = Promise<EasResponse> & { sentAt?: string };

export function ping(client: EasClient, heartbeat: number | undefined, folderIds: string[] | undefined, signal?: AbortSignal): SentRequest {
  const body = heartbeat === undefined && folderIds === undefined ? null : pingBody(heartbeat, folderIds);
  const sentAt = new Date().toISOString();
  return Object.assign(client.post('Ping', body, signal ? { signal } : {}), { sentAt });
}

export interface PingAnswer {
  status: number;
  folders: string[];
  heartbeat: number | undefined;
  maxFolders: number | undefined;
}

export function readPing(r: EasResponse): PingAnswer {
  if (r.status !== 200 || r.body?.tag !== 'Ping:Ping') throw new Error(`not a Ping answer: HTTP ${r.status} ${r.body?.tag}`);
  return {
    status: r.body.intOf('Status') ?? NaN,
    folders: r.body.child('Folders')?.all('Folder').map((f) => f.text ?? '') ?? [],
    heartbeat: r.body.intOf('HeartbeatInterval'),
    maxFolders: r.body.intOf('MaxFolders'),
  };
}

/**
 * Resolves once `cond` holds, checking after each turn of the event loop (the server runs in
 * this process, so each check sees every commit and wake so far). Fails after `ms`.
 */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function parked(w: PushWorld, client: EasClient): Promise<boolean> {
  const device = await w.ts.store.getDevice(w.alice.id, client.opts.deviceId);
  return device !== null && w.ts.server.push.isParked(w.alice.id, device.id);
}

/**
 * Parked past its first look at the store: the registry holds the request and its push-history
 * entry, written only once that look found nothing to answer at once, is open and started at
 * `since` or later. The registry holds a request during that look too; on SQLite the look ends
 * within the turn, on PostgreSQL it is a query, so the registry alone cannot tell "parked" from
 * "about to be answered at once".
 */
export async function parkedSince(w: PushWorld, client: EasClient, since: string): Promise<boolean> {
  if (!(await parked(w, client))) return false;
  const device = await w.ts.store.getDevice(w.alice.id, client.opts.deviceId);
  const entry = device ? (await w.ts.store.pushHistory(device.id, 1))[0] : undefined;
  return entry !== undefined && entry.endedAt == null && entry.startedAt >= since;
}

/** Whether the Ping `request` of `client` was answered (true) or parked (false), whichever came first; fails after `ms`. */
export async function answeredOrParked(w: PushWorld, client: EasClient, request: SentRequest, ms: number): Promise<boolean> {
  // When it was sent, else now: before this turn ends the server has not read it, so its entry starts later.
  const since = request.sentAt ?? new Date().toISOString();
  let answered = false;
  request.then(
    () => (answered = true),
    () => (answered = true),
  );
  await until(async () => answered || await parkedSince(w, client, since), `${client.opts.deviceId}'s Ping answered or parked`, ms);
  return answered;
}

/**
 * After an event that must wake `client`'s parked request has had its own answer (swaks's 250,
 * a command's response): the wake was published in the commit's turn, and the woken request
 * answers once its own look at the store is over (within the turn on SQLite, a query on
 * PostgreSQL). True once it is no longer parked; false if it still is after `ms`.
 */
export async function unparkedWithin(w: PushWorld, client: EasClient, ms: number): Promise<boolean> {
  try {
    await until(async () => !(await parked(w, client)), `${client.opts.deviceId} answered`, ms);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `client` is parked; given its `request`, once that one is parked past its first look (parkedSince). */
export function waitParked(w: PushWorld, client: EasClient, request?: SentRequest): Promise<void> {
  const since = request?.sentAt;
  return until(async () => (since === undefined ? await parked(w, client) : await parkedSince(w, client, since)), `${client.opts.deviceId} parked`);
}

export async function deliver(w: PushWorld, subject: string): Promise<void> {
  const r = await sendMail({ port: w.ts.smtpPort, to: 'alice@example.com', subject, body: `Body of ${subject}` });
  if (r.code !== 0) throw new Error(`swaks failed (${r.code}): ${r.stdout}${r.stderr}`);
}

export interface SyncResult {
  status: number;
  syncKey: string;
  adds: { serverId: string; subject: string }[];
  changes: string[];
  deletes: string[];
  response: EasResponse;
}

/** One Sync of one collection, optionally with client commands and a wait. */
export async function syncOnce(
  client: EasClient,
  folderId: string,
  syncKey: string,
  extra: { commands?: WbxmlElement[]; heartbeat?: number; wait?: number; signal?: AbortSignal } = {},
): Promise<SyncResult> {
  const body = el('AirSync:Sync', [
    el('AirSync:Collections', [
      el('AirSync:Collection', [
        el('AirSync:SyncKey', syncKey),
        el('AirSync:CollectionId', folderId),
        syncKey !== '0' && el('AirSync:GetChanges', '1'),
        el('AirSync:WindowSize', '100'),
        extra.commands && el('AirSync:Commands', extra.commands),
      ]),
    ]),
    extra.wait !== undefined && el('AirSync:Wait', extra.wait),
    extra.heartbeat !== undefined && el('AirSync:HeartbeatInterval', extra.heartbeat),
  ]);
  const response = await client.post('Sync', body, extra.signal ? { signal: extra.signal } : {});
  const collection = response.body?.path('Collections', 'Collection');
  const commands = collection?.child('Commands');
  return {
    status: collection?.intOf('Status') ?? response.body?.intOf('Status') ?? NaN,
    syncKey: collection?.textOf('SyncKey') ?? syncKey,
    adds: (commands?.all('Add') ?? []).map((a) => ({
      serverId: a.textOf('ServerId') ?? '',
      subject: a.child('ApplicationData')?.textOf('Email:Subject') ?? '',
    })),
    changes: (commands?.all('Change') ?? []).map((c) => c.textOf('ServerId') ?? ''),
    deletes: (commands?.all('Delete') ?? []).map((c) => c.textOf('ServerId') ?? ''),
    response,
  };
}

/** Initial sync then sync until nothing is left: what a phone does before its first Ping. */
export async function syncAll(client: EasClient, folderId: string): Promise<{ syncKey: string; adds: SyncResult['adds'] }> {
  let r = await syncOnce(client, folderId, '0');
  if (r.status !== 1) throw new Error(`initial Sync failed: Status ${r.status}`);
  const adds: SyncResult['adds'] = [];
  for (let i = 0; i < 20; i++) {
    r = await syncOnce(client, folderId, r.syncKey);
    if (r.response.raw.length === 0) break;
    if (r.status !== 1) throw new Error(`Sync failed: Status ${r.status}`);
    adds.push(...r.adds);
    if (!r.response.body?.path('Collections', 'Collection')?.has('MoreAvailable')) break;
  }
  return { syncKey: r.syncKey, adds };
}

export function readChange(serverId: string, read: boolean): WbxmlElement {
  return el('AirSync:Change', [
    el('AirSync:ServerId', serverId),
    el('AirSync:ApplicationData', [el('Email:Read', read ? '1' : '0')]),
  ]);
}

export function deleteCommand(serverId: string): WbxmlElement {
  return el('AirSync:Delete', [el('AirSync:ServerId', serverId)]);
}
