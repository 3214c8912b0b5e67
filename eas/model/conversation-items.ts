// MS-ASCON 2.2.2.7 Move: the mail items of one conversation, the ConversationId a client got in
// Email2:ConversationId (eas/model/conversation.ts). The id is a digest of the thread's root and
// is not stored, so the account's mail folders are read and each item's id computed: linear in
// the mailbox, fine for a command a user triggers by hand.

import { FolderType, type Folder, type MailItem, type Store } from '../../store/types.js';
import { conversationId } from './conversation.js';

/**
 * Folders a conversation is taken from: all but Sent Items (MS-ASCON 2.2.2.8), and, unless
 * the conversation is being deleted, Deleted Items (a message the user deleted stays deleted)
 * and the Outbox (a message still being sent).
 */
function isSource(folder: Folder, destination: Folder): boolean {
  if (folder.id === destination.id || folder.type === FolderType.SentItems || folder.type === FolderType.Outbox) return false;
  return folder.type !== FolderType.DeletedItems || destination.type === FolderType.DeletedItems;
}

/** The live mail items of the account whose ConversationId is `id`, outside `destination`. */
export async function conversationItems(store: Store, accountId: number, id: Uint8Array, destination: Folder): Promise<{ item: MailItem; folder: Folder }[]> {
  const wanted = Buffer.from(id);
  const out: { item: MailItem; folder: Folder }[] = [];
  for (const folder of await store.listFolders(accountId)) {
    if (!isSource(folder, destination)) continue;
    for (const item of await store.listItems(accountId, folder.id)) {
      if (item.kind === 'mail' && wanted.equals(conversationId(item))) out.push({ item, folder });
    }
  }
  return out;
}
