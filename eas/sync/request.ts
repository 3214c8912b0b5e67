// MS-ASCMD 2.2.1.21 Sync: the request, decoded from the WBXML tree into a typed value.
// Parsing is lenient about order (12.1 clients put Class first, Nine puts Options after
// WindowSize) and strict about content: a missing SyncKey/CollectionId or a non-number where
// a number belongs is a protocol error (Status 4), never an exception that becomes a 500.

import type { WbxmlElement } from '../wbxml/tree.js';
import { parseFolderId } from '../model/ids.js';
import { SyncStatus } from './status.js';

/** docs/clients.md rule 20: 0 or more than 512 means 512; missing means 100. */
export const MAX_WINDOW_SIZE = 512;
export const DEFAULT_WINDOW_SIZE = 100;

export type ClientCommand =
  /** `send`: MS-ASEMAIL 2.2.2.69 email2:Send, a child of Add and Change (16.x): send the draft. */
  | { kind: 'add'; clientId: string; className: string | null; appData: WbxmlElement | null; send?: boolean }
  /** instanceId: MS-ASAIRS 2.2.2.25 (16.x), one occurrence of a recurring item; null for the item. */
  | { kind: 'change'; serverId: string; instanceId: string | null; appData: WbxmlElement | null; send?: boolean }
  | { kind: 'delete'; serverId: string; instanceId: string | null }
  | { kind: 'fetch'; serverId: string };

export interface SyncCollectionRequest {
  /** As sent: the response echoes it, the state lookup parses it. */
  syncKey: string;
  collectionId: string;
  /** Null when CollectionId is not one of our folder ids (Status 12). */
  folderId: number | null;
  /** 2.5 to 12.1 send Class ("Email"), first in the Collection; echoed in the answer below 14.0. */
  className: string | null;
  /** Null when absent: then it is false at SyncKey 0 and true otherwise (2.2.3.84). */
  getChanges: boolean | null;
  /** Normalised per docs/clients.md rule 20. */
  windowSize: number;
  /** Default true: deletes move to Deleted Items (2.2.3.43). */
  deletesAsMoves: boolean;
  /** MS-ASCMD 2.2.3.168 Supported (SyncKey 0 only): the qualified tags listed; null when absent. */
  supported: string[] | null;
  /** The Options blocks as sent (0..2); empty means "the sticky options of the state". */
  options: WbxmlElement[];
  commands: ClientCommand[];
  /** A malformed collection answers this Status on its own; the others still sync. */
  error: number | null;
}

export interface SyncRequest {
  /** Null when the request has no Collections element (Partial, or Wait-only). */
  collections: SyncCollectionRequest[] | null;
  /** Minutes (2.2.3.198). */
  wait: number | null;
  /** Seconds (2.2.3.88.2). */
  heartbeatInterval: number | null;
  /** 14.0+: the most changes in the whole response; null = no overall limit. */
  windowSize: number | null;
  partial: boolean;
}

/** The whole request is unusable: answer `<Sync><Status>n</Status></Sync>`. */
export class SyncRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'SyncRequestError';
    this.status = status;
  }
}

export function normalizeWindowSize(value: number | undefined): number {
  if (value === undefined) return DEFAULT_WINDOW_SIZE;
  if (value === 0 || value > MAX_WINDOW_SIZE) return MAX_WINDOW_SIZE;
  return value;
}

/** An empty tag or "1" is true, "0" false (MS-ASDTYPE boolean); anything else is malformed. */
function booleanOf(parent: WbxmlElement, name: string): boolean | null | 'invalid' {
  const t = parent.textOf(name);
  if (t === undefined) return null;
  const s = t.trim();
  if (s === '' || s === '1') return true;
  if (s === '0') return false;
  return 'invalid';
}

function intOrError(parent: WbxmlElement, name: string): number | undefined {
  const n = parent.intOf(name);
  if (n !== undefined && (Number.isNaN(n) || n < 0)) {
    throw new SyncRequestError(SyncStatus.ProtocolError, `${name} is not a non-negative integer`);
  }
  return n;
}

