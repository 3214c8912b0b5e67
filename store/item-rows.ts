// Reading items: the SELECT that joins an item to its message (mail) or carries its document
// (every other class), and the row → Item mapping.
import type Database from 'better-sqlite3';
import type { Address, AttachmentMeta, DocItem, Flag, Item, ItemBase, LastVerb, LastVerbExecuted, MailItem, MessageSummary } from './types.js';

export interface ItemRow {
  id: number;
  account_id: number;
  folder_id: number;
  message_id: number | null;
  read: number;
  flag_status: number | null;
  flag_type: string | null;
  flag_start: string | null;
  flag_due: string | null;
  flag_complete: string | null;
  categories: string;
  received_at: string;
  created_modseq: number;
  modseq: number;
  deleted_modseq: number | null;
  data: string | null;
  uid: string | null;
  last_verb: number | null;
  last_verb_at: string | null;
  // The message columns are null for a document item (LEFT JOIN).
  size: number;
  subject: string;
  from_json: string;
  to_json: string;
  cc_json: string;
  reply_to_json: string;
  date: string;
  message_header_id: string | null;
  in_reply_to: string | null;
  references_json: string;
  thread_topic: string | null;
  importance: number;
  has_attachments: number;
  attachment_count: number;
  preview: string;
  meeting: string | null;
}

export const ITEM_SELECT = `
  SELECT i.id, i.account_id, i.folder_id, i.message_id, i.read,
         i.flag_status, i.flag_type, i.flag_start, i.flag_due, i.flag_complete, i.categories,
         i.received_at, i.created_modseq, i.modseq, i.deleted_modseq, i.data, i.uid, i.last_verb, i.last_verb_at,
         m.size, m.subject, m.from_json, m.to_json, m.cc_json, m.reply_to_json, m.date,
         m.message_id AS message_header_id, m.in_reply_to, m.references_json, m.thread_topic,
         m.importance, m.has_attachments, m.attachment_count, m.preview, m.meeting
    FROM items i LEFT JOIN messages m ON m.id = i.message_id`;

export interface AttachmentRow {
  idx: number;
  message_id: number;
  file_name: string;
  content_type: string;
  content_id: string | null;
  inline: number;
  size: number;
}

/** FileReference: URL-safe and unique across the server. */
export function fileReferenceOf(messageId: number, index: number): string {
  return `${messageId}_${index}`;
}

export function parseFileReference(ref: string): { messageId: number; index: number } | null {
  const m = /^(\d{1,15})_(\d{1,6})$/.exec(ref.trim());
  return m ? { messageId: Number(m[1]), index: Number(m[2]) } : null;
}

export function toAttachmentMeta(row: AttachmentRow): AttachmentMeta {
  return {
    index: row.idx,
    fileReference: fileReferenceOf(row.message_id, row.idx),
    fileName: row.file_name,
    contentType: row.content_type,
    contentId: row.content_id,
    inline: row.inline === 1,
    size: row.size,
  };
}

export function flagOf(row: Pick<ItemRow, 'flag_status' | 'flag_type' | 'flag_start' | 'flag_due' | 'flag_complete'>): Flag | null {
  if (row.flag_status === null) return null;
  const flag: Flag = { status: row.flag_status as Flag['status'] };
  if (row.flag_type !== null) flag.flagType = row.flag_type;
  if (row.flag_start !== null) flag.startDate = row.flag_start;
  if (row.flag_due !== null) flag.dueDate = row.flag_due;
  if (row.flag_complete !== null) flag.completeTime = row.flag_complete;
  return flag;
}

export function lastVerbOf(row: Pick<ItemRow, 'last_verb' | 'last_verb_at'>): LastVerbExecuted | null {
  // Rows read by a query of their own (not ITEM_SELECT) may lack the columns: read as none.
  if (row.last_verb == null || row.last_verb_at == null) return null;
  return { verb: row.last_verb as LastVerb, at: row.last_verb_at };
}

function summaryOf(row: ItemRow): MessageSummary {
  return {
    subject: row.subject,
    from: JSON.parse(row.from_json) as Address[],
    to: JSON.parse(row.to_json) as Address[],
    cc: JSON.parse(row.cc_json) as Address[],
    replyTo: JSON.parse(row.reply_to_json) as Address[],
    date: row.date,
    messageId: row.message_header_id,
    inReplyTo: row.in_reply_to,
    references: JSON.parse(row.references_json) as string[],
    threadTopic: row.thread_topic,
    importance: row.importance as MessageSummary['importance'],
    hasAttachments: row.has_attachments === 1,
    preview: row.preview,
  };
}

/**
 * The Item of a joined row, given its attachment metadata (empty for a document or a message
 * without attachments). Shared with the PostgreSQL store (store/postgres/item-rows.ts), which
 * loads the attachments of a whole page in one query.
 */
export function toItem(row: ItemRow, attachments: AttachmentMeta[]): Item {
  const base: ItemBase = {
    id: row.id,
    accountId: row.account_id,
    folderId: row.folder_id,
    read: row.read === 1,
    flag: flagOf(row),
    categories: JSON.parse(row.categories) as string[],
    receivedAt: row.received_at,
    createdModseq: row.created_modseq,
    modseq: row.modseq,
    deletedModseq: row.deleted_modseq,
  };
  if (row.message_id === null) {
    const doc: DocItem = { ...base, kind: 'doc', data: JSON.parse(row.data ?? 'null') as unknown, uid: row.uid };
    return doc;
  }
  const mail: MailItem = {
    ...base,
    kind: 'mail',
    messageId: row.message_id,
    summary: summaryOf(row),
    size: row.size,
    attachments,
    meeting: row.meeting === null ? null : (JSON.parse(row.meeting) as unknown),
    lastVerb: lastVerbOf(row),
  };
  return mail;
}

/** Builds Items from joined rows, loading attachment metadata only for messages that have some. */
export function createItemReader(db: Database.Database) {
  const attachments = db.prepare<[number], AttachmentRow>(
    `SELECT idx, message_id, file_name, content_type, content_id, inline, size
       FROM attachments WHERE message_id = ? ORDER BY idx`,
  );
  return (row: ItemRow): Item =>
    toItem(row, row.message_id !== null && row.attachment_count > 0 ? attachments.all(row.message_id).map(toAttachmentMeta) : []);
}
