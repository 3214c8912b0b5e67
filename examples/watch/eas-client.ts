// A deliberately small Exchange ActiveSync client for examples/watch.ts: what a phone does to
// get pushed mail, in plain code. MS-ASHTTP requests (Basic auth, ?Cmd=…&User=…&DeviceId=…,
// MS-ASProtocolVersion, X-MS-PolicyKey) over node:http(s), WBXML bodies through the project's
// own codec (eas/wbxml). Commands used: Provision (MS-ASPROV), FolderSync (MS-ASCMD 2.2.1.5),
// Sync (2.2.1.21) and Ping (2.2.1.13). What it reads of a mail is MS-ASEMAIL's, of an event
// MS-ASCAL's.

import http from 'node:http';
import https from 'node:https';
import { gunzipSync } from 'node:zlib';
import { decode, el, encode, type WbxmlElement } from '../../eas/wbxml/index.js';

export interface ClientOptions {
  /** Base URL of the server: http://127.0.0.1:8080 or https://mail.example.com */
  url: string;
  user: string;
  password: string;
  deviceId: string;
  deviceType?: string;
  /** Accept a self-signed certificate (https only). */
  insecure?: boolean;
}

/** A failure the user can act on (wrong password, server gone…); the message says what to do. */
export class EasError extends Error {
  constructor(
    message: string,
    /** HTTP status, when there was an answer. */
    readonly status?: number,
    /** Seconds the server asked us to wait (503 Retry-After). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'EasError';
  }
}

export interface MailSummary {
  serverId: string;
  from: string;
  subject: string;
  /** Email:DateReceived as the server sends it (ISO 8601). */
  dateReceived: string;
}

export interface EventSummary {
  serverId: string;
  subject: string;
  /** Calendar:StartTime as the server sends it (compact UTC: 20300115T140000Z). */
  startTime: string;
  location: string;
  organizer: string;
  /** MeetingStatus 5, 7, 13 or 15 (MS-ASCAL 2.2.2.28): the organiser cancelled the meeting. */
  cancelled: boolean;
}

const CANCELLED_MEETING = new Set([5, 7, 13, 15]);

export interface SyncResult<T> {
  added: T[];
  /** Items the server changed since (an updated invitation, for one). */
  changed: T[];
  /** The collection's SyncKey after this round (keep it for the next Sync). */
  syncKey: string;
}

/** The folders the watcher follows, by server id (calendar: null where the account has none). */
export interface WatchedFolders {
  inbox: string;
  calendar: string | null;
}

/** What the watcher reads of one class's ApplicationData, and the Ping:Class it parks with. */
export interface ItemReader<T> {
  pingClass: 'Email' | 'Calendar';
  read(serverId: string, data: WbxmlElement | undefined): T;
}

export const mailReader: ItemReader<MailSummary> = {
  pingClass: 'Email',
  read: (serverId, data) => ({
    serverId,
    from: data?.textOf('Email:From') ?? '',
    subject: data?.textOf('Email:Subject') ?? '',
    dateReceived: data?.textOf('Email:DateReceived') ?? '',
  }),
};

export const eventReader: ItemReader<EventSummary> = {
  pingClass: 'Calendar',
  read: (serverId, data) => {
    const name = data?.textOf('Calendar:OrganizerName') ?? '';
    const email = data?.textOf('Calendar:OrganizerEmail') ?? '';
    return {
      serverId,
      subject: data?.textOf('Calendar:Subject') ?? '',
      startTime: data?.textOf('Calendar:StartTime') ?? '',
      // At 16.x the place is AirSyncBase:Location, a container (MS-ASAIRS 2.2.2.28).
      location: data?.child('AirSyncBase:Location')?.textOf('AirSyncBase:DisplayName') ?? '',
      organizer: name && email ? `${name} <${email}>` : name || email,
      cancelled: CANCELLED_MEETING.has(data?.intOf('Calendar:MeetingStatus') ?? 0),
    };
  },
};

export type PingResult =
  | { kind: 'changes'; folderIds: string[] }
  | { kind: 'expired' }
  /** The server wants another heartbeat (Ping Status 5): use this one. */
  | { kind: 'heartbeat'; seconds: number }
  /** The folder list is stale (Ping Status 7): FolderSync and start again. */
  | { kind: 'resync' };

const PROTOCOL_VERSION = '16.1';
/** MS-ASCMD 2.2.2: the device must (re)provision. */
const PROVISION_STATUSES = new Set([142, 143, 144]);
/** MS-ASCMD 2.2.3.186.3 FolderHierarchy Type: 2 the Inbox, 8 the default Calendar. */
const INBOX_TYPE = 2;
const CALENDAR_TYPE = 8;

interface Answer {
  status: number;
  body: WbxmlElement | null;
}

export class EasClient {
  private policyKey: string | null = null;
  private readonly base: URL;

