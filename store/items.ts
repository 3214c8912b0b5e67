// Items of every class: mail delivery and client adds, flag/read changes, deletes (tombstones)
// and moves; documents (the other classes) are written by store/docs.ts through `place` here.
// Every write goes through `write`, so the journal and the change feed follow from it.
import type Database from 'better-sqlite3';
import { ITEM_SELECT, createItemReader, flagOf, lastVerbOf, parseFileReference, toAttachmentMeta, type ItemRow } from './item-rows.js';
import { createMessageDropper, createMessageWriter, prepareMessage, type IndexWhen, type PreparedMessage } from './messages.js';
import {
  FolderType,
  StoreError,
  type AttachmentMeta,
  type DeliveredItem,
  type Delivery,
  type DocWrite,
  type Flag,
  type Item,
  type ItemStateChange,
  type MailItem,
  type MessageBody,
  type Origin,
  type ParsedMessage,
} from './types.js';
import type { Write, WriteContext } from './transaction.js';

/** flag_status, flag_type, flag_start, flag_due, flag_complete (the PostgreSQL store writes the same). */
export type FlagColumns = [number | null, string | null, string | null, string | null, string | null];

export function flagColumns(flag: Flag | null): FlagColumns {
  if (!flag) return [null, null, null, null, null];
  return [flag.status, flag.flagType ?? null, flag.startDate ?? null, flag.dueDate ?? null, flag.completeTime ?? null];
}

/**
 * What updateItem writes: the row's read, flag, categories and last verb with the change
 * applied; `same` when nothing differs.
 */
export function applyItemChange(
  row: ItemRow,
  change: ItemStateChange,
): { read: boolean; flag: Flag | null; categories: string; lastVerb: [number | null, string | null]; same: boolean } {
  const read = change.read ?? row.read === 1;
  const flag = change.flag !== undefined ? change.flag : flagOf(row);
  const categories = JSON.stringify(change.categories ?? JSON.parse(row.categories));
  const verb = change.lastVerb ?? lastVerbOf(row);
  const lastVerb: [number | null, string | null] = verb ? [verb.verb, verb.at] : [null, null];
  const same =
    read === (row.read === 1) &&
    JSON.stringify(flagColumns(flag)) === JSON.stringify(flagColumns(flagOf(row))) &&
    categories === row.categories &&
    lastVerb[0] === (row.last_verb ?? null) &&
    lastVerb[1] === (row.last_verb_at ?? null);
  return { read, flag, categories, lastVerb, same };
}

