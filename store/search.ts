// Mailbox search (EAS Search, store "Mailbox") over the FTS5 index of subject, sender,
// recipients, cc and body text.
import type Database from 'better-sqlite3';
import { ITEM_SELECT, createItemReader, type ItemRow } from './item-rows.js';
import { isMailItem, type SearchQuery, type SearchResult } from './types.js';

/**
 * User text → an FTS5 query: every word must match, as a prefix ("inv" finds "invoice").
 * Words are quoted, so FTS5 operators typed by a user are just text.
 */
export function ftsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}_]+/gu);
  if (!words) return null;
  return words.map((w) => `"${w}"*`).join(' ');
}

/** `indexPending`: the delivered messages not in the index yet go in first (store/messages.ts). */
export function createSearch(db: Database.Database, indexPending: () => number) {
  const readItem = createItemReader(db);
  const MATCHING = `FROM items i
    WHERE i.account_id = @account AND i.deleted_modseq IS NULL
      AND (@folder IS NULL OR i.folder_id = @folder)
      AND i.message_id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH @match)`;
  type P = { account: number; folder: number | null; match: string };
  const count = db.prepare<P, { n: number }>(`SELECT count(*) AS n ${MATCHING}`);
  const page = db.prepare<P & { limit: number; offset: number }, ItemRow>(
    `${ITEM_SELECT} WHERE i.id IN (SELECT i.id ${MATCHING})
     ORDER BY i.received_at DESC, i.id DESC LIMIT @limit OFFSET @offset`,
  );

  return (q: SearchQuery): SearchResult => {
    const match = ftsQuery(q.text);
    if (!match) return { total: 0, items: [] };
    indexPending();
    const p: P = { account: q.accountId, folder: q.folderId ?? null, match };
    const start = Math.max(0, Math.floor(q.rangeStart));
    const end = Math.max(start, Math.floor(q.rangeEnd));
    return db.transaction(() => ({
      total: count.get(p)?.n ?? 0,
      // Only mail items have a message to match: every row read here is one.
      items: page.all({ ...p, limit: end - start + 1, offset: start }).map(readItem).filter(isMailItem),
    }))();
  };
}
