// MS-ASCMD 2.2.1.5 FolderSync: SyncKey 0 is the whole hierarchy; later keys get the Adds,
// Updates and Deletes since. ServerIds are folder ids: stable and unique, also across a
// repeated SyncKey 0 (Gmail's client sends one on pull-to-refresh), so item state survives it.
// Status values: 2.2.3.177.5.

import { el, type WbxmlElement } from '../wbxml/tree.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';
import {
  HIERARCHY_COLLECTION,
  folderElement,
  folderServerId,
  hierarchyState,
  parseSyncKey,
  pendingChanges,
  saveDelivered,
  type FolderDelta,
} from '../folders/hierarchy-state.js';
import { FolderStatus, commandRequest, statusAnswer, successAnswer } from '../folders/command-frame.js';

/** MS-ASCMD 2.2.3.177.5 Status (FolderSync): only the values every folder command has. */
export const FolderSyncStatus = FolderStatus;

const statusOnly = (status: number): CommandResult => statusAnswer('FolderSync', status);

/**
 * MS-ASCMD 6.15 (FolderSyncResponse.xsd): Changes is an xs:sequence of Count, then every
 * Update, then every Delete, then every Add; a strict client rejects any other order.
 */
function changesElement(delta: Omit<FolderDelta, 'head'>): WbxmlElement {
  const entries: WbxmlElement[] = [
    ...delta.changed.map((f) => folderElement('FolderHierarchy:Update', f)),
    ...delta.deleted.map((id) => el('FolderHierarchy:Delete', [el('FolderHierarchy:ServerId', folderServerId(id))])),
    ...delta.added.map((f) => folderElement('FolderHierarchy:Add', f)),
  ];
  return el('FolderHierarchy:Changes', [el('FolderHierarchy:Count', entries.length), ...entries]);
}

function answer(syncKey: number, delta: Omit<FolderDelta, 'head'>): CommandResult {
  return successAnswer('FolderSync', syncKey, changesElement(delta));
}

async function handler(ctx: CommandContext): Promise<CommandResult> {
  const { store } = ctx.deps;
  const request = commandRequest(ctx, 'FolderSync');
  if (!request) return statusOnly(FolderSyncStatus.MalformedRequest);
  const key = parseSyncKey(request.keyText);
  if (key === null) return statusOnly(FolderSyncStatus.InvalidSyncKey);

  if (key === 0) {
    // Full hierarchy, parents before children. Item sync states are left alone on purpose.
    await store.resetSyncState(ctx.device.id, HIERARCHY_COLLECTION);
    const all = await store.folderChanges(ctx.account.id, 0);
    await saveDelivered(store, ctx.device.id, 1, all.head);
    return answer(1, { added: all.added, changed: [], deleted: [] });
  }

  const state = await hierarchyState(store, ctx.device.id, key);
  if (!state) return statusOnly(FolderSyncStatus.InvalidSyncKey);
  const delta = await pendingChanges(store, ctx.account.id, state);
  const count = delta.added.length + delta.changed.length + delta.deleted.length;
  if (count === 0) {
    // Nothing new for the hierarchy (mail may have moved the account's modseq): the same key
    // again, so polling clients do not churn states.
    return answer(key, delta);
  }
  await saveDelivered(store, ctx.device.id, key + 1, delta.head);
  return answer(key + 1, delta);
}

export const folderSync = commandSpec('FolderSync', handler);