  constructor(private readonly opts: ClientOptions) {
    // The base URL, or the endpoint's own URL pasted from a phone's settings: both work.
    const base = opts.url.replace(/\/+$/, '').replace(/\/Microsoft-Server-ActiveSync$/i, '');
    this.base = new URL(`${base}/Microsoft-Server-ActiveSync`);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new EasError(`--url must be http:// or https://, not ${this.base.protocol}`);
    }
  }

  /** The server ids of the Inbox and the default Calendar, from a full FolderSync. */
  async folders(signal?: AbortSignal): Promise<WatchedFolders> {
    const root = await this.command('FolderSync', el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', '0')]), signal);
    const status = root?.intOf('Status');
    if (status !== 1) throw new EasError(`FolderSync failed with Status ${status ?? 'none'}`);
    const adds = root?.path('Changes')?.all('Add') ?? [];
    const ofType = (type: number): string | null => adds.find((a) => a.intOf('Type') === type)?.textOf('ServerId') ?? null;
    const inbox = ofType(INBOX_TYPE);
    if (inbox === null) throw new EasError('the account has no Inbox');
    return { inbox, calendar: ofType(CALENDAR_TYPE) };
  }

  /**
   * Syncs one folder from `syncKey` ("0" starts over) until the server has nothing more,
   * returning the items added and changed since, as `reader` reads them. Bodies are not asked
   * for: only what we print.
   */
  async sync<T>(folderId: string, syncKey: string, reader: ItemReader<T>, signal?: AbortSignal): Promise<SyncResult<T>> {
    let key = syncKey;
    const added: T[] = [];
    const changed: T[] = [];
    for (;;) {
      const initial = key === '0';
      const collection = el('AirSync:Collection', [
        el('AirSync:SyncKey', key),
        el('AirSync:CollectionId', folderId),
        !initial && el('AirSync:GetChanges', '1'),
        !initial && el('AirSync:WindowSize', '100'),
        !initial &&
          el('AirSync:Options', [
            // 4 = two weeks: enough for "the last few subjects" without pulling a whole mailbox
            // (for a calendar: events that ended up to two weeks ago, and all later ones).
            el('AirSync:FilterType', '4'),
            el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', '1'), el('AirSyncBase:TruncationSize', '0')]),
          ]),
      ]);
      const root = await this.command('Sync', el('AirSync:Sync', [el('AirSync:Collections', [collection])]), signal);
      // An empty 200 answer means "nothing changed" (MS-ASCMD 2.2.1.21).
      if (!root) return { added, changed, syncKey: key };
      const c = root.path('Collections', 'Collection');
      const status = c?.intOf('Status') ?? root.intOf('Status');
      if (status === 3) {
        // Invalid SyncKey (the server lost or reset our state): start the folder over.
        key = '0';
        continue;
      }
      if (status !== 1 || !c) throw new EasError(`Sync failed with Status ${status ?? 'none'}`);
      key = c.textOf('SyncKey') ?? key;
      const commands = c.child('Commands');
      for (const add of commands?.all('Add') ?? []) added.push(reader.read(add.textOf('ServerId') ?? '', add.child('ApplicationData')));
      for (const change of commands?.all('Change') ?? []) changed.push(reader.read(change.textOf('ServerId') ?? '', change.child('ApplicationData')));
      if (!initial && !c.has('MoreAvailable')) return { added, changed, syncKey: key };
    }
  }

  /** Parks a Ping on the folders until something arrives or the heartbeat ends. */
  async ping(watched: { id: string; pingClass: string }[], heartbeatSeconds: number, signal?: AbortSignal): Promise<PingResult> {
    const folders = watched.map((f) => el('Ping:Folder', [el('Ping:Id', f.id), el('Ping:Class', f.pingClass)]));
    const root = await this.command('Ping', el('Ping:Ping', [el('Ping:HeartbeatInterval', String(heartbeatSeconds)), el('Ping:Folders', folders)]), signal);
    const status = root?.intOf('Status');
    switch (status) {
      case 1:
        return { kind: 'expired' };
      case 2:
        return { kind: 'changes', folderIds: root?.child('Folders')?.all('Folder').map((f) => f.text ?? '') ?? [] };
      case 5:
        return { kind: 'heartbeat', seconds: root?.intOf('HeartbeatInterval') ?? heartbeatSeconds };
      case 7:
        return { kind: 'resync' };
      default:
        throw new EasError(`Ping failed with Status ${status ?? 'none'}`);
    }
  }

  /** Sends a command; provisions once and retries when the server asks for it. */
  private async command(cmd: string, body: WbxmlElement, signal?: AbortSignal): Promise<WbxmlElement | null> {
    let answer = await this.post(cmd, body, signal);
    if (this.needsProvisioning(answer)) {
      await this.provision(signal);
      answer = await this.post(cmd, body, signal);
    }
    if (answer.status !== 200) throw httpError(answer.status);
    return answer.body;
  }

  private needsProvisioning(answer: Answer): boolean {
    if (answer.status === 449) return true;
    const status = answer.body?.intOf('Status');
    return answer.status === 200 && status !== undefined && PROVISION_STATUSES.has(status);
  }

  /** MS-ASPROV 3.1.5.1: ask for the policy, then acknowledge it to get the final PolicyKey. */
  private async provision(signal?: AbortSignal): Promise<void> {
    const policies = (...extra: WbxmlElement[]) =>
      el('Provision:Policies', [el('Provision:Policy', [el('Provision:PolicyType', 'MS-EAS-Provisioning-WBXML'), ...extra])]);
    this.policyKey = null;
    const first = await this.post('Provision', el('Provision:Provision', [policies()]), signal);
    const temporary = first.body?.path('Policies', 'Policy')?.textOf('PolicyKey');
    if (first.status !== 200 || !temporary) throw new EasError(`Provision failed (HTTP ${first.status})`, first.status);
    this.policyKey = temporary;
    const ack = await this.post('Provision', el('Provision:Provision', [policies(el('Provision:PolicyKey', temporary), el('Provision:Status', '1'))]), signal);
    const final = ack.body?.path('Policies', 'Policy')?.textOf('PolicyKey');
    if (ack.status !== 200 || !final) throw new EasError(`Provision acknowledgement failed (HTTP ${ack.status})`, ack.status);
    this.policyKey = final;
  }

  private post(cmd: string, body: WbxmlElement, signal?: AbortSignal): Promise<Answer> {
    const url = new URL(this.base);
    url.search = new URLSearchParams({
      Cmd: cmd,
      User: this.opts.user,
      DeviceId: this.opts.deviceId,
      DeviceType: this.opts.deviceType ?? 'EasPushWatch',
    }).toString();
    const bytes = encode(body);
    const headers: Record<string, string> = {
      Authorization: `Basic ${Buffer.from(`${this.opts.user}:${this.opts.password}`, 'utf8').toString('base64')}`,
      'Content-Type': 'application/vnd.ms-sync.wbxml',
      'Content-Length': String(bytes.length),
      'MS-ASProtocolVersion': PROTOCOL_VERSION,
      'Accept-Encoding': 'gzip',
      'User-Agent': 'eas-push-watch/1.0',
    };
    if (this.policyKey !== null) headers['X-MS-PolicyKey'] = this.policyKey;
    const secure = url.protocol === 'https:';
    const transport = secure ? https : http;
    return new Promise<Answer>((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method: 'POST',
          headers,
          // A parked Ping holds its connection for minutes; its own socket keeps things simple.
          agent: false,
          ...(signal ? { signal } : {}),
          ...(secure && this.opts.insecure ? { rejectUnauthorized: false } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            if (res.statusCode === 503) {
              const wait = Number(res.headers['retry-after']);
              reject(new EasError('the server is busy (HTTP 503)', 503, Number.isFinite(wait) ? wait : undefined));
              return;
            }
            try {
              const wire = Buffer.concat(chunks);
              const raw = /gzip/i.test(String(res.headers['content-encoding'] ?? '')) ? gunzipSync(wire) : wire;
              const wbxml = /application\/vnd\.ms-sync/i.test(String(res.headers['content-type'] ?? ''));
              resolve({ status: res.statusCode ?? 0, body: wbxml && raw.length > 0 ? decode(raw) : null });
            } catch (err) {
              reject(new EasError(`unreadable answer to ${cmd}: ${err instanceof Error ? err.message : String(err)}`));
            }
          });
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err.name === 'AbortError') reject(err);
        else reject(new EasError(`cannot reach ${this.base.origin}: ${err.code ?? err.message}`));
      });
      req.end(bytes);
    });
  }
}

function httpError(status: number): EasError {
  if (status === 401) return new EasError('the server refused the user name or password (HTTP 401)', status);
  if (status === 404) return new EasError('no ActiveSync endpoint at this URL (HTTP 404): check --url', status);
  return new EasError(`the server answered HTTP ${status}`, status);
}
