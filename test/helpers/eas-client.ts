// A small real EAS client for tests: MS-ASHTTP over node:http (plain or base64-encoded query,
// Basic auth, MS-ASProtocolVersion, X-MS-PolicyKey), WBXML bodies via eas/wbxml, gzip answers.
// It keeps the PolicyKey and the folder hierarchy it was given, as a phone does.
// Each request gets its own connection (agent: false) so long polls run side by side and a
// forgotten client never keeps the test process alive.

import http from 'node:http';
import https from 'node:https';
import { gunzipSync } from 'node:zlib';
import { decode, encode } from '../../eas/wbxml/index.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';

export interface EasClientOptions {
  port: number;
  host?: string;
  /** Basic auth user name as the phone types it (address, DOMAIN\user, plain name). */
  user: string;
  password: string;
  deviceId: string;
  deviceType?: string;
  /** MS-ASProtocolVersion; default 16.1. */
  version?: string;
  /** Send the MS-ASHTTP 2.2.1.1.1.1 base64 query instead of ?Cmd=&User=… */
  base64Query?: boolean;
  userAgent?: string;
  /** Path of the endpoint; default /Microsoft-Server-ActiveSync. */
  path?: string;
  /** https with certificate checks off (self-signed test certificates). */
  tls?: boolean;
}

export interface PostOptions {
  /** Command parameters: ItemId, CollectionId, SaveInSent=T, AttachmentName, LongId, Occurrence… */
  params?: Record<string, string>;
  /** Extra or overriding request headers (a null value removes a default one). */
  headers?: Record<string, string | null>;
  contentType?: string;
  signal?: AbortSignal;
  /** Overrides the kept PolicyKey for this request (null: send none). */
  policyKey?: number | null;
  /** Overrides the query string entirely (raw, without the leading "?"). */
  rawQuery?: string;
}

export interface EasResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Decoded WBXML body, or null when empty or not WBXML. */
  body: WbxmlElement | null;
  /** The body after gunzip. */
  raw: Buffer;
  /** True when the server sent Content-Encoding: gzip. */
  gzipped: boolean;
}

export interface ClientFolder {
  serverId: string;
  parentId: string;
  displayName: string;
  type: number;
}

export interface FolderSyncResult {
  status: number;
  syncKey: string | null;
  added: ClientFolder[];
  updated: ClientFolder[];
  deleted: string[];
  response: EasResponse;
}

/** MS-ASHTTP 2.2.1.1.1.1.2 command codes. */
const COMMAND_CODES: Record<string, number> = {
  Sync: 0, SendMail: 1, SmartForward: 2, SmartReply: 3, GetAttachment: 4, FolderSync: 9,
  FolderCreate: 10, FolderDelete: 11, FolderUpdate: 12, MoveItems: 13, GetItemEstimate: 14,
  MeetingResponse: 15, Search: 16, Settings: 17, Ping: 18, ItemOperations: 19, Provision: 20,
  ResolveRecipients: 21, ValidateCert: 22, Find: 23,
};

/** MS-ASHTTP 2.2.1.1.1.1.3 parameter tags. */
const PARAM_TAGS: Record<string, number> = {
  AttachmentName: 0, CollectionId: 1, ItemId: 3, LongId: 4, Occurrence: 6, Options: 7, User: 8,
};

export function base64Query(q: {
  version: string;
  cmd: string;
  deviceId: string;
  deviceType: string;
  policyKey: number | null;
  user?: string;
  params?: Record<string, string>;
  locale?: number;
}): string {
  const code = COMMAND_CODES[q.cmd];
  if (code === undefined) throw new Error(`base64Query: no command code for ${q.cmd}`);
  const parts: Buffer[] = [];
  const byte = (n: number) => parts.push(Buffer.from([n]));
  const str = (s: string | Buffer) => {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    byte(b.length);
    parts.push(b);
  };
  byte(Math.round(Number(q.version) * 10));
  byte(code);
  const locale = Buffer.alloc(2);
  locale.writeUInt16LE(q.locale ?? 0x0409);
  parts.push(locale);
  str(q.deviceId);
  if (q.policyKey === null) byte(0);
  else {
    const pk = Buffer.alloc(4);
    pk.writeUInt32LE(q.policyKey >>> 0);
    str(pk);
  }
  str(q.deviceType);
  let options = 0;
  for (const [name, value] of Object.entries(q.params ?? {})) {
    if (name === 'SaveInSent') {
      if (value === 'T') options |= 0x01;
      continue;
    }
    if (name === 'AcceptMultiPart') {
      if (value === 'T') options |= 0x02;
      continue;
    }
    const tag = PARAM_TAGS[name];
    if (tag === undefined) throw new Error(`base64Query: parameter ${name} has no tag`);
    byte(tag);
    str(value);
  }
  if (q.user !== undefined) {
    byte(PARAM_TAGS.User!);
    str(q.user);
  }
  if (options) {
    byte(PARAM_TAGS.Options!);
    str(Buffer.from([options]));
  }
  return Buffer.concat(parts).toString('base64');
}

