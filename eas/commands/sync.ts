// MS-ASCMD 2.2.1.21 Sync (with 2.2.1.21.1/2 empty request and response, 2.2.3.131 Partial,
// 2.2.3.198 Wait / 2.2.3.88.2 HeartbeatInterval). The parts live in eas/sync/: request.ts
// parses, collection.ts resolves keys and computes, apply.ts applies client commands,
// render.ts writes the answer. This file puts them in order and hands a quiet Sync with Wait to
// the HTTP layer as a long poll, as Ping does (docs/push.md rules 7 and 11). Model: docs/sync.md.

import { el, type WbxmlElement } from '../wbxml/tree.js';
import { parseSyncRequest, SyncRequestError, type SyncRequest } from '../sync/request.js';
import { versionRefusal } from '../sync/version.js';
import { completeRequest, SyncRequestCache, type CachedSyncRequest } from '../sync/request-cache.js';
import { syncCollection, type CollectionOutcome, type SyncContext } from '../sync/collection.js';
import { renderCollection } from '../sync/render.js';
import { decideWait } from '../sync/wait.js';
import { SyncStatus } from '../sync/status.js';
import { pendingFolders } from '../push/pending.js';
import { atLeast } from '../protocol.js';
import type { CommandAnswer, CommandContext, CommandResult, CommandSpec } from './types.js';

export function createSyncCommand(cache: SyncRequestCache = new SyncRequestCache()): CommandSpec {
  return {
    name: 'Sync',
    handler: (ctx) => handleSync(ctx, cache),
    needsProvisioning: true,
    wbxmlBody: true,
  };
}

function statusOnly(status: number, extra: WbxmlElement[] = []): CommandAnswer {
  return { kind: 'wbxml', body: el('AirSync:Sync', [el('AirSync:Status', status), ...extra]) };
}

async function handleSync(ctx: CommandContext, cache: SyncRequestCache): Promise<CommandResult> {
  const { store } = ctx.deps;
  let sent: SyncRequest | null = null;
  if (ctx.request) {
    try {
      sent = parseSyncRequest(ctx.request);
    } catch (err) {
      if (err instanceof SyncRequestError) {
        ctx.deps.log.info('sync: malformed request', { device: ctx.device.deviceId, error: err.message });
        return statusOnly(err.status);
      }
      throw err;
    }
  }
  const refused = versionRefusal(ctx.version, sent);
  if (refused) {
    ctx.deps.log.info('sync: not at this version', { device: ctx.device.deviceId, error: refused });
    return statusOnly(SyncStatus.ProtocolError);
  }
  // Read only when the request inherits from it: a full Sync costs a shared store no read.
  const cached = !sent || sent.partial ? await cache.get(store, ctx.device.id) : null;
  // The latest keys of the cached collections an empty or Partial request inherits, read first:
  // completeRequest() is synchronous.
  const latestKeys = new Map<number, number | null>();
  if (cached && (!sent || sent.partial)) {
    for (const c of cached.collections) {
      if (c.folderId !== null) latestKeys.set(c.folderId, (await store.latestSyncState(ctx.device.id, c.folderId))?.syncKey ?? null);
    }
  }
  const request = completeRequest(sent, cached, (folderId) => latestKeys.get(folderId) ?? null);
  if (!request || request.collections.length === 0) return statusOnly(SyncStatus.IncompleteRequest);

  const wait = decideWait(request.wait, request.heartbeatInterval, ctx.deps.config.push);
  if (wait.kind === 'error') {
    return statusOnly(wait.status, wait.limit === null ? [] : [el('AirSync:Limit', wait.limit)]);
  }
  await cache.set(store, ctx.device.id, request);

  let outcomes = await computeAll(ctx, request);
  if (outcomes.some((o) => !o.quiet) || wait.kind !== 'park') return await answer(ctx, outcomes);

  // Nothing to say yet: park until an add lands in one of the collections (docs/push.md rule 7).
  await advanceQuiet(ctx, outcomes);
  const watched = outcomes.flatMap((o) => (o.watch ? [o.watch.folderId] : []));
  if (watched.length === 0) return { kind: 'empty' };
  return await longPoll(ctx, request, watched, wait.seconds);
}