export function parseSyncRequest(root: WbxmlElement): SyncRequest {
  if (root.tag !== 'AirSync:Sync') {
    throw new SyncRequestError(SyncStatus.ProtocolError, `expected AirSync:Sync, got ${root.tag}`);
  }
  const wait = intOrError(root, 'AirSync:Wait');
  const heartbeat = intOrError(root, 'AirSync:HeartbeatInterval');
  const globalWindow = intOrError(root, 'AirSync:WindowSize');
  const collectionsEl = root.child('AirSync:Collections');
  const partial = root.has('AirSync:Partial');

  let collections: SyncCollectionRequest[] | null = null;
  if (collectionsEl) {
    collections = collectionsEl.all('AirSync:Collection').map(parseCollection);
    const seen = new Set<string>();
    for (const c of collections) {
      if (seen.has(c.collectionId)) {
        throw new SyncRequestError(SyncStatus.ProtocolError, `collection ${c.collectionId} appears twice`);
      }
      seen.add(c.collectionId);
    }
  }
  // 2.2.3.131: a request needs at least Partial or Collections.
  if (!collections && !partial) {
    throw new SyncRequestError(SyncStatus.ProtocolError, 'Sync request without Collections or Partial');
  }
  return {
    collections,
    wait: wait ?? null,
    heartbeatInterval: heartbeat ?? null,
    windowSize: globalWindow === undefined ? null : normalizeWindowSize(globalWindow),
    partial,
  };
}

function parseCollection(c: WbxmlElement): SyncCollectionRequest {
  const syncKey = c.textOf('AirSync:SyncKey');
  const collectionId = c.textOf('AirSync:CollectionId');
  if (syncKey === undefined || collectionId === undefined) {
    // Without them no per-collection answer can be rendered: the whole request is malformed.
    throw new SyncRequestError(SyncStatus.ProtocolError, 'Collection without SyncKey or CollectionId');
  }
  const out: SyncCollectionRequest = {
    syncKey: syncKey.trim(),
    collectionId: collectionId.trim(),
    folderId: parseFolderId(collectionId),
    className: c.textOf('AirSync:Class')?.trim() ?? null,
    getChanges: null,
    windowSize: DEFAULT_WINDOW_SIZE,
    deletesAsMoves: true,
    supported: c.child('AirSync:Supported')?.children.map((e) => e.tag) ?? null,
    options: c.all('AirSync:Options'),
    commands: [],
    error: null,
  };
  const protocolError = (): SyncCollectionRequest => ({ ...out, commands: [], error: SyncStatus.ProtocolError });

  const getChanges = booleanOf(c, 'AirSync:GetChanges');
  const deletesAsMoves = booleanOf(c, 'AirSync:DeletesAsMoves');
  if (getChanges === 'invalid' || deletesAsMoves === 'invalid') return protocolError();
  out.getChanges = getChanges;
  out.deletesAsMoves = deletesAsMoves ?? true;

  const window = c.intOf('AirSync:WindowSize');
  if (window !== undefined && (Number.isNaN(window) || window < 0)) return protocolError();
  out.windowSize = normalizeWindowSize(window);
  if (out.options.length > 2) return protocolError();

  const commandsEl = c.child('AirSync:Commands');
  if (commandsEl) {
    for (const cmd of commandsEl.children) {
      const parsed = parseCommand(cmd);
      if (!parsed) return protocolError();
      out.commands.push(parsed);
    }
  }
  return out;
}

function parseCommand(cmd: WbxmlElement): ClientCommand | null {
  if (cmd.ns !== 'AirSync') return null;
  const appData = cmd.child('AirSync:ApplicationData') ?? null;
  const serverId = cmd.textOf('AirSync:ServerId')?.trim();
  const instanceId = cmd.textOf('AirSyncBase:InstanceId')?.trim() || null;
  switch (cmd.name) {
    case 'Add': {
      const clientId = cmd.textOf('AirSync:ClientId')?.trim();
      if (!clientId) return null;
      return { kind: 'add', clientId, className: cmd.textOf('AirSync:Class')?.trim() ?? null, appData, send: cmd.has('Email2:Send') };
    }
    // An empty <ServerId/> (BlackBerry) is kept: it answers Status 8 like any unknown id.
    case 'Change':
      return serverId !== undefined ? { kind: 'change', serverId, instanceId, appData, send: cmd.has('Email2:Send') } : null;
    case 'Delete':
      return serverId !== undefined ? { kind: 'delete', serverId, instanceId } : null;
    case 'Fetch':
      return serverId !== undefined ? { kind: 'fetch', serverId } : null;
    default:
      return null;
  }
}
