// A phone's first full Sync of one folder, as the benchmarks measure it: FolderSync, Sync
// SyncKey 0, then pages of WindowSize items with the given Options until MoreAvailable is gone.
// "seconds" is the phone's view (including decoding the answers in this process); "waitingMs"
// sums request-sent to last-byte-received, the server's share.

import { performance } from 'node:perf_hooks';
import { el, type WbxmlElement } from '../eas/wbxml/tree.js';
import type { BenchEasClient } from './eas-client.js';

export interface FolderSyncResult {
  seconds: number;
  requests: number;
  items: number;
  wbxmlBytes: number;
  waitingMs: number;
  slowestMs: number;
}

function syncRequest(syncKey: string, collectionId: string, windowSize: number | undefined, options: WbxmlElement): WbxmlElement {
  const first = syncKey === '0';
  return el('AirSync:Sync', [
    el('AirSync:Collections', [
      el('AirSync:Collection', [
        el('AirSync:SyncKey', syncKey),
        el('AirSync:CollectionId', collectionId),
        !first && el('AirSync:DeletesAsMoves', '1'),
        !first && el('AirSync:GetChanges', '1'),
        windowSize !== undefined && el('AirSync:WindowSize', windowSize),
        !first && options,
      ]),
    ]),
  ]);
}

export async function syncFolderFromZero(
  phone: BenchEasClient,
  spec: { folderType: number; windowSize: number; options: WbxmlElement },
): Promise<FolderSyncResult> {
  let requests = 0;
  let wbxmlBytes = 0;
  let waitingMs = 0;
  let slowestMs = 0;
  const post = async (cmd: string, req: WbxmlElement): Promise<WbxmlElement | null> => {
    const res = await phone.post(cmd, req);
    slowestMs = Math.max(slowestMs, res.ms);
    waitingMs += res.ms;
    requests++;
    wbxmlBytes += res.wbxmlBytes;
    if (res.status !== 200) throw new Error(`${cmd} answered HTTP ${res.status}`);
    return res.body;
  };
  const collection = (body: WbxmlElement | null): WbxmlElement => {
    const c = body?.path('Collections', 'Collection');
    if (!c) throw new Error('Sync answered without a collection');
    const status = c.intOf('Status');
    if (status !== 1) throw new Error(`Sync collection Status ${status}`);
    return c;
  };

  const t0 = performance.now();
  const hierarchy = await post('FolderSync', el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', '0')]));
  const folder = hierarchy
    ?.path('Changes')
    ?.all('Add')
    .find((f) => f.intOf('Type') === spec.folderType)
    ?.textOf('ServerId');
  if (!folder) throw new Error(`FolderSync listed no folder of type ${spec.folderType}`);
  let syncKey = collection(await post('Sync', syncRequest('0', folder, undefined, spec.options))).textOf('SyncKey') ?? '';
  let items = 0;
  for (;;) {
    const c = collection(await post('Sync', syncRequest(syncKey, folder, spec.windowSize, spec.options)));
    syncKey = c.textOf('SyncKey') ?? '';
    items += c.child('Commands')?.all('Add').length ?? 0;
    if (!c.has('MoreAvailable')) break;
  }
  return { seconds: (performance.now() - t0) / 1000, requests, items, wbxmlBytes, waitingMs, slowestMs };
}

/** The table cells after the first column: items, requests, seconds, waiting s, items/s, slowest ms, WBXML MB, server CPU s. */
export function folderSyncCells(res: FolderSyncResult, serverCpuMs: number): string[] {
  return [
    String(res.items),
    String(res.requests),
    res.seconds.toFixed(2),
    (res.waitingMs / 1000).toFixed(2),
    (res.items / res.seconds).toFixed(0),
    res.slowestMs.toFixed(0),
    (res.wbxmlBytes / 1e6).toFixed(1),
    (serverCpuMs / 1000).toFixed(2),
  ];
}
