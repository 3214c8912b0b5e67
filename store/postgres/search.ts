// Mailbox search on PostgreSQL (EAS Search, store "Mailbox"; Find): a tsvector per message over
// the words of subject, sender, recipients, cc and body, in a GIN index, matched by prefix.
// It finds what SQLite's FTS5 index finds (store/search.ts: unicode61, remove_diacritics 2, every
// word a prefix): the words are cut, lowercased and stripped of diacritics here, the same way
// for the text and the query, and stored as lexemes ('simple': no stemming, no stop words)
// with array_to_tsvector. Not with to_tsvector: PostgreSQL's parser keeps "alice@example.com"
// and "foo-bar.pdf" as single tokens (so "example" would not find the address), and keeps
// diacritics (so "creme" would not find "crème").
import { isMailItem, type SearchQuery, type SearchResult, type Store } from '../types.js';
import { withTransaction, type PgClient } from './connect.js';
import type { PgStoreContext } from './context.js';
import { readItemsById } from './item-rows.js';

/** The text a message is found by (store/messages.ts PreparedMessage.fts). */
export interface SearchText {
  subject: string;
  sender: string;
  recipients: string;
  cc: string;
  body: string;
}

/** PostgreSQL refuses a tsvector over 1 MB; a lexeme over 2 KB cannot be indexed. */
const MAX_DOCUMENT_BYTES = 512 * 1024;
const MAX_WORD_BYTES = 2046;

/** Words as FTS5's unicode61 tokenizer cuts them: letters and digits; the rest separates. */
export function searchWords(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  return folded.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The distinct lexemes of a message, in the order first seen. Past MAX_DOCUMENT_BYTES (half a
 * megabyte of distinct words: an attachment pasted as text) the rest is not indexed.
 */
export function messageLexemes(text: SearchText): string[] {
  const seen = new Set<string>();
  let bytes = 0;
  for (const field of [text.subject, text.sender, text.recipients, text.cc, text.body]) {
    for (const word of searchWords(field)) {
      if (seen.has(word)) continue;
      const size = Buffer.byteLength(word) + 8;
      if (size - 8 > MAX_WORD_BYTES) continue;
      if (bytes + size > MAX_DOCUMENT_BYTES) return [...seen];
      seen.add(word);
      bytes += size;
    }
  }
  return [...seen];
}

/**
 * User text → a tsquery: every word must match, as a prefix ("inv" finds "invoice"). Each word
 * is a quoted lexeme, so operators typed by a user are just text; null when there is no word.
 */
export function prefixQuery(text: string): string | null {
  const words = searchWords(text);
  if (words.length === 0) return null;
  return words.map((w) => `'${w}':*`).join(' & ');
}

/** Indexes a message, inside the caller's (writing) transaction. */
export async function indexMessage(client: PgClient, messageId: number, text: SearchText): Promise<void> {
  await client.query('INSERT INTO messages_fts (message_id, document) VALUES ($1, array_to_tsvector($2::text[]))', [
    messageId,
    messageLexemes(text),
  ]);
}

export interface SearchPage {
  total: number;
  /** Live items whose message matches, newest first (received_at, then id). */
  itemIds: number[];
}

const MATCHING = `FROM items i
  WHERE i.account_id = $1 AND i.deleted_modseq IS NULL
    AND ($2::bigint IS NULL OR i.folder_id = $2)
    AND i.message_id IN (SELECT f.message_id FROM messages_fts f WHERE f.document @@ $3::tsquery)`;

/**
 * The items of an account (of one folder) whose message matches `text`, the range rangeStart…
 * rangeEnd of them (inclusive, as EAS Search's Range), with the total. One snapshot: run it in a
 * REPEATABLE READ transaction when the page and the total must agree under concurrent writes.
 */
export async function searchItems(
  client: PgClient,
  q: { accountId: number; folderId?: number | null; text: string; rangeStart: number; rangeEnd: number },
): Promise<SearchPage> {
  const query = prefixQuery(q.text);
  if (!query) return { total: 0, itemIds: [] };
  const start = Math.max(0, Math.floor(q.rangeStart));
  const end = Math.max(start, Math.floor(q.rangeEnd));
  const params = [q.accountId, q.folderId ?? null, query];
  const total = await client.query<{ n: number }>(`SELECT count(*) AS n ${MATCHING}`, params);
  const page = await client.query<{ id: number }>(
    `SELECT i.id ${MATCHING} ORDER BY i.received_at DESC, i.id DESC LIMIT $4 OFFSET $5`,
    [...params, end - start + 1, start],
  );
  return { total: total.rows[0]?.n ?? 0, itemIds: page.rows.map((r) => r.id) };
}

/**
 * Store.search (store/search.ts's method): the count, the page and its items are read in one
 * REPEATABLE READ snapshot, as SQLite reads them in one transaction, so the total and the page
 * agree under concurrent writes.
 */
export function createPgSearch(ctx: PgStoreContext): Pick<Store, 'search'> {
  return {
    search: (q: SearchQuery): Promise<SearchResult> =>
      withTransaction(
        ctx.pool,
        async (client) => {
          const page = await searchItems(client, q);
          // Only mail items have a message to match: every item read here is one.
          const items = (await readItemsById(client, page.itemIds)).filter(isMailItem);
          return { total: page.total, items };
        },
        { isolation: 'repeatable read', readOnly: true },
      ),
  };
}
