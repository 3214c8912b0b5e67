// MS-ASCMD 2.2.1.4 FolderDelete: deletes a user folder with its subfolders and items.
// Answers the new hierarchy SyncKey. Status values: 2.2.3.177.4.

import { StoreError } from '../../store/types.js';
import { parseFolderId } from '../model/ids.js';
import { el } from '../wbxml/tree.js';
import type { CommandContext, CommandResult, CommandSpec } from './types.js';
import { hierarchyState, parseSyncKey, saveOwnChange, subtreeIds } from './folder-state.js';

/** MS-ASCMD 2.2.3.177.4 Status (FolderDelete). */
export const FolderDeleteStatus = {
  Success: 1,
  SpecialFolder: 3,
  NotFound: 4,
  ServerError: 6,
  InvalidSyncKey: 9,
  MalformedRequest: 10,
  UnknownError: 11,
} as const;

function fail(status: number): CommandResult {
  return { kind: 'wbxml', body: el('FolderHierarchy:FolderDelete', [el('FolderHierarchy:Status', status)]) };
}

async function handler(ctx: CommandContext): Promise<CommandResult> {
  const { store } = ctx.deps;
  const req = ctx.request;
  if (!req || req.tag !== 'FolderHierarchy:FolderDelete') return fail(FolderDeleteStatus.MalformedRequest);
  const keyText = req.textOf('FolderHierarchy:SyncKey');
  const serverIdText = req.textOf('FolderHierarchy:ServerId');
  if (keyText === undefined || serverIdText === undefined) return fail(FolderDeleteStatus.MalformedRequest);

  const key = parseSyncKey(keyText);
  const state = key === null ? null : hierarchyState(store, ctx.device.id, key);
  if (!state) return fail(FolderDeleteStatus.InvalidSyncKey);

  const folderId = parseFolderId(serverIdText);
  const folder = folderId === null ? null : store.getFolder(ctx.account.id, folderId);
  if (!folder) return fail(FolderDeleteStatus.NotFound);
  if (folder.system) return fail(FolderDeleteStatus.SpecialFolder);

  // The device drops the subfolders with the folder, so none of them is news to it.
  const gone = subtreeIds(store.listFolders(ctx.account.id), folder.id);
  try {
    store.deleteFolder(ctx.account.id, folder.id, ctx.device.id);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    if (err.code === 'no-such-folder') return fail(FolderDeleteStatus.NotFound);
    if (err.code === 'system-folder') return fail(FolderDeleteStatus.SpecialFolder);
    throw err;
  }
  const syncKey = saveOwnChange(store, state, { gone });
  return {
    kind: 'wbxml',
    body: el('FolderHierarchy:FolderDelete', [
      el('FolderHierarchy:Status', FolderDeleteStatus.Success),
      el('FolderHierarchy:SyncKey', String(syncKey)),
    ]),
  };
}

export const folderDelete: CommandSpec = {
  name: 'FolderDelete',
  handler,
  needsProvisioning: true,
  wbxmlBody: true,
};