export class EasClient {
  readonly opts: Required<Omit<EasClientOptions, 'host' | 'path' | 'tls'>> & {
    host: string;
    path: string;
    tls: boolean;
  };
  /** The PolicyKey sent as X-MS-PolicyKey (or in the base64 query); null until provisioned. */
  policyKey: number | null = null;
  /** The FolderSync SyncKey the client holds ("0" before the first FolderSync). */
  folderSyncKey = '0';
  /** The hierarchy as this client knows it, by ServerId. */
  readonly folders = new Map<string, ClientFolder>();

  constructor(options: EasClientOptions) {
    this.opts = {
      host: options.host ?? '127.0.0.1',
      path: options.path ?? '/Microsoft-Server-ActiveSync',
      tls: options.tls ?? false,
      port: options.port,
      user: options.user,
      password: options.password,
      deviceId: options.deviceId,
      deviceType: options.deviceType ?? 'TestDevice',
      version: options.version ?? '16.1',
      base64Query: options.base64Query ?? false,
      userAgent: options.userAgent ?? 'eas-push-test-client/1.0',
    };
  }

  /** HTTP OPTIONS on the endpoint (with credentials, as phones send them). */
  options(opts: { headers?: Record<string, string | null> } = {}): Promise<EasResponse> {
    return this.request('OPTIONS', this.opts.path, null, opts.headers ?? {}, undefined);
  }

  /** POSTs one command; a WbxmlElement body is encoded, a Buffer sent as is. */
  post(cmd: string, body: WbxmlElement | Buffer | null, opts: PostOptions = {}): Promise<EasResponse> {
    const policyKey = opts.policyKey !== undefined ? opts.policyKey : this.policyKey;
    let query: string;
    if (opts.rawQuery !== undefined) query = opts.rawQuery;
    else if (this.opts.base64Query) {
      query = base64Query({
        version: this.opts.version,
        cmd,
        deviceId: this.opts.deviceId,
        deviceType: this.opts.deviceType,
        policyKey,
        user: this.opts.user,
        params: opts.params ?? {},
      });
    } else {
      const q = new URLSearchParams({
        Cmd: cmd,
        User: this.opts.user,
        DeviceId: this.opts.deviceId,
        DeviceType: this.opts.deviceType,
        ...(opts.params ?? {}),
      });
      query = q.toString();
    }
    const bytes = body === null ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : encode(body);
    const headers: Record<string, string | null> = {
      'Content-Type': opts.contentType ?? 'application/vnd.ms-sync.wbxml',
    };
    if (!this.opts.base64Query || opts.rawQuery !== undefined) {
      headers['MS-ASProtocolVersion'] = this.opts.version;
      if (policyKey !== null) headers['X-MS-PolicyKey'] = String(policyKey);
    }
    Object.assign(headers, opts.headers ?? {});
    return this.request('POST', `${this.opts.path}?${query}`, bytes, headers, opts.signal);
  }

  /** Two-step MS-ASPROV exchange; keeps and returns the final PolicyKey. */
  async provision(deviceInformation?: Record<string, string>): Promise<number> {
    const policy = (extra: WbxmlElement[]) =>
      el('Provision:Policies', [
        el('Provision:Policy', [el('Provision:PolicyType', 'MS-EAS-Provisioning-WBXML'), ...extra]),
      ]);
    const info =
      deviceInformation && Number(this.opts.version) >= 14.1
        ? el('Settings:DeviceInformation', [
            el('Settings:Set', Object.entries(deviceInformation).map(([k, v]) => el(`Settings:${k}`, v))),
          ])
        : undefined;
    const first = await this.post('Provision', el('Provision:Provision', [info, policy([])]));
    const temp = first.body?.path('Policies', 'Policy')?.textOf('PolicyKey');
    if (first.status !== 200 || !temp) throw new Error(`provision step 1 failed: HTTP ${first.status}`);
    const ack = await this.post(
      'Provision',
      el('Provision:Provision', [policy([el('Provision:PolicyKey', temp), el('Provision:Status', '1')])]),
      { policyKey: Number(temp) },
    );
    const final = ack.body?.path('Policies', 'Policy')?.textOf('PolicyKey');
    if (ack.status !== 200 || !final) throw new Error(`provision step 2 failed: HTTP ${ack.status}`);
    this.policyKey = Number(final);
    return this.policyKey;
  }

