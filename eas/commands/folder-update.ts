// MS-ASCMD 2.2.1.7 FolderUpdate: renames and/or moves a user folder. Answers the new
// hierarchy SyncKey. Status values: 2.2.3.177.6 (a special folder is 2, the Recipient
// information folder 3).

import { FolderType, StoreError } from '../../store/types.js';
import { parseFolderId } from '../model/ids.js';
import { el } from '../wbxml/tree.js';
import type { CommandContext, CommandResult, CommandSpec } from './types.js';
import { hierarchyState, parseSyncKey, saveOwnChange } from './folder-state.js';

/** MS-ASCMD 2.2.3.177.6 Status (FolderUpdate). */
export const FolderUpdateStatus = {
  Success: 1,
  ExistsOrSpecial: 2,
  RecipientInfoFolder: 3,
  NotFound: 4,
  ParentNotFound: 5,
  ServerError: 6,
  InvalidSyncKey: 9,
  MalformedRequest: 10,
  UnknownError: 11,
} as const;

function fail(status: number): CommandResult {
  return { kind: 'wbxml', body: el('FolderHierarchy:FolderUpdate', [el('FolderHierarchy:Status', status)]) };
}

async function handler(ctx: CommandContext): Promise<CommandResult> {
  const { store } = ctx.deps;
  const req = ctx.request;
  if (!req || req.tag !== 'FolderHierarchy:FolderUpdate') return fail(FolderUpdateStatus.MalformedRequest);
  const keyText = req.textOf('FolderHierarchy:SyncKey');
  const serverIdText = req.textOf('FolderHierarchy:ServerId');
  const parentText = req.textOf('FolderHierarchy:ParentId');
  const name = req.textOf('FolderHierarchy:DisplayName')?.replace(/\0/g, '').trim();
  if (keyText === undefined || serverIdText === undefined || parentText === undefined || !name) {
    return fail(FolderUpdateStatus.MalformedRequest);
  }

  const key = parseSyncKey(keyText);
  const state = key === null ? null : hierarchyState(store, ctx.device.id, key);
  if (!state) return fail(FolderUpdateStatus.InvalidSyncKey);

  const folderId = parseFolderId(serverIdText);
  const folder = folderId === null ? null : store.getFolder(ctx.account.id, folderId);
  if (!folder) return fail(FolderUpdateStatus.NotFound);
  if (folder.type === FolderType.RecipientInfoCache) return fail(FolderUpdateStatus.RecipientInfoFolder);
  if (folder.system) return fail(FolderUpdateStatus.ExistsOrSpecial);

  let parentId: number | null = null;
  if (parentText.trim() !== '0') {
    parentId = parseFolderId(parentText);
    if (parentId === null || !store.getFolder(ctx.account.id, parentId)) return fail(FolderUpdateStatus.ParentNotFound);
  }

  try {
    const updated = store.updateFolder(ctx.account.id, folder.id, parentId, name, ctx.device.id);
    const syncKey = saveOwnChange(store, state, { folders: [updated] });
    return {
      kind: 'wbxml',
      body: el('FolderHierarchy:FolderUpdate', [
        el('FolderHierarchy:Status', FolderUpdateStatus.Success),
        el('FolderHierarchy:SyncKey', String(syncKey)),
      ]),
    };
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    switch (err.code) {
      case 'folder-exists':
      case 'system-folder':
        return fail(FolderUpdateStatus.ExistsOrSpecial);
      case 'no-such-folder':
        return fail(FolderUpdateStatus.NotFound);
      case 'bad-parent':
        // A missing parent, or the folder's own subtree (which would cut it off the tree).
        return fail(FolderUpdateStatus.ParentNotFound);
      case 'invalid-folder':
        return fail(FolderUpdateStatus.MalformedRequest);
      default:
        throw err;
    }
  }
}

export const folderUpdate: CommandSpec = {
  name: 'FolderUpdate',
  handler,
  needsProvisioning: true,
  wbxmlBody: true,
};
