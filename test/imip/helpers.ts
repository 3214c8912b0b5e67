// Shared steps of the meeting-by-mail tests: a server with a capturing log, messages from
// test/fixtures/imip sent with the real swaks exactly as they are, and a phone that syncs the
// Inbox and the Calendar and parks Pings on both.

import { readFileSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import { createEasClient, type EasClient, type EasResponse } from '../helpers/eas-client.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.js';
import { sendWireMessage } from '../helpers/swaks.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType, type Account, type DocItem, type MailItem } from '../../store/types.js';
import { docProps, type PropNode } from '../../eas/classes/doc/nodes.js';
import { onlyCollection, syncRequest } from '../eas-sync/wire.js';
import { until } from '../push/helpers.js';

export const FIXTURES = new URL('../fixtures/imip/', import.meta.url);
export const PASSWORD = 'correct horse battery';

export function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  msg: string;
  fields: Record<string, unknown>;
}

export interface World {
  ts: TestServer;
  logs: LogLine[];
  account(address: string): Promise<Account>;
}

export async function world(t: ExecutionContext, opts: TestServerOptions = {}): Promise<World> {
  const logs: LogLine[] = [];
  const at = (level: LogLine['level']) => (msg: string, fields: Record<string, unknown> = {}) => void logs.push({ level, msg, fields });
  const ts = await startTestServer({ log: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') }, ...opts });
  t.teardown(() => ts.stop());
  return { ts, logs, account: async (address) => await ts.addUser(address, PASSWORD) };
}

/** Sends `message` (bytes, or a fixture's name) over SMTP byte for byte (test/helpers/swaks.ts). */
export function sendEml(w: World, message: Buffer | string, envelope: { from: string; to: string | string[] }): Promise<Buffer> {
  return sendWireMessage(w.ts.smtpPort, typeof message === 'string' ? fixture(message) : message, envelope);
}

/** A phone of `account` at `version`, with the Inbox and Calendar ids of its hierarchy. */
export async function phone(w: World, address: string, deviceId: string, version = '16.1'): Promise<Phone> {
  const client = createEasClient({ port: w.ts.httpPort, user: address, password: PASSWORD, deviceId, version });
  await client.folderSync();
  return new Phone(client, await client.folderIdOfType(FolderType.Inbox), await client.folderIdOfType(FolderType.Calendar));
}

export interface Synced {
  adds: Map<string, WbxmlElement>;
  changes: Map<string, WbxmlElement>;
}

export class Phone {
  private readonly keys = new Map<string, string>();
  constructor(
    readonly client: EasClient,
    readonly inbox: string,
    readonly calendar: string,
  ) {}

  /** Syncs the collection until nothing is left; the adds and changes of this round, by ServerId. */
  async sync(collectionId: string, options: WbxmlElement[] = []): Promise<Synced> {
    const out: Synced = { adds: new Map(), changes: new Map() };
    if (!this.keys.has(collectionId)) {
      const first = await this.client.post('Sync', syncRequest([{ syncKey: '0', collectionId, options }]));
      this.keys.set(collectionId, onlyCollection(first.body).syncKey);
    }
    for (let i = 0; i < 20; i++) {
      const r = await this.client.post('Sync', syncRequest([{ syncKey: this.keys.get(collectionId)!, collectionId, getChanges: true, windowSize: 100, options }]));
      if (r.status !== 200) throw new Error(`Sync answered HTTP ${r.status}`);
      if (r.raw.length === 0) break;
      const c = onlyCollection(r.body);
      if (c.status !== 1) throw new Error(`Sync Status ${c.status}`);
      this.keys.set(collectionId, c.syncKey);
      for (const a of c.adds) out.adds.set(a.serverId, a.data!);
      for (const a of c.changes) out.changes.set(a.serverId, a.data!);
      if (!c.moreAvailable) break;
    }
    return out;
  }

  /** Sends one Sync Change of a Calendar item (16.x: what is not sent is unchanged). */
  async changeEvent(serverId: string, appData: WbxmlElement[]): Promise<number> {
    const collectionId = this.calendar;
    const r = await this.client.post(
      'Sync',
      syncRequest([{ syncKey: this.keys.get(collectionId)!, collectionId, commands: [el('AirSync:Change', [el('AirSync:ServerId', serverId), el('AirSync:ApplicationData', appData)])] }]),
    );
    const c = onlyCollection(r.body);
    this.keys.set(collectionId, c.syncKey);
    return c.responses[0]?.intOf('Status') ?? c.status;
  }

  /** Sends one Sync Add of a Calendar item, as the user's phone creates an event; its Status. */
  async addEvent(appData: WbxmlElement[]): Promise<number> {
    const collectionId = this.calendar;
    if (!this.keys.has(collectionId)) await this.sync(collectionId);
    const r = await this.client.post(
      'Sync',
      syncRequest([{ syncKey: this.keys.get(collectionId)!, collectionId, commands: [el('AirSync:Add', [el('AirSync:ClientId', 'c1'), el('AirSync:ApplicationData', appData)])] }]),
    );
    const c = onlyCollection(r.body);
    this.keys.set(collectionId, c.syncKey);
    return c.responses[0]?.intOf('Status') ?? c.status;
  }

  /** A Ping on the Inbox and the Calendar (it answers when the server answers it). */
  ping(heartbeat = 300): Promise<EasResponse> {
    return this.client.post(
      'Ping',
      el('Ping:Ping', [
        el('Ping:HeartbeatInterval', heartbeat),
        el('Ping:Folders', [
          el('Ping:Folder', [el('Ping:Id', this.inbox), el('Ping:Class', 'Email')]),
          el('Ping:Folder', [el('Ping:Id', this.calendar), el('Ping:Class', 'Calendar')]),
        ]),
      ]),
    );
  }
}

/** Resolves once the device's Ping (or Sync-Wait) is parked. */
export function waitParked(w: World, account: Account, deviceId: string): Promise<void> {
  return until(async () => {
    const device = await w.ts.store.getDevice(account.id, deviceId);
    return device !== null && w.ts.server.push.isParked(account.id, device.id);
  }, `${deviceId} parked`);
}

/** The one item of a Sync round (adds, else changes); fails when there is not exactly one. */
export function only(m: Map<string, WbxmlElement>): [string, WbxmlElement] {
  if (m.size !== 1) throw new Error(`expected one item, got ${m.size}`);
  return [...m.entries()][0]!;
}

export async function mailItems(w: World, account: Account): Promise<MailItem[]> {
  const inbox = (await w.ts.store.folderByType(account.id, FolderType.Inbox))!.id;
  return (await w.ts.store.listItems(account.id, inbox)).filter((i): i is MailItem => i.kind === 'mail');
}

export async function calendarItems(w: World, account: Account): Promise<DocItem[]> {
  const calendar = (await w.ts.store.folderByType(account.id, FolderType.Calendar))!.id;
  return (await w.ts.store.listItems(account.id, calendar)).filter((i): i is DocItem => i.kind === 'doc');
}

export function propsOf(item: DocItem): PropNode[] {
  return docProps(item.data);
}

/** Texts of the attendees of an ApplicationData (or Exception): email → AttendeeStatus. */
export function attendeeStatuses(data: WbxmlElement | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const a of data?.child('Calendar:Attendees')?.all('Calendar:Attendee') ?? []) {
    out[a.textOf('Calendar:Email') ?? ''] = a.textOf('Calendar:AttendeeStatus');
  }
  return out;
}
