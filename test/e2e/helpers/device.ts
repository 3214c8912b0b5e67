// One phone, as MS-ASCMD's examples show it: requests built element by element here (not with
// test/helpers/eas-client.ts) and answers read back into plain values. It keeps only what a
// phone keeps: the PolicyKey, the folder SyncKey and the folder list.

import { el, type WbxmlElement } from '../../../eas/wbxml/tree.js';
import { basicAuth, buildBase64Query, plainQuery, type Wire, type WireResponse } from './wire.js';

export interface DeviceOptions {
  user: string;
  password: string;
  deviceId: string;
  deviceType?: string;
  version?: string;
  /** MS-ASHTTP 2.2.1.1.1.1 base64 query (Nine, Windows Mail) instead of the plain one. */
  base64?: boolean;
}

export interface Folder {
  serverId: string;
  parentId: string;
  displayName: string;
  type: number;
}

/** One collection's part of a Sync answer, read back. */
export interface SyncCollectionAnswer {
  status: number;
  syncKey: string;
  moreAvailable: boolean;
  adds: { serverId: string; data: WbxmlElement }[];
  changes: { serverId: string; data: WbxmlElement }[];
  deletes: string[];
  softDeletes: string[];
  responses: WbxmlElement | undefined;
}

export interface SyncAnswer {
  http: WireResponse;
  /** Top-level Sync Status when the server answered with one (errors), else null. */
  status: number | null;
  /** Empty 200: nothing changed (MS-ASCMD 2.2.1.21.2). */
  empty: boolean;
  collection: SyncCollectionAnswer | null;
}

/** MS-ASCMD 2.2.3.186 Type (FolderSync): the default folders a phone looks for. */
export const FolderType = { Inbox: 2, Drafts: 3, DeletedItems: 4, SentItems: 5, Outbox: 6 } as const;

export class Device {
  policyKey: number | null = null;
  folderSyncKey = '0';
  folders: Folder[] = [];
  readonly version: string;

  constructor(
    readonly wire: Wire,
    readonly opts: DeviceOptions,
  ) {
    this.version = opts.version ?? '16.1';
  }

  /** MS-ASHTTP 2.2.1.1: the request line and headers for one command. */
  request(cmd: string, body: WbxmlElement | Buffer | null, extra: { params?: Record<string, string>; contentType?: string; headers?: Record<string, string> } = {}): Promise<WireResponse> {
    const deviceType = this.opts.deviceType ?? 'Android';
    const headers: Record<string, string> = {
      Authorization: basicAuth(this.opts.user, this.opts.password),
      'User-Agent': `e2e-${deviceType}`,
      ...(body !== null ? { 'Content-Type': extra.contentType ?? 'application/vnd.ms-sync.wbxml' } : {}),
    };
    let query: string;
    if (this.opts.base64) {
      query = encodeURIComponent(
        buildBase64Query({ version: this.version, cmd, deviceId: this.opts.deviceId, policyKey: this.policyKey, deviceType, params: extra.params ?? {} }),
      );
    } else {
      query = plainQuery(cmd, this.opts.user, this.opts.deviceId, deviceType, extra.params);
      headers['MS-ASProtocolVersion'] = this.version;
      if (this.policyKey !== null) headers['X-MS-PolicyKey'] = String(this.policyKey);
    }
    return this.wire.send({ query, headers: { ...headers, ...(extra.headers ?? {}) }, body, what: `${this.opts.deviceId} ${cmd}` });
  }

  options(): Promise<WireResponse> {
    return this.wire.send({ method: 'OPTIONS', query: '', headers: { Authorization: basicAuth(this.opts.user, this.opts.password) }, what: 'OPTIONS' });
  }

