// MS-ASAIRS 2.2.2.7 Attachment / 2.2.2.14 ClientId / 2.2.2.24.1 FileReference (16.x): the Sync
// response to an Add or Change of a draft that added attachments names each one by the
// client's AirSyncBase:ClientId with the FileReference the server gave it, so the client can
// delete that one later (AirSyncBase:Delete by FileReference). FileReferences are made by the
// store when the built message is stored; this file finds which stored attachment is which.

import type { MailItem } from '../../store/types.js';
import type { DraftAttachment } from '../sync/draft.js';
import type { AddedAttachment } from './types.js';

/**
 * Pairs the draft's attachments (kept ones first, then the added ones) with the stored message's,
 * by name and size in MIME order: the MIME builder may put inline parts before the others, but
 * keeps the order within each group.
 */
export function addedFileReferences(item: MailItem, built: DraftAttachment[]): AddedAttachment[] {
  const stored = [...item.attachments].sort((a, b) => a.index - b.index);
  const taken = new Set<number>();
  const out: AddedAttachment[] = [];
  for (const a of built) {
    const pick = (exact: boolean) =>
      stored.findIndex((s, i) => !taken.has(i) && s.fileName === a.fileName && (!exact || s.size === a.size));
    let i = pick(true);
    if (i < 0) i = pick(false);
    if (i < 0) continue;
    taken.add(i);
    if (a.clientId !== null) out.push({ clientId: a.clientId, fileReference: stored[i]!.fileReference });
  }
  return out;
}
