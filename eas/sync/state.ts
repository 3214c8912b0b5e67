// docs/sync.md §3 (retries): which state a SyncKey names, and what a state records.
// A state row is N (latest) or N-1 (kept for a retry). Its `replay` column holds this
// module's record: the client-command outcomes of the request that produced the key (so a
// retry answers them again without applying anything twice). The sticky Options have rows of
// their own (docs/sync.md §8); records written before them still carry `options`, read once.

import type { Store, SyncState } from '../../store/types.js';
import type { ItemOptions } from '../model/options.js';
import type { AddedAttachment } from '../classes/types.js';

/** What happened to one client command; rendered into <Responses> now and on every retry. */
export type Outcome =
  /** `attachments`: what a 16.x draft Add or Change added, answered by FileReference (MS-ASAIRS 2.2.2.7). */
  | { op: 'add'; clientId: string; serverId: string | null; status: number; attachments?: AddedAttachment[] }
  | { op: 'change'; serverId: string; status: number; instanceId?: string | null; attachments?: AddedAttachment[] }
  | { op: 'delete'; serverId: string; status: number; instanceId?: string | null }
  /** Fetch changes nothing: it is answered again from the store on a retry. */
  | { op: 'fetch'; serverId: string };

export interface StateRecord {
  v: 1;
  /** Legacy: the Options of records written before store/sync-options.ts; always null now. */
  options: ItemOptions | null;
  outcomes: Outcome[];
  /**
   * MS-ASCMD 2.2.3.168 Supported, as sent at SyncKey 0 (qualified tags): carried by every later
   * key of the relationship; absent/null when the client sent none.
   */
  supported?: string[] | null;
}

export const EMPTY_RECORD: StateRecord = { v: 1, options: null, outcomes: [] };

export function encodeRecord(record: StateRecord): string {
  return JSON.stringify(record);
}

/** Lenient: a row written by an older version (or damaged) reads as "nothing recorded". */
export function decodeRecord(replay: string | null): StateRecord {
  if (!replay) return EMPTY_RECORD;
  try {
    const parsed = JSON.parse(replay) as Partial<StateRecord> | null;
    if (!parsed || parsed.v !== 1) return EMPTY_RECORD;
    return {
      v: 1,
      options: parsed.options ?? null,
      outcomes: Array.isArray(parsed.outcomes) ? parsed.outcomes : [],
      supported: Array.isArray(parsed.supported) ? parsed.supported : null,
    };
  } catch {
    return EMPTY_RECORD;
  }
}

export type KeyResolution =
  /** SyncKey 0: start over. Keys keep rising across resets so a stale key never matches. */
  | { kind: 'initial'; nextKey: number }
  /** The latest key N: apply the client's commands, answer N+1. */
  | { kind: 'current'; state: SyncState; record: StateRecord; nextKey: number }
  /**
   * N-1: the client never got answer N. Replay N's outcomes, recompute changes from N-1's
   * cursor, and answer with key N again.
   */
  | { kind: 'retry'; state: SyncState; record: StateRecord; answered: StateRecord; nextKey: number }
  /** Anything else: Status 3. */
  | { kind: 'invalid' };

const KEY = /^\d{1,15}$/;

export async function resolveSyncKey(store: Store, deviceRowId: number, folderId: number, syncKey: string): Promise<KeyResolution> {
  if (!KEY.test(syncKey)) return { kind: 'invalid' };
  const key = Number(syncKey);
  const latest = await store.latestSyncState(deviceRowId, folderId);
  if (key === 0) return { kind: 'initial', nextKey: (latest?.syncKey ?? 0) + 1 };
  if (!latest) return { kind: 'invalid' };
  const state = latest.syncKey === key ? latest : await store.getSyncState(deviceRowId, folderId, key);
  // Only N and N-1 are answerable; an older row the store has not dropped yet is not.
  if (!state || (state.syncKey !== latest.syncKey && latest.syncKey !== key + 1)) return { kind: 'invalid' };
  if (state.syncKey === latest.syncKey) {
    return { kind: 'current', state, record: decodeRecord(state.replay), nextKey: key + 1 };
  }
  return {
    kind: 'retry',
    state,
    record: decodeRecord(state.replay),
    answered: decodeRecord(latest.replay),
    nextKey: latest.syncKey,
  };
}
