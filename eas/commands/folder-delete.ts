// MS-ASCMD 2.2.1.4 FolderDelete: deletes a user folder with its subfolders and items.
// Answers the new hierarchy SyncKey. Status values: 2.2.3.177.4. The items it takes with it are
// told to their class as a final Sync Delete would (ItemClass.deleted: a 16.x organiser's
// meetings send their CANCEL), once the delete has committed. The store reads them in the
// delete's own transaction: an item another device adds to these folders meanwhile is either
// deleted and told, or not deleted. A subfolder another device creates meanwhile goes with the
// rest, its items untold (the hierarchy read before the delete does not have it).

import type { Folder, Item } from '../../store/types.js';
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
  const folders = await store.listFolders(ctx.account.id);
  const gone = subtreeIds(folders, folder.id);
  let taken: Item[];
  try {
    taken = await store.deleteFolder(ctx.account.id, folder.id, ctx.device.id, hookedTypes(ctx, folders, gone));
  } catch (err) {
    return statusOnly(
      storeErrorStatus(err, {
        'no-such-folder': FolderDeleteStatus.NotFound,
        'system-folder': FolderDeleteStatus.SpecialFolder,
      }),
    );
  }
  // Before the key is saved: a retry after a failure there finds no folder, and would never send.
  await tellClasses(ctx, folders, taken);
  return successAnswer('FolderDelete', await saveOwnChange(store, state, { gone }));
}

/** The types of the doomed folders whose class hears of deletes (ItemClass.deleted). */
function hookedTypes(ctx: CommandContext, folders: Folder[], gone: number[]): number[] {
  const types = new Set(folders.filter((f) => gone.includes(f.id)).map((f) => f.type));
  return [...types].filter((type) => ctx.deps.classes.forFolderType(type).deleted !== undefined);
}

/** After the delete committed: each item to its class, as after a Sync Delete; a failure is only logged. */
async function tellClasses(ctx: CommandContext, folders: Folder[], taken: Item[]): Promise<void> {
  const { deps, account, device, version } = ctx;
  for (const item of taken) {
    const folder = folders.find((f) => f.id === item.folderId);
    if (!folder) continue;
    const cls = deps.classes.forFolderType(folder.type);
    try {
      await cls.deleted?.({ deps, account, device, folder, version, supported: null }, item);
    } catch (err) {
      deps.log.error('folder-delete: after-delete hook failed', { class: cls.name, item: item.id, error: String(err) });
    }
  }
}

export const folderDelete = commandSpec('FolderDelete', handler);
