// Reading items on PostgreSQL, the counterpart of store/item-rows.ts: the same SELECT (plain SQL
// in both stores) and the same row → Item mapping (toItem). One difference: items are built a
// page at a time, and the attachment rows of every message of the page come in one query, not
// one per message (a round trip here, a function call in SQLite).
import type pg from 'pg';
import { ITEM_SELECT, toAttachmentMeta, toItem, type AttachmentRow, type ItemRow } from '../item-rows.js';
import type { AttachmentMeta, Item } from '../types.js';

export { ITEM_SELECT, type ItemRow };

/** What a read runs on: the pool (one statement) or a transaction's client. */
export interface PgQueryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** Items from joined rows, in the rows' order; attachment metadata only for messages that have some. */
export async function readItems(q: PgQueryable, rows: readonly ItemRow[]): Promise<Item[]> {
  const ids = [...new Set(rows.filter((r) => r.message_id !== null && r.attachment_count > 0).map((r) => r.message_id!))];
  const byMessage = new Map<number, AttachmentMeta[]>();
  if (ids.length > 0) {
    const found = await q.query<AttachmentRow>(
      `SELECT idx, message_id, file_name, content_type, content_id, inline, size
         FROM attachments WHERE message_id = ANY($1::bigint[]) ORDER BY message_id, idx`,
      [ids],
    );
    for (const a of found.rows) {
      let list = byMessage.get(a.message_id);
      if (!list) byMessage.set(a.message_id, (list = []));
      list.push(toAttachmentMeta(a));
    }
  }
  return rows.map((r) => toItem(r, r.message_id === null ? [] : (byMessage.get(r.message_id) ?? [])));
}

export async function readItem(q: PgQueryable, row: ItemRow): Promise<Item> {
  const [item] = await readItems(q, [row]);
  return item!;
}

/** Items by id (live or tombstones, any account: the caller checks), in the order asked; missing ids left out. */
export async function readItemsById(q: PgQueryable, ids: readonly number[]): Promise<Item[]> {
  if (ids.length === 0) return [];
  const r = await q.query<ItemRow>(`${ITEM_SELECT} WHERE i.id = ANY($1::bigint[])`, [ids]);
  const byId = new Map(r.rows.map((row) => [row.id, row]));
  return readItems(q, ids.map((id) => byId.get(id)).filter((row): row is ItemRow => row !== undefined));
}
