// Items of every class on PostgreSQL, the counterpart of store/items.ts: mail delivery and
// client adds, flag/read changes, deletes (tombstones) and moves; documents are written by
// store/postgres/docs.ts through `place` here. Every write goes through ctx.write, so the
// journal, NOTIFY and the change feed follow from it.
//
// SQLite takes its write lock at BEGIN (IMMEDIATE), before anything is read. Here a write first
// locks the account's row (lockAccount, or tx.modseq() where SQLite takes the modseq first), then
// reads what it decides on: under READ COMMITTED each later statement sees every write that
// committed before the lock was granted, and no other writer of the account can come between
// (docs/store.md "The asynchronous contract"). lockAccount does not take a modseq, so a write
// that turns out to be a no-op leaves the account's head where it was, as in SQLite.
import type { Delivery, DeliveredItem, DocWrite, Flag, Item, MailItem, Origin, ParsedMessage, Store } from '../types.js';
import { FolderType, StoreError } from '../types.js';
import { flagOf, parseFileReference, toAttachmentMeta, type AttachmentRow } from '../item-rows.js';
import { applyItemChange, flagColumns } from '../items.js';
import type { PgStoreContext } from './context.js';
import { ITEM_SELECT, readItem, readItems, type ItemRow, type PgQueryable } from './item-rows.js';
import { dropMessageIfUnused, insertMessage, prepareMessage, type PreparedMessage } from './messages.js';
import type { PgWriteContext } from './writer.js';

const LIVE_ITEM = `${ITEM_SELECT} WHERE i.id = $1 AND i.account_id = $2 AND i.deleted_modseq IS NULL`;

/**
 * Locks the account's row until COMMIT without taking a modseq (FOR NO KEY UPDATE, the mode
 * tx.modseq()'s UPDATE takes: it does not block other transactions' foreign-key checks).
 * Returns false when there is no such account.
 */
