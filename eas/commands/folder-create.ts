// MS-ASCMD 2.2.1.3 FolderCreate: a user folder under ParentId ("0" = top level). Answers the
// new hierarchy SyncKey and ServerId. Status values: 2.2.3.177.3.

import { FolderType } from '../../store/types.js';
import { el } from '../wbxml/tree.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';
import { folderServerId, saveOwnChange } from '../folders/hierarchy-state.js';
import {
  FolderStatus,
  commandRequest,
  displayNameOf,
  parentOf,
  requestedState,
  statusAnswer,
  storeErrorStatus,
  successAnswer,
} from '../folders/command-frame.js';

/** MS-ASCMD 2.2.3.177.3 Status (FolderCreate). */
export const FolderCreateStatus = {
  ...FolderStatus,
  FolderExists: 2,
  SpecialParent: 3,
  ParentNotFound: 5,
} as const;

/** MS-ASCMD 2.2.3.186.2 Type (FolderCreate): the user folder types a client may create. */
const CREATABLE_TYPES: ReadonlySet<number> = new Set([
  FolderType.UserGeneric, FolderType.UserMail, FolderType.UserCalendar, FolderType.UserContacts,
  FolderType.UserTasks, FolderType.UserJournal, FolderType.UserNotes,
]);

const statusOnly = (status: number): CommandResult => statusAnswer('FolderCreate', status);

async function handler(ctx: CommandContext): Promise<CommandResult> {
  const { store } = ctx.deps;
  const request = commandRequest(ctx, 'FolderCreate');
  if (!request) return statusOnly(FolderCreateStatus.MalformedRequest);
  const { req, keyText } = request;
  const parentText = req.textOf('FolderHierarchy:ParentId');
  const name = displayNameOf(req);
  const type = req.intOf('FolderHierarchy:Type');
  if (parentText === undefined || !name || type === undefined) {
    return statusOnly(FolderCreateStatus.MalformedRequest);
  }
  if (!CREATABLE_TYPES.has(type)) return statusOnly(FolderCreateStatus.MalformedRequest);

  const state = await requestedState(ctx, keyText);
  if (!state) return statusOnly(FolderCreateStatus.InvalidSyncKey);

  const target = await parentOf(ctx, parentText);
  if (!target) return statusOnly(FolderCreateStatus.ParentNotFound);
  if (target.parent?.type === FolderType.RecipientInfoCache) return statusOnly(FolderCreateStatus.SpecialParent);

  try {
    const folder = await store.createFolder(ctx.account.id, target.parentId, name, type, ctx.device.id);
    const syncKey = await saveOwnChange(store, state, { folders: [folder] });
    return successAnswer('FolderCreate', syncKey, el('FolderHierarchy:ServerId', folderServerId(folder.id)));
  } catch (err) {
    return statusOnly(
      storeErrorStatus(err, {
        'folder-exists': FolderCreateStatus.FolderExists,
        // The parent went away between our check and the write (another device deleted it).
        'bad-parent': FolderCreateStatus.ParentNotFound,
        'no-such-folder': FolderCreateStatus.ParentNotFound,
        'invalid-folder': FolderCreateStatus.MalformedRequest,
      }),
    );
  }
}

export const folderCreate = commandSpec('FolderCreate', handler);
