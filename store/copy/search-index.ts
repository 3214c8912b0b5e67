// The full-text index of a copied message. SQLite's FTS5 table is contentless (it keeps no text to
// read back), so the PostgreSQL index is rebuilt from the message's stored columns: the same
// fields store/messages.ts prepareMessage() indexes at delivery, so Search and Find find after
// the copy what they found before it.
import { htmlToText } from '../html-text.js';
import type { Address } from '../types.js';
import { messageLexemes, type SearchText } from '../postgres/search.js';

function addressText(json: unknown): string {
  if (typeof json !== 'string') return '';
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    return '';
  }
  if (!Array.isArray(list)) return '';
  return (list as Address[]).map((a) => `${a?.name ?? ''} ${a?.address ?? ''}`.trim()).join(' ');
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** What a stored message row (subject, from_json, to_json, cc_json, body_text, body_html) is found by. */
export function searchTextOfRow(row: Record<string, unknown>): SearchText {
  const html = text(row.body_html);
  return {
    subject: text(row.subject) ?? '',
    sender: addressText(row.from_json),
    recipients: addressText(row.to_json),
    cc: addressText(row.cc_json),
    body: text(row.body_text) ?? (html ? htmlToText(html) : ''),
  };
}

/** The lexemes of a message row, as store/postgres/search.ts indexMessage stores them. */
export function lexemesOfRow(row: Record<string, unknown>): string[] {
  return messageLexemes(searchTextOfRow(row));
}

/** The message columns the index is made from. */
export const SEARCH_COLUMNS = ['subject', 'from_json', 'to_json', 'cc_json', 'body_text', 'body_html'] as const;