/**
 * The quiet Sync as a long poll the HTTP layer holds (docs/push.md rule 11): once parked, what
 * stays reachable is the request as cached (collections, keys, options) and the account and
 * device rows the recomputation needs, not the command context, the decoded body or Koa's.
 */
async function longPoll(ctx: CommandContext, request: CachedSyncRequest, watched: number[], seconds: number): Promise<CommandResult> {
  const { deps, account, device, version } = ctx;
  const again: SyncContext = { deps, account, device, version };
  return {
    kind: 'long-poll',
    park: {
      kind: 'sync',
      account: { id: account.id, address: account.address },
      device: { id: device.id, deviceId: device.deviceId },
      folderIds: watched,
      heartbeatSeconds: seconds,
      pending: await pendingFolders(deps.store, account.id, device.id, watched),
    },
    render: async (outcome) => {
      // Expired with nothing pending, superseded, shut down, or the client is gone: an empty 200
      // (written only if the socket is still there), and no key moves.
      if (outcome.folderIds.length === 0 || outcome.reason === 'disconnect') return { kind: 'empty' };
      // Woken (or expired with changes pending): the same request, computed again. No client
      // command was in it (else it would not have been quiet), so nothing is applied twice.
      return await answer(again, await computeAll(again, request));
    },
    failed: (err) => {
      deps.log.error('sync: parking failed', { device: device.deviceId, error: String(err) });
      return statusOnly(SyncStatus.ServerError);
    },
  };
}

async function computeAll(ctx: SyncContext, request: CachedSyncRequest): Promise<CollectionOutcome[]> {
  const budget = { remaining: request.windowSize };
  const now = new Date();
  const out: CollectionOutcome[] = [];
  for (const collection of request.collections) {
    try {
      out.push(await syncCollection(ctx, collection, budget, now));
    } catch (err) {
      // A fault in one collection answers Status 5 there; the others still sync.
      ctx.deps.log.error('sync: collection failed', { collectionId: collection.collectionId, error: String(err) });
      out.push({
        result: {
          syncKey: collection.syncKey,
          collectionId: collection.collectionId,
          className: collection.className,
          status: SyncStatus.ServerError,
          moreAvailable: false,
          changes: [],
          outcomes: [],
          options: null,
          folder: null,
          itemClass: null,
        },
        save: null,
        quiet: false,
        advance: null,
        watch: null,
      });
    }
  }
  return out;
}

/**
 * 2.2.1.21.2: when nothing changed anywhere the answer is an empty 200 and no key moves;
 * never `<Sync><Collections/></Sync>` (docs/clients.md rule 17: iOS crashes on it). The empty
 * answer comes with the empty request (2.2.1.21.1), which exists from 12.1 on: an older client
 * (2.5, 12.0) is answered in full, each collection with its next key (docs/sync.md §11).
 */
async function answer(ctx: SyncContext, outcomes: CollectionOutcome[]): Promise<CommandAnswer> {
  if (outcomes.every((o) => o.quiet) && atLeast(ctx.version, '12.1')) {
    await advanceQuiet(ctx, outcomes);
    return { kind: 'empty' };
  }
  for (const o of outcomes) if (o.save) await ctx.deps.store.saveSyncState(o.save);
  const render = { store: ctx.deps.store, account: ctx.account, version: ctx.version, log: ctx.deps.log };
  return {
    kind: 'wbxml',
    body: el('AirSync:Sync', [el('AirSync:Collections', await Promise.all(outcomes.map(async (o) => await renderCollection(o.result, render))))]),
  };
}

/** Quiet collections keep their key but move its cursor past what the device need not hear. */
async function advanceQuiet(ctx: SyncContext, outcomes: CollectionOutcome[]): Promise<void> {
  for (const o of outcomes) if (o.advance) await ctx.deps.store.saveSyncState(o.advance);
}
