// MS-ASCMD 2.2.1.21.1 Empty Sync Request and 2.2.3.131 Partial: the server keeps the last
// Sync request of each device so a request without a body (or with Partial) can reuse its
// collections, window sizes and Wait/HeartbeatInterval.
//
// Kept in memory, per store and device row: after a restart an empty request answers
// Status 13 and the client sends a full one, which the spec allows. Client commands are
// never cached (they were applied once); SyncKeys are not either: the latest key handed out
// is read from the store when the cached request is used.

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

  get(store: Store, deviceRowId: number): CachedSyncRequest | null {
    return this.byStore.get(store)?.get(deviceRowId) ?? null;
  }

  set(store: Store, deviceRowId: number, request: CachedSyncRequest): void {
    let devices = this.byStore.get(store);
    if (!devices) {
      devices = new Map();
      this.byStore.set(store, devices);
    }
    devices.set(deviceRowId, {
      ...request,
      collections: request.collections.map((c) => ({ ...c, commands: [], options: [] })),
    });
  }

  delete(store: Store, deviceRowId: number): void {
    this.byStore.get(store)?.delete(deviceRowId);
  }
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
