// MS-ASCMD 2.2.1.4 FolderDelete: deletes a user folder with its subfolders and items.
// Answers the new hierarchy SyncKey. Status values: 2.2.3.177.4. The items it takes with it are
// told to their class as a final Sync Delete would (ItemClass.deleted: a 16.x organiser's
// meetings send their CANCEL), once the delete has committed.

import type { Folder, Item } from '../../store/types.js';
import type { ItemClass } from '../classes/types.js';
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
  const doomed = await hookedItems(ctx, folders.filter((f) => gone.includes(f.id)));
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
  // Before the key is saved: a retry after a failure there finds no folder, and would never send.
  await tellClasses(ctx, doomed);
  return successAnswer('FolderDelete', await saveOwnChange(store, state, { gone }));
}

/** An item the delete takes with it, of a class that hears of deletes (ItemClass.deleted). */
interface Doomed {
  cls: ItemClass;
  folder: Folder;
  item: Item;
}

/** Before the delete: the live items of the folders whose class has an after-delete hook. */
async function hookedItems(ctx: CommandContext, folders: Folder[]): Promise<Doomed[]> {
  const out: Doomed[] = [];
  for (const folder of folders) {
    const cls = ctx.deps.classes.forFolderType(folder.type);
    if (!cls.deleted) continue;
    for (const item of await ctx.deps.store.listItems(ctx.account.id, folder.id)) out.push({ cls, folder, item });
  }
  return out;
}

/** After the delete committed: each item to its class, as after a Sync Delete; a failure is only logged. */
async function tellClasses(ctx: CommandContext, doomed: Doomed[]): Promise<void> {
  const { deps, account, device, version } = ctx;
  for (const { cls, folder, item } of doomed) {
    try {
      await cls.deleted?.({ deps, account, device, folder, version, supported: null }, item);
    } catch (err) {
      deps.log.error('folder-delete: after-delete hook failed', { class: cls.name, item: item.id, error: String(err) });
    }
  }
}

export const folderDelete = commandSpec('FolderDelete', handler);
