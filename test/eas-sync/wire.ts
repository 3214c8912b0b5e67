// Builds Sync/GetItemEstimate/MoveItems requests as a phone would and reads the answers back
// into plain values, so tests assert on what a user's phone would show.

import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';

export interface CollectionSpec {
  syncKey: string;
  collectionId: string;
  windowSize?: number;
  getChanges?: boolean;
  deletesAsMoves?: boolean;
  options?: WbxmlElement[];
  commands?: WbxmlElement[];
}

export function bodyPreference(type: number, truncationSize?: number): WbxmlElement {
  return el('AirSyncBase:BodyPreference', [
    el('AirSyncBase:Type', type),
    truncationSize !== undefined && el('AirSyncBase:TruncationSize', truncationSize),
  ]);
}

export function options(filterType: number, ...prefs: WbxmlElement[]): WbxmlElement {
  return el('AirSync:Options', [el('AirSync:FilterType', filterType), ...prefs]);
}

export function syncRequest(
  collections: CollectionSpec[],
  extra: { wait?: number; heartbeatInterval?: number; windowSize?: number; partial?: boolean } = {},
): WbxmlElement {
  return el('AirSync:Sync', [
    el(
      'AirSync:Collections',
      collections.map((c) =>
        el('AirSync:Collection', [
          el('AirSync:SyncKey', c.syncKey),
          el('AirSync:CollectionId', c.collectionId),
          c.deletesAsMoves !== undefined && el('AirSync:DeletesAsMoves', c.deletesAsMoves ? '1' : '0'),
          c.getChanges !== undefined && el('AirSync:GetChanges', c.getChanges ? '1' : '0'),
          c.windowSize !== undefined && el('AirSync:WindowSize', c.windowSize),
          ...(c.options ?? []),
          c.commands && el('AirSync:Commands', c.commands),
        ]),
      ),
    ),
    extra.wait !== undefined && el('AirSync:Wait', extra.wait),
    extra.heartbeatInterval !== undefined && el('AirSync:HeartbeatInterval', extra.heartbeatInterval),
    extra.windowSize !== undefined && el('AirSync:WindowSize', extra.windowSize),
    extra.partial && el('AirSync:Partial'),
  ]);
}

export const cmd = {
  change: (serverId: string, appData: WbxmlElement[]) =>
    el('AirSync:Change', [el('AirSync:ServerId', serverId), el('AirSync:ApplicationData', appData)]),
  delete: (serverId: string) => el('AirSync:Delete', [el('AirSync:ServerId', serverId)]),
  fetch: (serverId: string) => el('AirSync:Fetch', [el('AirSync:ServerId', serverId)]),
  add: (clientId: string, appData: WbxmlElement[]) =>
    el('AirSync:Add', [el('AirSync:ClientId', clientId), el('AirSync:ApplicationData', appData)]),
};

export interface SyncedItem {
  serverId: string;
  data: WbxmlElement | undefined;
}

export interface SyncedCollection {
  syncKey: string;
  collectionId: string;
  status: number;
  moreAvailable: boolean;
  /** Element names inside Collection, in order (to check MoreAvailable's place). */
  order: string[];
  adds: SyncedItem[];
  changes: SyncedItem[];
  deletes: string[];
  softDeletes: string[];
  responses: WbxmlElement[];
  hasResponsesElement: boolean;
}

export function collectionsOf(body: WbxmlElement | null): SyncedCollection[] {
  if (!body) return [];
  return (body.child('Collections')?.all('Collection') ?? []).map((c) => {
    const commands = c.child('Commands')?.children ?? [];
    const item = (e: WbxmlElement): SyncedItem => ({ serverId: e.textOf('ServerId') ?? '', data: e.child('ApplicationData') });
    return {
      syncKey: c.textOf('SyncKey') ?? '',
      collectionId: c.textOf('CollectionId') ?? '',
      status: c.intOf('Status') ?? NaN,
      moreAvailable: c.has('MoreAvailable'),
      order: c.children.map((x) => x.name),
      adds: commands.filter((e) => e.name === 'Add').map(item),
      changes: commands.filter((e) => e.name === 'Change').map(item),
      deletes: commands.filter((e) => e.name === 'Delete').map((e) => e.textOf('ServerId') ?? ''),
      softDeletes: commands.filter((e) => e.name === 'SoftDelete').map((e) => e.textOf('ServerId') ?? ''),
      responses: c.child('Responses')?.children ?? [],
      hasResponsesElement: c.has('Responses'),
    };
  });
}

export function onlyCollection(body: WbxmlElement | null): SyncedCollection {
  const all = collectionsOf(body);
  if (all.length !== 1) throw new Error(`expected one collection, got ${all.length}`);
  return all[0]!;
}

export function bodyData(appData: WbxmlElement | undefined): { type: number; data: string } | null {
  const body = appData?.child('AirSyncBase:Body');
  if (!body) return null;
  return { type: body.intOf('AirSyncBase:Type') ?? NaN, data: body.textOf('AirSyncBase:Data') ?? '' };
}

export function estimateRequest(collections: { syncKey: string; collectionId: string }[]): WbxmlElement {
  return el('GetItemEstimate:GetItemEstimate', [
    el(
      'GetItemEstimate:Collections',
      collections.map((c) =>
        el('GetItemEstimate:Collection', [
          el('AirSync:SyncKey', c.syncKey),
          el('GetItemEstimate:CollectionId', c.collectionId),
        ]),
      ),
    ),
  ]);
}

export function estimatesOf(body: WbxmlElement | null): { status: number; collectionId: string; estimate: number | null }[] {
  return (body?.all('Response') ?? []).map((r) => ({
    status: r.intOf('Status') ?? NaN,
    collectionId: r.child('Collection')?.textOf('CollectionId') ?? '',
    estimate: r.child('Collection')?.intOf('Estimate') ?? null,
  }));
}

export function moveRequest(moves: { src: string; srcFolder: string; dstFolder: string }[]): WbxmlElement {
  return el(
    'Move:MoveItems',
    moves.map((m) =>
      el('Move:Move', [el('Move:SrcMsgId', m.src), el('Move:SrcFldId', m.srcFolder), el('Move:DstFldId', m.dstFolder)]),
    ),
  );
}

export function movesOf(body: WbxmlElement | null): { src: string; status: number; dst: string | null }[] {
  return (body?.all('Response') ?? []).map((r) => ({
    src: r.textOf('SrcMsgId') ?? '',
    status: r.intOf('Status') ?? NaN,
    dst: r.textOf('DstMsgId') ?? null,
  }));
}
