// The folder hierarchy's sync state (MS-ASCMD 2.2.3.181.4 SyncKey of FolderSync, shared by
// FolderCreate/FolderUpdate/FolderDelete). One SyncState row per key with collectionId 0; the
// store keeps N and N-1 so a retried FolderSync gets a consistent answer.
//
// The cursor is the account modseq the device has seen. A device's own FolderCreate/Update/
// Delete must not come back to it as a change, yet other devices' changes made before it must
// still arrive; so the new key keeps the old cursor and remembers ("skip") which folder versions
// the device already has. That memo lives in the state's `replay` JSON.

import type { Folder, Store, SyncState } from '../../store/types.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';

export const HIERARCHY_COLLECTION = 0;

/** What the device already knows beyond its cursor. */
interface HierarchyMemo {
  /** folder id → modseq of the version the device made itself. */
  skip: Record<string, number>;
  /** folders the device deleted itself. */
  gone: number[];
}

export interface FolderDelta {
  added: Folder[];
  changed: Folder[];
  deleted: number[];
  head: number;
}

/** A SyncKey as the client sent it: a non-negative decimal, else null (Status 9). */
export function parseSyncKey(text: string | undefined): number | null {
  if (text === undefined) return null;
  const s = text.trim();
  if (!/^\d{1,15}$/.test(s)) return null;
  return Number(s);
}

function memoOf(state: SyncState): HierarchyMemo {
  if (!state.replay) return { skip: {}, gone: [] };
  try {
    const m = JSON.parse(state.replay) as Partial<HierarchyMemo>;
    return { skip: m.skip ?? {}, gone: m.gone ?? [] };
  } catch {
    return { skip: {}, gone: [] };
  }
}

/** The state of key `syncKey` (> 0) for the device, or null when unknown (Status 9). */
export async function hierarchyState(store: Store, deviceRowId: number, syncKey: number): Promise<SyncState | null> {
  if (syncKey <= 0) return null;
  return await store.getSyncState(deviceRowId, HIERARCHY_COLLECTION, syncKey);
}

/** Changes since the state's cursor that the device does not already have. */
export async function pendingChanges(store: Store, accountId: number, state: SyncState): Promise<FolderDelta> {
  const memo = memoOf(state);
  const ch = await store.folderChanges(accountId, state.cursor.modseq);
  const known = (f: Folder) => {
    const v = memo.skip[String(f.id)];
    return v !== undefined && v >= f.modseq;
  };
  // A folder the device created itself and someone changed since is an Update to it, never
  // a second Add (Android wipes every mailbox on a duplicate folder).
  const ownAdds = ch.added.filter((f) => memo.skip[String(f.id)] !== undefined);
  return {
    added: ch.added.filter((f) => memo.skip[String(f.id)] === undefined),
    changed: [...ch.changed, ...ownAdds].filter((f) => !known(f)),
    deleted: ch.deleted.filter((id) => !memo.gone.includes(id)),
    head: ch.head,
  };
}

/** Saves key `syncKey` at `head`, everything before it delivered. */
export async function saveDelivered(store: Store, deviceRowId: number, syncKey: number, head: number): Promise<void> {
  await store.saveSyncState({
    deviceRowId,
    collectionId: HIERARCHY_COLLECTION,
    syncKey,
    cursor: { modseq: head, itemId: 0 },
    filterType: 0,
    replay: null,
  });
}

/**
 * After the device changed the hierarchy itself: the next key keeps the old cursor and adds
 * the device's own change to the memo. Returns the new SyncKey.
 */
export async function saveOwnChange(
  store: Store,
  state: SyncState,
  change: { folders?: Folder[]; gone?: number[] },
): Promise<number> {
  const memo = memoOf(state);
  for (const f of change.folders ?? []) memo.skip[String(f.id)] = f.modseq;
  for (const id of change.gone ?? []) {
    memo.gone.push(id);
    delete memo.skip[String(id)];
  }
  const next = state.syncKey + 1;
  await store.saveSyncState({ ...state, syncKey: next, replay: JSON.stringify(memo) });
  return next;
}

/** ServerId / ParentId as FolderSync writes them: the folder id; top level is "0". */
export function folderServerId(id: number): string {
  return String(id);
}

export function parentIdOf(f: Folder): string {
  return f.parentId === null ? '0' : String(f.parentId);
}

export function folderElement(tag: 'FolderHierarchy:Add' | 'FolderHierarchy:Update', f: Folder): WbxmlElement {
  return el(tag, [
    el('FolderHierarchy:ServerId', folderServerId(f.id)),
    el('FolderHierarchy:ParentId', parentIdOf(f)),
    el('FolderHierarchy:DisplayName', f.name),
    el('FolderHierarchy:Type', f.type),
  ]);
}

/** The ids of a folder and all its live descendants (what a delete takes with it). */
export function subtreeIds(folders: Folder[], rootId: number): number[] {
  const out = [rootId];
  for (let i = 0; i < out.length; i++) {
    for (const f of folders) if (f.parentId === out[i]) out.push(f.id);
  }
  return out;
}
