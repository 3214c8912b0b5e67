// MS-ASCMD 2.2.1.7 FolderUpdate: renames and/or moves a user folder. Answers the new
// hierarchy SyncKey. Status values: 2.2.3.177.6 (a special folder is 2, the Recipient
// information folder 3).

import { FolderType } from '../../store/types.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';
import { saveOwnChange } from '../folders/hierarchy-state.js';
import {
  FolderStatus,
  commandRequest,
  displayNameOf,
  folderOf,
  parentOf,
  requestedState,
  statusAnswer,
  storeErrorStatus,
  successAnswer,
} from '../folders/command-frame.js';

/** MS-ASCMD 2.2.3.177.6 Status (FolderUpdate). */
export const FolderUpdateStatus = {
  ...FolderStatus,
  ExistsOrSpecial: 2,
  RecipientInfoFolder: 3,
  NotFound: 4,
  ParentNotFound: 5,
} as const;

const statusOnly = (status: number): CommandResult => statusAnswer('FolderUpdate', status);

async function handler(ctx: CommandContext): Promise<CommandResult> {
  const { store } = ctx.deps;
  const request = commandRequest(ctx, 'FolderUpdate');
  if (!request) return statusOnly(FolderUpdateStatus.MalformedRequest);
  const { req, keyText } = request;
  const serverIdText = req.textOf('FolderHierarchy:ServerId');
  const parentText = req.textOf('FolderHierarchy:ParentId');
  const name = displayNameOf(req);
  if (serverIdText === undefined || parentText === undefined || !name) {
    return statusOnly(FolderUpdateStatus.MalformedRequest);
  }

  const state = await requestedState(ctx, keyText);
  if (!state) return statusOnly(FolderUpdateStatus.InvalidSyncKey);

  const folder = await folderOf(ctx, serverIdText);
  if (!folder) return statusOnly(FolderUpdateStatus.NotFound);
  if (folder.type === FolderType.RecipientInfoCache) return statusOnly(FolderUpdateStatus.RecipientInfoFolder);
  if (folder.system) return statusOnly(FolderUpdateStatus.ExistsOrSpecial);

  const target = await parentOf(ctx, parentText);
  if (!target) return statusOnly(FolderUpdateStatus.ParentNotFound);

  try {
    const updated = await store.updateFolder(ctx.account.id, folder.id, target.parentId, name, ctx.device.id);
    const syncKey = await saveOwnChange(store, state, { folders: [updated] });
    return successAnswer('FolderUpdate', syncKey);
  } catch (err) {
    return statusOnly(
      storeErrorStatus(err, {
        'folder-exists': FolderUpdateStatus.ExistsOrSpecial,
        'system-folder': FolderUpdateStatus.ExistsOrSpecial,
        'no-such-folder': FolderUpdateStatus.NotFound,
        // A missing parent, or the folder's own subtree (which would cut it off the tree).
        'bad-parent': FolderUpdateStatus.ParentNotFound,
        'invalid-folder': FolderUpdateStatus.MalformedRequest,
      }),
    );
  }
}

export const folderUpdate = commandSpec('FolderUpdate', handler);
