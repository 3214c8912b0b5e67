// MS-ASCMD 2.2.1.4 FolderDelete: deletes a user folder with its subfolders and items.
// Answers the new hierarchy SyncKey. Status values: 2.2.3.177.4.

import { commandSpec, type CommandContext, type CommandResult } from './types.js';
import { saveOwnChange, subtreeIds } from '../folders/hierarchy-state.js';
import {
  FolderStatus,
  commandRequest,
  folderOf,
  requestedState,
  statusAnswer,
  storeErrorStatus,
  successAnswer,
} from '../folders/command-frame.js';

/** MS-ASCMD 2.2.3.177.4 Status (FolderDelete). */
export const FolderDeleteStatus = {
  ...FolderStatus,
  SpecialFolder: 3,
  NotFound: 4,
} as const;

const statusOnly = (status: number): CommandResult => statusAnswer('FolderDelete', status);

async function handler(ctx: CommandContext): Promise<CommandResult> {
  const { store } = ctx.deps;
  const request = commandRequest(ctx, 'FolderDelete');
  if (!request) return statusOnly(FolderDeleteStatus.MalformedRequest);
  const { req, keyText } = request;
  const serverIdText = req.textOf('FolderHierarchy:ServerId');
  if (serverIdText === undefined) return statusOnly(FolderDeleteStatus.MalformedRequest);

  const state = await requestedState(ctx, keyText);
  if (!state) return statusOnly(FolderDeleteStatus.InvalidSyncKey);

  const folder = await folderOf(ctx, serverIdText);
  if (!folder) return statusOnly(FolderDeleteStatus.NotFound);
  if (folder.system) return statusOnly(FolderDeleteStatus.SpecialFolder);

  // The device drops the subfolders with the folder, so none of them is news to it.
  const gone = subtreeIds(await store.listFolders(ctx.account.id), folder.id);
  try {
    await store.deleteFolder(ctx.account.id, folder.id, ctx.device.id);
  } catch (err) {
    return statusOnly(
      storeErrorStatus(err, {
        'no-such-folder': FolderDeleteStatus.NotFound,
        'system-folder': FolderDeleteStatus.SpecialFolder,
      }),
    );
  }
  return successAnswer('FolderDelete', await saveOwnChange(store, state, { gone }));
}

export const folderDelete = commandSpec('FolderDelete', handler);
