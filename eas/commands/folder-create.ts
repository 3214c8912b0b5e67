// MS-ASCMD 2.2.1.3 FolderCreate: a user folder under ParentId ("0" = top level). Answers the
// new hierarchy SyncKey and ServerId. Status values: 2.2.3.177.3.

import { FolderType, StoreError } from '../../store/types.js';
import { parseFolderId } from '../model/ids.js';
import { el } from '../wbxml/tree.js';
import type { CommandContext, CommandResult, CommandSpec } from './types.js';
import { folderServerId, hierarchyState, parseSyncKey, saveOwnChange } from './folder-state.js';

/** MS-ASCMD 2.2.3.177.3 Status (FolderCreate). */
export const FolderCreateStatus = {
  Success: 1,
  FolderExists: 2,
  SpecialParent: 3,
  ParentNotFound: 5,
  ServerError: 6,
  InvalidSyncKey: 9,
  MalformedRequest: 10,
  UnknownError: 11,
} as const;

/** MS-ASCMD 2.2.3.186.2 Type (FolderCreate): the user folder types a client may create. */
const CREATABLE_TYPES: ReadonlySet<number> = new Set([
  FolderType.UserGeneric, FolderType.UserMail, FolderType.UserCalendar, FolderType.UserContacts,
  FolderType.UserTasks, FolderType.UserJournal, FolderType.UserNotes,
]);

function fail(status: number): CommandResult {
  return { kind: 'wbxml', body: el('FolderHierarchy:FolderCreate', [el('FolderHierarchy:Status', status)]) };
}

async function handler(ctx: CommandContext): Promise<CommandResult> {
  const { store } = ctx.deps;
  const req = ctx.request;
  if (!req || req.tag !== 'FolderHierarchy:FolderCreate') return fail(FolderCreateStatus.MalformedRequest);
  const keyText = req.textOf('FolderHierarchy:SyncKey');
  const parentText = req.textOf('FolderHierarchy:ParentId');
  const name = req.textOf('FolderHierarchy:DisplayName')?.replace(/\0/g, '').trim();
  const type = req.intOf('FolderHierarchy:Type');
  if (keyText === undefined || parentText === undefined || !name || type === undefined) {
    return fail(FolderCreateStatus.MalformedRequest);
  }
  if (!CREATABLE_TYPES.has(type)) return fail(FolderCreateStatus.MalformedRequest);

  const key = parseSyncKey(keyText);
  const state = key === null ? null : hierarchyState(store, ctx.device.id, key);
  if (!state) return fail(FolderCreateStatus.InvalidSyncKey);

  let parentId: number | null = null;
  if (parentText.trim() !== '0') {
    parentId = parseFolderId(parentText);
    const parent = parentId === null ? null : store.getFolder(ctx.account.id, parentId);
    if (!parent) return fail(FolderCreateStatus.ParentNotFound);
    if (parent.type === FolderType.RecipientInfoCache) return fail(FolderCreateStatus.SpecialParent);
  }

  try {
    const folder = store.createFolder(ctx.account.id, parentId, name, type, ctx.device.id);
    const syncKey = saveOwnChange(store, state, { folders: [folder] });
    return {
      kind: 'wbxml',
      body: el('FolderHierarchy:FolderCreate', [
        el('FolderHierarchy:Status', FolderCreateStatus.Success),
        el('FolderHierarchy:SyncKey', String(syncKey)),
        el('FolderHierarchy:ServerId', folderServerId(folder.id)),
      ]),
    };
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    switch (err.code) {
      case 'folder-exists':
        return fail(FolderCreateStatus.FolderExists);
      case 'bad-parent':
      case 'no-such-folder':
        // The parent went away between our check and the write (another device deleted it).
        return fail(FolderCreateStatus.ParentNotFound);
      case 'invalid-folder':
        return fail(FolderCreateStatus.MalformedRequest);
      default:
        throw err;
    }
  }
}

export const folderCreate: CommandSpec = {
  name: 'FolderCreate',
  handler,
  needsProvisioning: true,
  wbxmlBody: true,
};
