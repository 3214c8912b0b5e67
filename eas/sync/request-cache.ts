// MS-ASCMD 2.2.1.21.1 Empty Sync Request and 2.2.3.131 Partial: the server keeps the last
// Sync request of each device so a request without a body (or with Partial) can reuse its
// collections, window sizes and Wait/HeartbeatInterval.
//
// Kept in memory, per store and device row, when one process holds the store (SQLite): after a
// restart an empty request answers Status 13 and the client sends a full one, which the spec
// allows. A store shared by nodes (PostgreSQL, Store.shared) keeps it instead, as JSON, so the
// device's empty Sync completes on whichever node it reaches: one upsert per full Sync there (the
// row left alone when the request is the same), one read per empty or Partial one. SQLite stays
// in memory: its one process sees every request, and a write per Sync would buy nothing. Client
// commands are never cached (they were applied once); SyncKeys are not either: the latest key
// handed out is read from the store when the cached request is used.

import type { Store } from '../../store/types.js';
import type { SyncCollectionRequest, SyncRequest } from './request.js';

export interface CachedSyncRequest {
  collections: SyncCollectionRequest[];
  wait: number | null;
  heartbeatInterval: number | null;
  windowSize: number | null;
}

export class SyncRequestCache {
  // Keyed by store so two servers in one process (tests) never share a device's entry.
  private readonly byStore = new WeakMap<Store, Map<number, CachedSyncRequest>>();

  async get(store: Store, deviceRowId: number): Promise<CachedSyncRequest | null> {
    if (store.shared) {
      const text = await store.shared.syncRequests.get(deviceRowId);
      // Unreadable (written by another version?): as if nothing were cached, Status 13, and the
      // client's full request replaces it.
      return text === null ? null : parseCached(text);
    }
    return this.byStore.get(store)?.get(deviceRowId) ?? null;
  }

  async set(store: Store, deviceRowId: number, request: CachedSyncRequest): Promise<void> {
    const kept: CachedSyncRequest = {
      ...request,
      collections: request.collections.map((c) => ({ ...c, commands: [], options: [] })),
    };
    if (store.shared) {
      await store.shared.syncRequests.set(deviceRowId, JSON.stringify({ v: 1, ...kept }));
      return;
    }
    let devices = this.byStore.get(store);
    if (!devices) {
      devices = new Map();
      this.byStore.set(store, devices);
    }
    devices.set(deviceRowId, kept);
  }
}

const nullable = (v: unknown, type: 'number' | 'string' | 'boolean'): boolean => v === null || typeof v === type;

/** A stored request, checked field by field: null when any is not what set() writes. */
export function parseCached(text: string): CachedSyncRequest | null {
  let p: unknown;
  try {
    p = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof p !== 'object' || p === null) return null;
  const { v, collections, wait, heartbeatInterval, windowSize } = p as Record<string, unknown>;
  if (v !== 1 || !Array.isArray(collections) || !nullable(wait, 'number') || !nullable(heartbeatInterval, 'number') || !nullable(windowSize, 'number')) {
    return null;
  }
  const out: SyncCollectionRequest[] = [];
  for (const c of collections as unknown[]) {
    if (typeof c !== 'object' || c === null) return null;
    const x = c as Record<string, unknown>;
    const supported = x['supported'];
    if (
      typeof x['syncKey'] !== 'string' || typeof x['collectionId'] !== 'string' || !nullable(x['folderId'], 'number') ||
      !nullable(x['className'], 'string') || !nullable(x['getChanges'], 'boolean') || typeof x['windowSize'] !== 'number' ||
      typeof x['deletesAsMoves'] !== 'boolean' || !nullable(x['error'], 'number') ||
      !(supported === null || (Array.isArray(supported) && supported.every((s) => typeof s === 'string')))
    ) {
      return null;
    }
    out.push({
      syncKey: x['syncKey'],
      collectionId: x['collectionId'],
      folderId: x['folderId'] as number | null,
      className: x['className'] as string | null,
      getChanges: x['getChanges'] as boolean | null,
      windowSize: x['windowSize'],
      deletesAsMoves: x['deletesAsMoves'],
      supported: supported as string[] | null,
      options: [],
      commands: [],
      error: x['error'] as number | null,
    });
  }
  return { collections: out, wait: wait as number | null, heartbeatInterval: heartbeatInterval as number | null, windowSize: windowSize as number | null };
}

/**
 * The request to run: the one sent, completed from the cache for an empty body (null) or a
 * Partial one. Null when it cannot be completed (Status 13).
 */
export function completeRequest(
  sent: SyncRequest | null,
  cached: CachedSyncRequest | null,
  latestKey: (folderId: number) => number | null,
): CachedSyncRequest | null {
  const fromCache = (c: SyncCollectionRequest): SyncCollectionRequest => {
    const key = c.folderId === null ? null : latestKey(c.folderId);
    return { ...c, syncKey: key === null ? c.syncKey : String(key) };
  };
  if (!sent) {
    if (!cached) return null;
    return { ...cached, collections: cached.collections.map(fromCache) };
  }
  if (!sent.partial) {
    return {
      collections: sent.collections ?? [],
      wait: sent.wait,
      heartbeatInterval: sent.heartbeatInterval,
      windowSize: sent.windowSize,
    };
  }
  if (!cached) return null;
  const named = new Set((sent.collections ?? []).map((c) => c.collectionId));
  const inherited = cached.collections.filter((c) => !named.has(c.collectionId)).map(fromCache);
  // Wait/HeartbeatInterval/WindowSize left out of a Partial request keep their cached values.
  const bothAbsent = sent.wait === null && sent.heartbeatInterval === null;
  return {
    collections: [...(sent.collections ?? []), ...inherited],
    wait: bothAbsent ? cached.wait : sent.wait,
    heartbeatInterval: bothAbsent ? cached.heartbeatInterval : sent.heartbeatInterval,
    windowSize: sent.windowSize ?? cached.windowSize,
  };
}