export function createItems(db: Database.Database, write: Write) {
  const readItem = createItemReader(db);
  const insertMessage = createMessageWriter(db);
  const dropMessageIfUnused = createMessageDropper(db);

  const liveFolder = db.prepare<[number, number], { id: number }>(
    'SELECT id FROM folders WHERE id = ? AND account_id = ? AND deleted_modseq IS NULL',
  );
  const inbox = db.prepare<[number], { id: number }>(
    `SELECT id FROM folders WHERE account_id = ? AND type = ${FolderType.Inbox} AND system = 1 AND deleted_modseq IS NULL`,
  );
  const insertItem = db.prepare<
    [number, number, number | null, number, ...FlagColumns, string, string, number, Origin, number, Origin, string | null, string | null]
  >(
    `INSERT INTO items (account_id, folder_id, message_id, read, flag_status, flag_type, flag_start, flag_due,
       flag_complete, categories, received_at, created_modseq, created_origin, modseq, origin, data, uid)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const liveItem = db.prepare<[number, number], ItemRow>(
    `${ITEM_SELECT} WHERE i.id = ? AND i.account_id = ? AND i.deleted_modseq IS NULL`,
  );
  const listLive = db.prepare<[number, number, number], ItemRow>(
    `${ITEM_SELECT} WHERE i.folder_id = ? AND +i.account_id = ? AND i.deleted_modseq IS NULL
     ORDER BY i.received_at DESC, i.id DESC LIMIT ?`,
  );
  const countLive = db.prepare<[number, number], { n: number }>(
    'SELECT count(*) AS n FROM items WHERE folder_id = ? AND +account_id = ? AND deleted_modseq IS NULL',
  );
  const body = db.prepare<[number, number], { body_text: string | null; body_html: string | null; raw: Buffer }>(
    `SELECT m.body_text, m.body_html, m.raw FROM items i JOIN messages m ON m.id = i.message_id
      WHERE i.id = ? AND i.account_id = ? AND i.deleted_modseq IS NULL`,
  );
  const attachment = db.prepare<
    [number, number, number],
    Parameters<typeof toAttachmentMeta>[0] & { content: Buffer }
  >(
    `SELECT a.idx, a.message_id, a.file_name, a.content_type, a.content_id, a.inline, a.size, a.content
       FROM attachments a JOIN messages m ON m.id = a.message_id
      WHERE a.message_id = ? AND a.idx = ? AND m.account_id = ?`,
  );
  const updateFlags = db.prepare<[number, ...FlagColumns, string, number | null, string | null, number, Origin, number]>(
    `UPDATE items SET read = ?, flag_status = ?, flag_type = ?, flag_start = ?, flag_due = ?, flag_complete = ?,
       categories = ?, last_verb = ?, last_verb_at = ?, modseq = ?, origin = ? WHERE id = ?`,
  );
  // deleted_at: the retention of tombstones in folders no device syncs counts from it.
  const tombstone = db.prepare<[number, number, Origin, string, number, number], { folder_id: number }>(
    `UPDATE items SET deleted_modseq = ?, modseq = ?, origin = ?, deleted_at = ?
      WHERE id = ? AND account_id = ? AND deleted_modseq IS NULL RETURNING folder_id`,
  );
  const tombstoneFolder = db.prepare<[number, number, Origin, string, number, number], { id: number }>(
    `UPDATE items SET deleted_modseq = ?, modseq = ?, origin = ?, deleted_at = ?
      WHERE folder_id = ? AND +account_id = ? AND deleted_modseq IS NULL RETURNING id`,
  );
  const setMessage = db.prepare<[number, number, Origin, number]>(
    'UPDATE items SET message_id = ?, modseq = ?, origin = ? WHERE id = ?',
  );

  function requireFolder(accountId: number, folderId: number): void {
    if (!liveFolder.get(folderId, accountId)) throw new StoreError('no-such-folder', `no folder ${folderId}`);
  }

  /** Inserts an item row: a placement of a message, or a document (JSON text and UID). */
  function place(
    tx: WriteContext,
    accountId: number,
    folderId: number,
    content: { messageId: number } | { data: string; uid: string | null },
    origin: Origin,
    state: { read: boolean; flag: Flag | null; categories: string[]; receivedAt: string },
  ): number {
    const m = tx.modseq(accountId);
    const doc = 'data' in content ? content : null;
    const id = Number(
      insertItem.run(
        accountId, folderId, doc ? null : (content as { messageId: number }).messageId, state.read ? 1 : 0,
        ...flagColumns(state.flag), JSON.stringify(state.categories), state.receivedAt, m, origin, m, origin,
        doc?.data ?? null, doc?.uid ?? null,
      ).lastInsertRowid,
    );
    return id;
  }

  function store(
    tx: WriteContext,
    accountId: number,
    folderId: number,
    raw: Buffer,
    msg: PreparedMessage,
    origin: Origin,
    read: boolean,
    meeting?: unknown,
    index: IndexWhen = 'now',
  ): number {
    const messageId = insertMessage(accountId, raw, msg, meeting, index);
    const itemId = place(tx, accountId, folderId, { messageId }, origin, {
      read,
      flag: null,
      categories: [],
      receivedAt: new Date().toISOString(),
    });
    tx.journal(accountId, folderId, itemId, 'add', origin);
    return itemId;
  }

  function getItem(accountId: number, itemId: number): Item | null {
    const row = liveItem.get(itemId, accountId);
    return row ? readItem(row) : null;
  }

  function mustRead(accountId: number, itemId: number): Item {
    const item = getItem(accountId, itemId);
    if (!item) throw new Error(`item ${itemId} vanished inside its own transaction`);
    return item;
  }

  function mustReadMail(accountId: number, itemId: number): MailItem {
    const item = mustRead(accountId, itemId);
    if (item.kind !== 'mail') throw new Error(`item ${itemId} is not a mail item`);
    return item;
  }

  /** Tombstones every live item of one folder; returns how many. */
  function tombstoneFolderItems(tx: WriteContext, accountId: number, folderId: number, origin: Origin): number {
    const m = tx.modseq(accountId);
    const rows = tombstoneFolder.all(m, m, origin, new Date().toISOString(), folderId, accountId);
    for (const r of rows) tx.journal(accountId, folderId, r.id, 'delete', origin);
    return rows.length;
  }

  return {
    tombstoneFolderItems,
    getItem,
    mustRead,
    place,
    requireFolder,

    /** `writeDocs` writes a delivery's documents inside the same transaction (store/docs.ts). */
    /** `prepare` (a DeliveryPlan) completes the copies inside the transaction, before any write. */
    deliver(
      deliveries: Delivery[],
      parsed: ParsedMessage,
      writeDocs: (tx: WriteContext, accountId: number, writes: DocWrite[]) => void,
      prepare?: (deliveries: Delivery[]) => Delivery[],
    ): DeliveredItem[] {
      const msg = prepareMessage(parsed);
      return write((tx) =>
        (prepare ? prepare(deliveries) : deliveries).map((d) => {
          let folderId = d.folderId;
          if (folderId === undefined) {
            folderId = inbox.get(d.accountId)?.id;
            if (folderId === undefined) throw new StoreError('no-such-account', `no account ${d.accountId}`);
          } else requireFolder(d.accountId, folderId);
          // Its full-text entry after the commit (Store.indexPending): see IndexWhen.
          const itemId = store(tx, d.accountId, folderId, d.raw, msg, null, false, d.meeting, 'later');
          if (d.docs && d.docs.length > 0) writeDocs(tx, d.accountId, d.docs);
          return { accountId: d.accountId, folderId, itemId };
        }),
      );
    },

    addItem(accountId: number, folderId: number, raw: Buffer, parsed: ParsedMessage, origin: Origin, read = false): MailItem {
      const msg = prepareMessage(parsed);
      return write((tx) => {
        requireFolder(accountId, folderId);
        return mustReadMail(accountId, store(tx, accountId, folderId, raw, msg, origin, read));
      });
    },

    listItems(accountId: number, folderId: number, limit = -1): Item[] {
      // SQLite reads LIMIT -1 as "no limit".
      return listLive.all(folderId, accountId, limit).map(readItem);
    },

    countItems(accountId: number, folderId: number): number {
      return countLive.get(folderId, accountId)?.n ?? 0;
    },

    getBody(accountId: number, itemId: number): MessageBody | null {
      const row = body.get(itemId, accountId);
      return row ? { text: row.body_text, html: row.body_html, raw: row.raw } : null;
    },

    getAttachment(accountId: number, fileReference: string): (AttachmentMeta & { content: Buffer }) | null {
      const ref = parseFileReference(fileReference);
      if (!ref) return null;
      const row = attachment.get(ref.messageId, ref.index, accountId);
      return row ? { ...toAttachmentMeta(row), content: row.content } : null;
    },

    updateItem(
      accountId: number,
      itemId: number,
      change: ItemStateChange,
      origin: Origin,
    ): Item | null {
      return write((tx) => {
        const row = liveItem.get(itemId, accountId);
        if (!row) return null;
        const { read, flag, categories, lastVerb, same } = applyItemChange(row, change);
        // A no-op change must not show up as a Change on the account's other devices.
        if (same) return readItem(row);
        updateFlags.run(read ? 1 : 0, ...flagColumns(flag), categories, ...lastVerb, tx.modseq(accountId), origin, itemId);
        tx.journal(accountId, row.folder_id, itemId, 'change', origin);
        return mustRead(accountId, itemId);
      });
    },

    deleteItem(accountId: number, itemId: number, origin: Origin): boolean {
      return write((tx) => {
        const m = tx.modseq(accountId);
        const row = tombstone.get(m, m, origin, new Date().toISOString(), itemId, accountId);
        if (!row) return false;
        tx.journal(accountId, row.folder_id, itemId, 'delete', origin);
        return true;
      });
    },

    moveItem(
      accountId: number,
      itemId: number,
      destFolderId: number,
      origin: Origin,
      options: { moverKnows?: boolean } = {},
    ): Item | null {
      return write((tx) => {
        const row = liveItem.get(itemId, accountId);
        if (!row) return null;
        requireFolder(accountId, destFolderId);
        if (row.folder_id === destFolderId) return readItem(row);
        const m = tx.modseq(accountId);
        // The mover asked for the item to go: its source Delete is never echoed to it.
        tombstone.run(m, m, origin, new Date().toISOString(), itemId, accountId);
        tx.journal(accountId, row.folder_id, itemId, 'move-out', origin);
        // created_origin = the mover when MoveItems told it the new ServerId (DstMsgId). A Sync
        // delete-as-move tells it nothing: the new item is nobody's, so the mover gets its Add.
        const creator = options.moverKnows === false ? null : origin;
        const content = row.message_id !== null ? { messageId: row.message_id } : { data: row.data ?? 'null', uid: row.uid };
        const newId = place(tx, accountId, destFolderId, content, creator, {
          read: row.read === 1,
          flag: flagOf(row),
          categories: JSON.parse(row.categories) as string[],
          // Exchange keeps the date a message arrived; the move does not make it new mail.
          receivedAt: row.received_at,
        });
        tx.journal(accountId, destFolderId, newId, 'move-in', origin);
        return mustRead(accountId, newId);
      });
    },

    replaceMessage(accountId: number, itemId: number, raw: Buffer, parsed: ParsedMessage, origin: Origin): MailItem | null {
      const msg = prepareMessage(parsed);
      return write((tx) => {
        const row = liveItem.get(itemId, accountId);
        if (!row || row.message_id === null) return null;
        const messageId = insertMessage(accountId, raw, msg);
        setMessage.run(messageId, tx.modseq(accountId), origin, itemId);
        tx.journal(accountId, row.folder_id, itemId, 'change', origin);
        // A tombstone of an earlier placement may still reference the old message; then
        // maintenance drops it once that tombstone is purged.
        dropMessageIfUnused(row.message_id);
        return mustReadMail(accountId, itemId);
      });
    },
  };
}