  /**
   * FolderSync with `key` (default: the key this client holds, "0" at first).
   * Applies the answer to `folders` and keeps the new key, like a phone.
   */
  async folderSync(key?: string): Promise<FolderSyncResult> {
    const syncKey = key ?? this.folderSyncKey;
    const response = await this.post('FolderSync', el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', syncKey)]));
    const root = response.body;
    const status = root?.intOf('Status') ?? NaN;
    const result: FolderSyncResult = {
      status,
      syncKey: root?.textOf('SyncKey') ?? null,
      added: [],
      updated: [],
      deleted: [],
      response,
    };
    const changes = root?.child('Changes');
    const folderOf = (e: WbxmlElement): ClientFolder => ({
      serverId: e.textOf('ServerId') ?? '',
      parentId: e.textOf('ParentId') ?? '',
      displayName: e.textOf('DisplayName') ?? '',
      type: e.intOf('Type') ?? NaN,
    });
    if (status === 1) {
      if (syncKey === '0') this.folders.clear();
      for (const c of changes?.children ?? []) {
        if (c.name === 'Add') result.added.push(folderOf(c));
        else if (c.name === 'Update') result.updated.push(folderOf(c));
        else if (c.name === 'Delete') result.deleted.push(c.textOf('ServerId') ?? '');
      }
      for (const f of [...result.added, ...result.updated]) this.folders.set(f.serverId, f);
      for (const id of result.deleted) this.folders.delete(id);
      if (result.syncKey) this.folderSyncKey = result.syncKey;
    }
    return result;
  }

  /** ServerId of the Inbox (FolderSync first if this client has no hierarchy yet). */
  async inboxId(): Promise<string> {
    return this.folderIdOfType(2);
  }

  async folderIdOfType(type: number): Promise<string> {
    if (this.folders.size === 0) await this.folderSync();
    for (const f of this.folders.values()) if (f.type === type) return f.serverId;
    throw new Error(`no folder of type ${type} in the hierarchy`);
  }

  private request(
    method: string,
    path: string,
    body: Buffer | null,
    extra: Record<string, string | null>,
    signal: AbortSignal | undefined,
  ): Promise<EasResponse> {
    const auth = Buffer.from(`${this.opts.user}:${this.opts.password}`, 'utf8').toString('base64');
    const headers: Record<string, string> = {};
    const defaults: Record<string, string | null> = {
      Authorization: `Basic ${auth}`,
      'User-Agent': this.opts.userAgent,
      'Accept-Encoding': 'gzip',
      ...extra,
    };
    for (const [k, v] of Object.entries(defaults)) if (v !== null) headers[k] = v;
    if (body) headers['Content-Length'] = String(body.length);
    const mod = this.opts.tls ? https : http;
    return new Promise<EasResponse>((resolve, reject) => {
      const req = mod.request(
        {
          host: this.opts.host,
          port: this.opts.port,
          method,
          path,
          headers,
          agent: false,
          signal,
          ...(this.opts.tls ? { rejectUnauthorized: false } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            try {
              const wire = Buffer.concat(chunks);
              const gzipped = /gzip/i.test(String(res.headers['content-encoding'] ?? ''));
              const raw = gzipped ? gunzipSync(wire) : wire;
              const type = String(res.headers['content-type'] ?? '');
              const isWbxml = /^application\/vnd\.ms-sync(\.wbxml)?\b/i.test(type) && !/multipart/i.test(type);
              const decoded = isWbxml && raw.length > 0 ? decode(raw) : null;
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: decoded, raw, gzipped });
            } catch (err) {
              reject(err);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  }
}

export function createEasClient(options: EasClientOptions): EasClient {
  return new EasClient(options);
}
