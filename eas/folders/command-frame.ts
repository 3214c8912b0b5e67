// The frame the folder hierarchy commands share (MS-ASCMD 2.2.1.3 FolderCreate, 2.2.1.4
// FolderDelete, 2.2.1.5 FolderSync, 2.2.1.7 FolderUpdate): a FolderHierarchy top element with
// a SyncKey in; a Status, and on success the next SyncKey, out. Beyond the Status values all
// four share (FolderStatus), each command has its own, so each passes the number it means.
// What the SyncKey means lives in hierarchy-state.ts; this file only reads and writes the wire.

import type { Folder, StoreErrorCode, SyncState } from '../../store/types.js';
import { StoreError } from '../../store/types.js';
import { parseFolderId } from '../model/ids.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import type { CommandContext, CommandResult } from '../commands/types.js';
import { hierarchyState, parseSyncKey } from './hierarchy-state.js';

export type FolderCommand = 'FolderCreate' | 'FolderDelete' | 'FolderSync' | 'FolderUpdate';

/**
 * The Status values every folder command shares (MS-ASCMD 2.2.3.177.3-.6); each command's own
 * table spreads this and adds its particular ones.
 */
export const FolderStatus = {
  Success: 1,
  ServerError: 6,
  InvalidSyncKey: 9,
  MalformedRequest: 10,
  UnknownError: 11,
} as const;

/** An answer that is only a Status: every failure of a folder command. */
export function statusAnswer(cmd: FolderCommand, status: number): CommandResult {
  return { kind: 'wbxml', body: el(`FolderHierarchy:${cmd}`, [el('FolderHierarchy:Status', status)]) };
}

/** A success: Status 1, the device's next SyncKey, then what the command adds (ServerId, Changes). */
export function successAnswer(cmd: FolderCommand, syncKey: number, ...rest: WbxmlElement[]): CommandResult {
  return {
    kind: 'wbxml',
    body: el(`FolderHierarchy:${cmd}`, [
      el('FolderHierarchy:Status', FolderStatus.Success),
      el('FolderHierarchy:SyncKey', String(syncKey)),
      ...rest,
    ]),
  };
}

/**
 * The request's top element and its SyncKey text, when it is this command's and has one;
 * null is Status 10 (MalformedRequest).
 */
export function commandRequest(ctx: CommandContext, cmd: FolderCommand): { req: WbxmlElement; keyText: string } | null {
  const req = ctx.request;
  if (!req || req.tag !== `FolderHierarchy:${cmd}`) return null;
  const keyText = req.textOf('FolderHierarchy:SyncKey');
  return keyText === undefined ? null : { req, keyText };
}

/** The hierarchy state a non-zero SyncKey names; null is Status 9 (InvalidSyncKey). */
export async function requestedState(ctx: CommandContext, keyText: string): Promise<SyncState | null> {
  const key = parseSyncKey(keyText);
  return key === null ? null : await hierarchyState(ctx.deps.store, ctx.device.id, key);
}

/** DisplayName as stored: NULs stripped (docs/clients.md rule 5), trimmed; '' or undefined is malformed. */
export function displayNameOf(req: WbxmlElement): string | undefined {
  return req.textOf('FolderHierarchy:DisplayName')?.replace(/\0/g, '').trim();
}

/** The account's folder a ServerId names, or null (not a folder id, or not this account's). */
export async function folderOf(ctx: CommandContext, serverId: string): Promise<Folder | null> {
  const id = parseFolderId(serverId);
  return id === null ? null : await ctx.deps.store.getFolder(ctx.account.id, id);
}

/**
 * A ParentId: "0" is the top level (no parent folder); else the account's folder it names.
 * Null when it names none (Status 5, ParentNotFound, in FolderCreate and FolderUpdate).
 */
export async function parentOf(ctx: CommandContext, parentText: string): Promise<{ parentId: number | null; parent: Folder | null } | null> {
  if (parentText.trim() === '0') return { parentId: null, parent: null };
  const parent = await folderOf(ctx, parentText);
  return parent ? { parentId: parent.id, parent } : null;
}

/**
 * The command's Status for a store refusal, by its code. Anything else is thrown on: an
 * unexpected error is a bug to see in the log, not a Status to hide it behind.
 */
export function storeErrorStatus(err: unknown, statuses: Partial<Record<StoreErrorCode, number>>): number {
  const status = err instanceof StoreError ? statuses[err.code] : undefined;
  if (status === undefined) throw err;
  return status;
}
