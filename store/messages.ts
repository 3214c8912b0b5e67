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
  /** Its full-text entry (made when asked: a delivery's is written after its commit, from the row). */
  fts(): FtsEntry;
}

/** The columns of one message's full-text entry. */
export interface FtsEntry {
  subject: string;
  sender: string;
  recipients: string;
  cc: string;
  body: string;
}

function addressText(list: Address[]): string {
  return list.map((a) => `${a.name} ${a.address}`.trim()).join(' ');
}

function ftsEntry(m: { subject: string; from: Address[]; to: Address[]; cc: Address[]; text: string | null; html: string | null }): FtsEntry {
  return {
    subject: m.subject,
    sender: addressText(m.from),
    recipients: addressText(m.to),
    cc: addressText(m.cc),
    // HTML-only mail is indexed by its text; the HTML itself is kept untouched for the client.
    body: m.text ?? (m.html ? htmlToText(m.html) : ''),
  };
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
    fts: () => ftsEntry({ ...s, text: parsed.text, html: parsed.html }),
  };
}

/**
 * When a message's full-text entry is written: 'now', in the caller's transaction; 'later', by
 * the pending indexer below in a transaction of its own (a delivery: its commit then writes
 * seven pages fewer, and the Pings it wakes are answered that much sooner).
 */
export type IndexWhen = 'now' | 'later';

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
  const insertFts = createFtsWriter(db);
  const insertPending = db.prepare<[number]>('INSERT INTO messages_fts_pending (message_id) VALUES (?)');

  /** Inserts the message (inside the caller's transaction); returns its id. `meeting`: Delivery.meeting. */
  return (accountId: number, raw: Buffer, msg: PreparedMessage, meeting: unknown = undefined, index: IndexWhen = 'now'): number => {
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
    if (index === 'now') insertFts(id, msg.fts());
    else insertPending.run(id);
    return id;
  };
}

function createFtsWriter(db: Database.Database): (id: number, e: FtsEntry) => void {
  const insert = db.prepare<[number, string, string, string, string, string]>(
    'INSERT INTO messages_fts (rowid, subject, sender, recipients, cc, body) VALUES (?, ?, ?, ?, ?, ?)',
  );
  return (id, e) => void insert.run(id, e.subject, e.sender, e.recipients, e.cc, e.body);
}

/** Pending entries indexed per transaction: a backlog after a crash goes in bounded steps. */
const INDEX_BATCH = 500;

/**
 * Writes the full-text entries of the messages in messages_fts_pending (IndexWhen 'later'),
 * read back from their rows, and empties it; returns how many. Each batch is one transaction,
 * and none is started when nothing waits (one indexed read). Run outside any transaction.
 */
export function createPendingIndexer(db: Database.Database): () => number {
  const any = db.prepare<[], { x: number }>('SELECT 1 AS x FROM messages_fts_pending LIMIT 1');
  const batch = db.prepare<[number], { id: number; subject: string; from_json: string; to_json: string; cc_json: string; body_text: string | null; body_html: string | null }>(
    `SELECT m.id, m.subject, m.from_json, m.to_json, m.cc_json, m.body_text, m.body_html
       FROM messages_fts_pending p JOIN messages m ON m.id = p.message_id ORDER BY p.message_id LIMIT ?`,
  );
  const done = db.prepare<[number]>('DELETE FROM messages_fts_pending WHERE message_id = ?');
  const insertFts = createFtsWriter(db);
  const list = (json: string) => JSON.parse(json) as Address[];
  const step = db.transaction((): number => {
    const rows = batch.all(INDEX_BATCH);
    for (const r of rows) {
      insertFts(r.id, ftsEntry({ subject: r.subject, from: list(r.from_json), to: list(r.to_json), cc: list(r.cc_json), text: r.body_text, html: r.body_html }));
      done.run(r.id);
    }
    return rows.length;
  });
  return () => {
    let total = 0;
    while (any.get()) {
      const n = step.immediate();
      total += n;
      if (n === 0) break;
    }
    return total;
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
