// Storing a message: the raw bytes exactly as given, the parsed summary as columns,
// bodies, attachments as rows, and its full-text index entry.
import type Database from 'better-sqlite3';
import { htmlToText } from './html-text.js';
import type { Address, ParsedMessage } from './types.js';

/** What is computed once per parsed message, however many recipients it goes to. */
export interface PreparedMessage {
  parsed: ParsedMessage;
  from: string;
  to: string;
  cc: string;
  replyTo: string;
  references: string;
  fts: { subject: string; sender: string; recipients: string; cc: string; body: string };
}

function addressText(list: Address[]): string {
  return list.map((a) => `${a.name} ${a.address}`.trim()).join(' ');
}

export function prepareMessage(parsed: ParsedMessage): PreparedMessage {
  const s = parsed.summary;
  return {
    parsed,
    from: JSON.stringify(s.from),
    to: JSON.stringify(s.to),
    cc: JSON.stringify(s.cc),
    replyTo: JSON.stringify(s.replyTo),
    references: JSON.stringify(s.references),
    fts: {
      subject: s.subject,
      sender: addressText(s.from),
      recipients: addressText(s.to),
      cc: addressText(s.cc),
      // HTML-only mail is indexed by its text; the HTML itself is kept untouched for the client.
      body: parsed.text ?? (parsed.html ? htmlToText(parsed.html) : ''),
    },
  };
}

export function createMessageWriter(db: Database.Database) {
  const insertMessage = db.prepare(
    `INSERT INTO messages (account_id, raw, size, subject, from_json, to_json, cc_json, reply_to_json, date,
       message_id, in_reply_to, references_json, thread_topic, importance, has_attachments, attachment_count,
       preview, malformed, body_text, body_html, meeting)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAttachment = db.prepare(
    `INSERT INTO attachments (message_id, idx, file_name, content_type, content_id, inline, size, content)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertFts = db.prepare(
    'INSERT INTO messages_fts (rowid, subject, sender, recipients, cc, body) VALUES (?, ?, ?, ?, ?, ?)',
  );

  /** Inserts the message (inside the caller's transaction); returns its id. `meeting`: Delivery.meeting. */
  return (accountId: number, raw: Buffer, msg: PreparedMessage, meeting: unknown = undefined): number => {
    const { parsed } = msg;
    const s = parsed.summary;
    const id = Number(
      insertMessage.run(
        accountId, raw, raw.length, s.subject, msg.from, msg.to, msg.cc, msg.replyTo, s.date,
        s.messageId, s.inReplyTo, msg.references, s.threadTopic, s.importance, s.hasAttachments ? 1 : 0,
        parsed.attachments.length, s.preview, parsed.malformed ? 1 : 0, parsed.text, parsed.html,
        meeting === undefined || meeting === null ? null : JSON.stringify(meeting),
      ).lastInsertRowid,
    );
    parsed.attachments.forEach((a, i) => {
      insertAttachment.run(id, i + 1, a.fileName, a.contentType, a.contentId, a.inline ? 1 : 0, a.content.length, a.content);
    });
    insertFts.run(id, msg.fts.subject, msg.fts.sender, msg.fts.recipients, msg.fts.cc, msg.fts.body);
    return id;
  };
}

/**
 * Deletes a message (its attachments, its index entry) once no item row, live or tombstone,
 * references it any more; returns whether it did. Run inside the caller's transaction.
 */
export function createMessageDropper(db: Database.Database) {
  const used = db.prepare<[number], { x: number }>('SELECT 1 AS x FROM items WHERE message_id = ? LIMIT 1');
  const deleteFts = db.prepare<[number]>('DELETE FROM messages_fts WHERE rowid = ?');
  // Attachments go with it (ON DELETE CASCADE).
  const deleteMessage = db.prepare<[number]>('DELETE FROM messages WHERE id = ?');
  return (messageId: number): boolean => {
    if (used.get(messageId)) return false;
    deleteFts.run(messageId);
    return deleteMessage.run(messageId).changes > 0;
  };
}