export async function lockAccount(tx: PgWriteContext, accountId: number): Promise<boolean> {
  const r = await tx.client.query('SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE', [accountId]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * Locks the accounts of a write that touches several (a delivery), in ascending id order and
 * taking their modseqs: two deliveries to the same accounts then wait for each other instead of
 * deadlocking. An unknown account fails with no-such-account, as a delivery to it does in SQLite.
 */
export async function lockAccountsForWrite(tx: PgWriteContext, accountIds: Iterable<number>): Promise<void> {
  for (const id of [...new Set(accountIds)].sort((a, b) => a - b)) await tx.modseq(id);
}

/** Throws no-such-folder unless the folder is a live folder of the account. */
export async function requireFolder(q: PgQueryable, accountId: number, folderId: number): Promise<void> {
  const r = await q.query('SELECT id FROM folders WHERE id = $1 AND account_id = $2 AND deleted_modseq IS NULL', [folderId, accountId]);
  if ((r.rowCount ?? 0) === 0) throw new StoreError('no-such-folder', `no folder ${folderId}`);
}

/** The live item of the account, or null. */
export async function getLiveItem(q: PgQueryable, accountId: number, itemId: number): Promise<Item | null> {
  const r = await q.query<ItemRow>(LIVE_ITEM, [itemId, accountId]);
  const row = r.rows[0];
  return row ? readItem(q, row) : null;
}

/** Reads an item the transaction itself just wrote. */
export async function mustRead(q: PgQueryable, accountId: number, itemId: number): Promise<Item> {
  const item = await getLiveItem(q, accountId, itemId);
  if (!item) throw new Error(`item ${itemId} vanished inside its own transaction`);
  return item;
}

async function mustReadMail(q: PgQueryable, accountId: number, itemId: number): Promise<MailItem> {
  const item = await mustRead(q, accountId, itemId);
  if (item.kind !== 'mail') throw new Error(`item ${itemId} is not a mail item`);
  return item;
}

export interface PlaceState {
  read: boolean;
  flag: Flag | null;
  categories: string[];
  receivedAt: string;
}

/** Inserts an item row: a placement of a message, or a document (JSON text and UID). */
export async function place(
  tx: PgWriteContext,
  accountId: number,
  folderId: number,
  content: { messageId: number } | { data: string; uid: string | null },
  origin: Origin,
  state: PlaceState,
): Promise<number> {
  const m = await tx.modseq(accountId);
  const doc = 'data' in content ? content : null;
  const r = await tx.client.query<{ id: number }>(
    `INSERT INTO items (account_id, folder_id, message_id, read, flag_status, flag_type, flag_start, flag_due,
       flag_complete, categories, received_at, created_modseq, created_origin, modseq, origin, data, uid)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
    [
      accountId, folderId, doc ? null : (content as { messageId: number }).messageId, state.read ? 1 : 0,
      ...flagColumns(state.flag), JSON.stringify(state.categories), state.receivedAt, m, origin, m, origin,
      doc?.data ?? null, doc?.uid ?? null,
    ],
  );
  return r.rows[0]!.id;
}

/** A folder's live items, newest first, over the pool or inside a transaction (`q`). */
export async function listLiveItems(q: PgQueryable, accountId: number, folderId: number, limit = -1): Promise<Item[]> {
  // SQLite reads a negative LIMIT as "no limit"; PostgreSQL's LIMIT NULL is the same.
  const r = await q.query<ItemRow>(
    `${ITEM_SELECT} WHERE i.folder_id = $1 AND i.account_id = $2 AND i.deleted_modseq IS NULL
     ORDER BY i.received_at DESC, i.id DESC LIMIT $3`,
    [folderId, accountId, limit < 0 ? null : limit],
  );
  return readItems(q, r.rows);
}

/** Tombstones every live item of one folder; returns how many (store/items.ts tombstoneFolderItems). */
export async function tombstoneFolderItems(tx: PgWriteContext, accountId: number, folderId: number, origin: Origin): Promise<number> {
  const m = await tx.modseq(accountId);
  // deleted_at: the retention of tombstones in folders no device syncs counts from it.
  const r = await tx.client.query<{ id: number }>(
    `UPDATE items SET deleted_modseq = $1, modseq = $1, origin = $2, deleted_at = $3
      WHERE folder_id = $4 AND account_id = $5 AND deleted_modseq IS NULL RETURNING id`,
    [m, origin, new Date().toISOString(), folderId, accountId],
  );
  // One journal row per item, as in SQLite; the feed gets one event per (folder, kind) whatever
  // the count (store/postgres/writer.ts).
  for (const row of r.rows) await tx.journal(accountId, folderId, row.id, 'delete', origin);
  return r.rows.length;
}

async function store(
  tx: PgWriteContext,
  accountId: number,
  folderId: number,
  raw: Buffer,
  msg: PreparedMessage,
  origin: Origin,
  read: boolean,
  meeting?: unknown,
): Promise<number> {
  const messageId = await insertMessage(tx.client, accountId, raw, msg, meeting);
  const itemId = await place(tx, accountId, folderId, { messageId }, origin, {
    read,
    flag: null,
    categories: [],
    receivedAt: new Date().toISOString(),
  });
  await tx.journal(accountId, folderId, itemId, 'add', origin);
  return itemId;
}

/** A delivery's documents, written inside its transaction (store/postgres/docs.ts writeDocs). */
export type WriteDocs = (tx: PgWriteContext, accountId: number, writes: DocWrite[]) => Promise<void>;
/** A DeliveryPlan bound to its reads (store/postgres/delivery-plan.ts), run inside the transaction. */
export type PrepareDelivery = (tx: PgWriteContext, deliveries: Delivery[]) => Promise<Delivery[]>;

export type PgItems = Pick<
  Store,
  'addItem' | 'getItem' | 'listItems' | 'countItems' | 'getBody' | 'getAttachment' | 'updateItem' | 'deleteItem' | 'moveItem' | 'replaceMessage'
> & {
  /** Store.deliver once composed with writeDocs and the plan (store/postgres/docs.ts, delivery-plan.ts). */
  deliver(deliveries: Delivery[], parsed: ParsedMessage, writeDocs: WriteDocs, prepare?: PrepareDelivery): Promise<DeliveredItem[]>;
};

export function createPgItems(ctx: PgStoreContext): PgItems {
  const { pool, write } = ctx;

  return {
    deliver(deliveries, parsed, writeDocs, prepare) {
      const msg = prepareMessage(parsed);
      return write(async (tx) => {
        // Every recipient's account locked first, in id order, before the plan reads and before
        // any write (docs/store.md: the plan sees what the commit sees).
        await lockAccountsForWrite(tx, deliveries.map((d) => d.accountId));
        const copies = prepare ? await prepare(tx, deliveries) : deliveries;
        const out: DeliveredItem[] = [];
        for (const d of copies) {
          let folderId = d.folderId;
          if (folderId === undefined) {
            const inbox = await tx.client.query<{ id: number }>(
              `SELECT id FROM folders WHERE account_id = $1 AND type = ${FolderType.Inbox} AND system = 1 AND deleted_modseq IS NULL`,
              [d.accountId],
            );
            folderId = inbox.rows[0]?.id;
            if (folderId === undefined) throw new StoreError('no-such-account', `no account ${d.accountId}`);
          } else await requireFolder(tx.client, d.accountId, folderId);
          const itemId = await store(tx, d.accountId, folderId, d.raw, msg, null, false, d.meeting);
          if (d.docs && d.docs.length > 0) await writeDocs(tx, d.accountId, d.docs);
          out.push({ accountId: d.accountId, folderId, itemId });
        }
        return out;
      });
    },

    addItem(accountId, folderId, raw, parsed, origin, read = false) {
      const msg = prepareMessage(parsed);
      return write(async (tx) => {
        await lockAccount(tx, accountId);
        await requireFolder(tx.client, accountId, folderId);
        return mustReadMail(tx.client, accountId, await store(tx, accountId, folderId, raw, msg, origin, read));
      });
    },

    getItem: (accountId, itemId) => getLiveItem(pool, accountId, itemId),

    listItems: (accountId, folderId, limit = -1) => listLiveItems(pool, accountId, folderId, limit),

    async countItems(accountId, folderId) {
      const r = await pool.query<{ n: number }>(
        'SELECT count(*) AS n FROM items WHERE folder_id = $1 AND account_id = $2 AND deleted_modseq IS NULL',
        [folderId, accountId],
      );
      return r.rows[0]?.n ?? 0;
    },

    async getBody(accountId, itemId) {
      const r = await pool.query<{ body_text: string | null; body_html: string | null; raw: Buffer }>(
        `SELECT m.body_text, m.body_html, m.raw FROM items i JOIN messages m ON m.id = i.message_id
          WHERE i.id = $1 AND i.account_id = $2 AND i.deleted_modseq IS NULL`,
        [itemId, accountId],
      );
      const row = r.rows[0];
      return row ? { text: row.body_text, html: row.body_html, raw: row.raw } : null;
    },

    async getAttachment(accountId, fileReference) {
      const ref = parseFileReference(fileReference);
      if (!ref) return null;
      const r = await pool.query<AttachmentRow & { content: Buffer }>(
        `SELECT a.idx, a.message_id, a.file_name, a.content_type, a.content_id, a.inline, a.size, a.content
           FROM attachments a JOIN messages m ON m.id = a.message_id
          WHERE a.message_id = $1 AND a.idx = $2 AND m.account_id = $3`,
        [ref.messageId, ref.index, accountId],
      );
      const row = r.rows[0];
      return row ? { ...toAttachmentMeta(row), content: row.content } : null;
    },

    updateItem(accountId, itemId, change, origin) {
      return write(async (tx) => {
        await lockAccount(tx, accountId);
        const row = (await tx.client.query<ItemRow>(LIVE_ITEM, [itemId, accountId])).rows[0];
        if (!row) return null;
        const { read, flag, categories, lastVerb, same } = applyItemChange(row, change);
        // A no-op change must not show up as a Change on the account's other devices.
        if (same) return readItem(tx.client, row);
        await tx.client.query(
          `UPDATE items SET read = $1, flag_status = $2, flag_type = $3, flag_start = $4, flag_due = $5, flag_complete = $6,
             categories = $7, last_verb = $8, last_verb_at = $9, modseq = $10, origin = $11 WHERE id = $12`,
          [read ? 1 : 0, ...flagColumns(flag), categories, ...lastVerb, await tx.modseq(accountId), origin, itemId],
        );
        await tx.journal(accountId, row.folder_id, itemId, 'change', origin);
        return mustRead(tx.client, accountId, itemId);
      });
    },

    deleteItem(accountId, itemId, origin) {
      return write(async (tx) => {
        // The modseq first, as SQLite: it is the account's lock (an unknown account: no-such-account).
        const m = await tx.modseq(accountId);
        const r = await tx.client.query<{ folder_id: number }>(
          `UPDATE items SET deleted_modseq = $1, modseq = $1, origin = $2, deleted_at = $3
            WHERE id = $4 AND account_id = $5 AND deleted_modseq IS NULL RETURNING folder_id`,
          [m, origin, new Date().toISOString(), itemId, accountId],
        );
        const row = r.rows[0];
        if (!row) return false;
        await tx.journal(accountId, row.folder_id, itemId, 'delete', origin);
        return true;
      });
    },

    moveItem(accountId, itemId, destFolderId, origin, options = {}) {
      return write(async (tx) => {
        await lockAccount(tx, accountId);
        const row = (await tx.client.query<ItemRow>(LIVE_ITEM, [itemId, accountId])).rows[0];
        if (!row) return null;
        await requireFolder(tx.client, accountId, destFolderId);
        if (row.folder_id === destFolderId) return readItem(tx.client, row);
        const m = await tx.modseq(accountId);
        // The mover asked for the item to go: its source Delete is never echoed to it.
        await tx.client.query(
          `UPDATE items SET deleted_modseq = $1, modseq = $1, origin = $2, deleted_at = $3
            WHERE id = $4 AND account_id = $5 AND deleted_modseq IS NULL`,
          [m, origin, new Date().toISOString(), itemId, accountId],
        );
        await tx.journal(accountId, row.folder_id, itemId, 'move-out', origin);
        // created_origin = the mover when MoveItems told it the new ServerId (DstMsgId). A Sync
        // delete-as-move tells it nothing: the new item is nobody's, so the mover gets its Add.
        const creator = options.moverKnows === false ? null : origin;
        const content = row.message_id !== null ? { messageId: row.message_id } : { data: row.data ?? 'null', uid: row.uid };
        const newId = await place(tx, accountId, destFolderId, content, creator, {
          read: row.read === 1,
          flag: flagOf(row),
          categories: JSON.parse(row.categories) as string[],
          // Exchange keeps the date a message arrived; the move does not make it new mail.
          receivedAt: row.received_at,
        });
        await tx.journal(accountId, destFolderId, newId, 'move-in', origin);
        return mustRead(tx.client, accountId, newId);
      });
    },

    replaceMessage(accountId, itemId, raw, parsed, origin) {
      const msg = prepareMessage(parsed);
      return write(async (tx) => {
        await lockAccount(tx, accountId);
        const row = (await tx.client.query<ItemRow>(LIVE_ITEM, [itemId, accountId])).rows[0];
        if (!row || row.message_id === null) return null;
        const messageId = await insertMessage(tx.client, accountId, raw, msg);
        await tx.client.query('UPDATE items SET message_id = $1, modseq = $2, origin = $3 WHERE id = $4', [
          messageId,
          await tx.modseq(accountId),
          origin,
          itemId,
        ]);
        await tx.journal(accountId, row.folder_id, itemId, 'change', origin);
        // A tombstone of an earlier placement may still reference the old message; then
        // maintenance drops it once that tombstone is purged.
        await dropMessageIfUnused(tx.client, row.message_id);
        return mustReadMail(tx.client, accountId, itemId);
      });
    },
  };
}
