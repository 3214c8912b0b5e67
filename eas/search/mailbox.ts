// MS-ASCMD 2.2.1.16 Search, store "Mailbox": which items of the authenticated account match.
// FreeText goes to the store's full-text index (subject, from, to, cc, body); the other
// conditions filter its answer. Every lookup is scoped to the account, so another account's
// folders and messages can neither match nor be named.

import { isMailItem, type Folder, type MailItem, type Store } from '../../store/types.js';
import { conversationId } from '../model/conversation.js';
import { dateReceived } from '../model/email.js';
import { parseFolderId } from '../model/ids.js';
import { SearchRequestError, type MailboxQuery } from './request.js';

/** When conditions other than FreeText and one folder apply, at most this many candidates are read. */
const FILTER_CANDIDATES = 5000;

export interface MailboxMatch {
  total: number;
  items: MailItem[];
}

/** The folders searched: the named ones (and their subfolders with DeepTraversal), or all. */
async function folderScope(store: Store, accountId: number, q: MailboxQuery, deep: boolean): Promise<Set<number> | null> {
  if (q.collectionIds.length === 0) return null;
  const folders = await store.listFolders(accountId);
  const scope = new Set<number>();
  for (const raw of q.collectionIds) {
    const id = parseFolderId(raw);
    if (id === null) throw new SearchRequestError(`CollectionId "${raw}" is not a folder id`);
    // A folder of another account is not in this list: it matches nothing, like a missing one.
    if (folders.some((f) => f.id === id)) scope.add(id);
  }
  if (deep) addSubfolders(folders, scope);
  return scope;
}

/** DeepTraversal: adds to `scope` every folder below one already in it. */
export function addSubfolders(folders: readonly Folder[], scope: Set<number>): void {
  for (let grew = true; grew; ) {
    grew = false;
    for (const f of folders) {
      if (f.parentId !== null && scope.has(f.parentId) && !scope.has(f.id)) {
        scope.add(f.id);
        grew = true;
      }
    }
  }
}

/** The time email:DateReceived shows (eas/model/email.ts), so GreaterThan/LessThan match it. */
function receivedMs(item: MailItem): number {
  return Date.parse(dateReceived(item));
}

export async function searchMailbox(
  store: Store,
  accountId: number,
  q: MailboxQuery,
  range: { start: number; end: number },
  deep: boolean,
): Promise<MailboxMatch> {
  if (q.classes.length > 0 && !q.classes.some((c) => c.toLowerCase() === 'email')) return { total: 0, items: [] };
  const scope = await folderScope(store, accountId, q, deep);
  if (scope && scope.size === 0) return { total: 0, items: [] };
  const text = q.freeText?.trim() ?? '';
  const single = scope && scope.size === 1 ? [...scope][0]! : undefined;
  const simple = q.conversationId === null && q.after === null && q.before === null && (scope === null || single !== undefined);

  if (text && simple) {
    const r = await store.search({ accountId, text, folderId: single, rangeStart: range.start, rangeEnd: range.end });
    return { total: r.total, items: r.items };
  }

  let candidates: MailItem[];
  if (text) {
    candidates = (await store.search({ accountId, text, folderId: single, rangeStart: 0, rangeEnd: FILTER_CANDIDATES - 1 })).items;
  } else if (q.conversationId !== null || q.after !== null || q.before !== null) {
    const folders = scope ? [...scope] : (await store.listFolders(accountId)).map((f) => f.id);
    candidates = (await Promise.all(folders.map(async (f) => (await store.listItems(accountId, f, FILTER_CANDIDATES)).filter(isMailItem)))).flat();
    candidates.sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : b.id - a.id));
  } else {
    throw new SearchRequestError('a Mailbox query needs FreeText, ConversationId or a date condition');
  }

  const matches = candidates.filter((item) => {
    if (scope && !scope.has(item.folderId)) return false;
    if (q.conversationId && !Buffer.from(conversationId(item)).equals(q.conversationId)) return false;
    const received = receivedMs(item);
    if (q.after !== null && !(received > q.after)) return false;
    if (q.before !== null && !(received < q.before)) return false;
    return true;
  });
  return { total: matches.length, items: matches.slice(range.start, range.end + 1) };
}