  /** MS-ASPROV 3.1.5.1: ask for the policy (temporary key), then acknowledge it (final key). */
  async provision(): Promise<{ temporaryKey: number; finalKey: number; policy: WbxmlElement | undefined }> {
    const first = await this.request(
      'Provision',
      el('Provision:Provision', [
        el('Settings:DeviceInformation', [el('Settings:Set', [el('Settings:Model', 'E2E phone'), el('Settings:OS', 'e2e 1.0')])]),
        el('Provision:Policies', [el('Provision:Policy', [el('Provision:PolicyType', 'MS-EAS-Provisioning-WBXML')])]),
      ]),
    );
    const policy = first.body?.path('Policies', 'Policy');
    const temporaryKey = Number(policy?.textOf('PolicyKey'));
    this.policyKey = temporaryKey;
    const second = await this.request(
      'Provision',
      el('Provision:Provision', [
        el('Provision:Policies', [
          el('Provision:Policy', [el('Provision:PolicyType', 'MS-EAS-Provisioning-WBXML'), el('Provision:PolicyKey', String(temporaryKey)), el('Provision:Status', '1')]),
        ]),
      ]),
    );
    const finalKey = Number(second.body?.path('Policies', 'Policy')?.textOf('PolicyKey'));
    this.policyKey = finalKey;
    return { temporaryKey, finalKey, policy };
  }

  async folderSync(): Promise<{ http: WireResponse; status: number }> {
    const res = await this.request('FolderSync', el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', this.folderSyncKey)]));
    const status = Number(res.body?.textOf('Status'));
    if (status === 1) {
      this.folderSyncKey = res.body!.textOf('SyncKey')!;
      for (const add of res.body!.child('Changes')?.all('Add') ?? []) {
        this.folders.push({ serverId: add.textOf('ServerId')!, parentId: add.textOf('ParentId')!, displayName: add.textOf('DisplayName')!, type: Number(add.textOf('Type')) });
      }
    }
    return { http: res, status };
  }

  folderId(type: number): string {
    const f = this.folders.find((x) => x.type === type);
    if (!f) throw new Error(`no folder of type ${type} on ${this.opts.deviceId}`);
    return f.serverId;
  }

  /** One collection, as MS-ASCMD 4.5 shows it. */
  async sync(
    collectionId: string,
    syncKey: string,
    opts: { bodyType?: number; truncationSize?: number; commands?: WbxmlElement[]; getChanges?: boolean; windowSize?: number } = {},
  ): Promise<SyncAnswer> {
    const initial = syncKey === '0';
    const body = el('AirSync:Sync', [
      el('AirSync:Collections', [
        el('AirSync:Collection', [
          el('AirSync:SyncKey', syncKey),
          el('AirSync:CollectionId', collectionId),
          !initial && el('AirSync:DeletesAsMoves', '1'),
          !initial && opts.getChanges !== false && el('AirSync:GetChanges', '1'),
          !initial && el('AirSync:WindowSize', opts.windowSize ?? 50),
          !initial &&
            el('AirSync:Options', [
              el('AirSync:FilterType', '0'),
              el('AirSyncBase:BodyPreference', [
                el('AirSyncBase:Type', opts.bodyType ?? 1),
                opts.truncationSize !== undefined && el('AirSyncBase:TruncationSize', opts.truncationSize),
              ]),
            ]),
          opts.commands && opts.commands.length > 0 && el('AirSync:Commands', opts.commands),
        ]),
      ]),
    ]);
    const http = await this.request('Sync', body);
    return readSync(http);
  }
}

export function readSync(http: WireResponse): SyncAnswer {
  if (!http.body) return { http, status: null, empty: http.raw.length === 0, collection: null };
  const top = http.body.textOf('Status');
  const c = http.body.path('Collections', 'Collection');
  if (!c) return { http, status: top === undefined ? null : Number(top), empty: false, collection: null };
  const commands = c.child('Commands');
  const entries = (name: string) => (commands?.all(name) ?? []).map((x) => ({ serverId: x.textOf('ServerId')!, data: x.child('ApplicationData') ?? el('AirSync:ApplicationData', []) }));
  return {
    http,
    status: top === undefined ? null : Number(top),
    empty: false,
    collection: {
      status: Number(c.textOf('Status')),
      syncKey: c.textOf('SyncKey') ?? '',
      moreAvailable: c.has('MoreAvailable'),
      adds: entries('Add'),
      changes: entries('Change'),
      deletes: (commands?.all('Delete') ?? []).map((x) => x.textOf('ServerId')!),
      softDeletes: (commands?.all('SoftDelete') ?? []).map((x) => x.textOf('ServerId')!),
      responses: c.child('Responses'),
    },
  };
}
