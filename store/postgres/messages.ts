// Storing a message on PostgreSQL, the counterpart of store/messages.ts: the raw bytes exactly
// as given (bytea), the parsed summary as columns, bodies, attachments as rows, and its
// full-text entry (store/postgres/search.ts). Run inside the caller's write transaction.
import type { PreparedMessage } from '../messages.js';
import type { PgClient } from './connect.js';
import { indexMessage } from './search.js';

export { prepareMessage, type PreparedMessage } from '../messages.js';

/**
 * Text as PostgreSQL can hold it: a `text` value cannot contain U+0000 (the statement fails with
 * 22021), while SQLite keeps it. A NUL in a message's parsed parts (a hostile or broken sender's
 * body, subject or file name) is dropped instead of refusing the whole delivery: the raw bytes,
 * NULs included, are stored exactly (bytea), and no client could show a NUL anyway.
 */
export function pgText<T extends string | null | undefined>(value: T): T {
  return (typeof value === 'string' && value.includes('\0') ? value.replaceAll('\0', '') : value) as T;
}

/** Inserts the message, its attachments and its index entry; returns its id. `meeting`: Delivery.meeting. */
export async function insertMessage(
  client: PgClient,
  accountId: number,
  raw: Buffer,
  msg: PreparedMessage,
  meeting: unknown = undefined,
): Promise<number> {
  const { parsed } = msg;
  const s = parsed.summary;
  const r = await client.query<{ id: number }>(
    `INSERT INTO messages (account_id, raw, size, subject, from_json, to_json, cc_json, reply_to_json, date,
       message_id, in_reply_to, references_json, thread_topic, importance, has_attachments, attachment_count,
       preview, malformed, body_text, body_html, meeting)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
     RETURNING id`,
    [
      accountId, raw, raw.length, pgText(s.subject), pgText(msg.from), pgText(msg.to), pgText(msg.cc), pgText(msg.replyTo), pgText(s.date),
      pgText(s.messageId), pgText(s.inReplyTo), pgText(msg.references), pgText(s.threadTopic), s.importance, s.hasAttachments ? 1 : 0,
      parsed.attachments.length, pgText(s.preview), parsed.malformed ? 1 : 0, pgText(parsed.text), pgText(parsed.html),
      meeting === undefined || meeting === null ? null : JSON.stringify(meeting),
    ],
  );
  const id = r.rows[0]!.id;
  if (parsed.attachments.length > 0) {
    // One statement for all of them (one round trip), numbered from 1 as in SQLite.
    const a = parsed.attachments;
    await client.query(
      `INSERT INTO attachments (message_id, idx, file_name, content_type, content_id, inline, size, content)
       SELECT $1, idx, file_name, content_type, content_id, inline, size, content
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::bigint[], $8::bytea[])
           AS t(idx, file_name, content_type, content_id, inline, size, content)`,
      [
        id,
        a.map((_, i) => i + 1),
        a.map((x) => pgText(x.fileName)),
        a.map((x) => pgText(x.contentType)),
        a.map((x) => pgText(x.contentId)),
        a.map((x) => (x.inline ? 1 : 0)),
        a.map((x) => x.content.length),
        a.map((x) => x.content),
      ],
    );
  }
  await indexMessage(client, id, msg.fts());
  return id;
}

/**
 * Deletes a message (its attachments and index entry go with it: ON DELETE CASCADE,
 * docs/postgres.md) once no item row, live or tombstone, references it; returns whether it did.
 */
export async function dropMessageIfUnused(client: PgClient, messageId: number): Promise<boolean> {
  const r = await client.query(
    'DELETE FROM messages WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM items WHERE message_id = $1)',
    [messageId],
  );
  return (r.rowCount ?? 0) > 0;
}
