// Where an item is and whose mailbox it is in: what the Email2 fields below need and the
// stored message alone cannot tell.
//   MS-ASEMAIL 2.2.2.42 IsDraft (Email2, 16.0+): 1 for an item in the Drafts folder.
//   MS-ASEMAIL ReceivedAsBcc (Email2, 14.0+): the mailbox owner got the message without being
//   in its To or Cc, i.e. as a blind copy.
// (Email2:Sender, 14.0+, is not sent: the store keeps no Sender header, see MessageSummary.)

import { lookupAddress } from '../../store/addresses.js';
import type { Account, Address, MailItem, Store } from '../../store/types.js';
import { FolderType } from '../../store/types.js';

export interface ItemContext {
  /** EAS FolderHierarchy Type of the item's folder (FolderType). */
  folderType: number;
  /** The mailbox owner's canonical address (Account.address). */
  accountAddress: string;
}

/** The context of an item whose folder the caller has not loaded (ItemOperations, Search). */
export async function itemContext(store: Store, account: Account, item: MailItem): Promise<ItemContext> {
  const folder = await store.getFolder(account.id, item.folderId);
  return { folderType: folder?.type ?? FolderType.Unknown, accountAddress: account.address };
}

export function isDraft(ctx: ItemContext): boolean {
  return ctx.folderType === FolderType.Drafts;
}

/** Folders holding the owner's own outgoing mail: nothing in them was "received". */
const OUTGOING = new Set<number>([FolderType.Drafts, FolderType.SentItems, FolderType.Outbox]);

/**
 * True when the owner received the message as a blind copy: neither To nor Cc names them.
 * Addresses compare the way delivery resolves them (case-folded, "+tag" dropped: a message To
 * "Alice+News@Example.com" was addressed to alice@example.com). The owner's own messages
 * (From them, e.g. a sent copy filed in another folder) are not "received as Bcc".
 */
export function receivedAsBcc(item: MailItem, ctx: ItemContext): boolean {
  if (OUTGOING.has(ctx.folderType)) return false;
  const me = lookupAddress(ctx.accountAddress);
  const isMe = (a: Address) => a.address !== '' && lookupAddress(a.address) === me;
  const s = item.summary;
  if (s.from.some(isMe)) return false;
  return !s.to.some(isMe) && !s.cc.some(isMe);
}
