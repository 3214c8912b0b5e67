// Document items on PostgreSQL (calendar events, contacts, tasks, notes), the counterpart of
// store/docs.ts: each is its class's JSON document (text) with a UID and a window time; the
// journal, tombstones, moves and the feed are those of mail (store/postgres/items.ts places the
// row). Every write locks the account before it reads what it decides on (items.ts says why).
import { asDoc, normalizeTime, type DocRow } from '../docs.js';
import type { DocInput, DocItem, DocWrite, Origin, Store } from '../types.js';
import type { PgStoreContext } from './context.js';
import { ITEM_SELECT, readItem, type ItemRow, type PgQueryable } from './item-rows.js';
import { lockAccount, mustRead, place, requireFolder } from './items.js';
import type { PgWriteContext } from './writer.js';

async function liveDoc(q: PgQueryable, accountId: number, itemId: number): Promise<DocRow | undefined> {
  const r = await q.query<DocRow>(
    `SELECT id, folder_id, data, uid, received_at FROM items
      WHERE id = $1 AND account_id = $2 AND deleted_modseq IS NULL AND data IS NOT NULL`,
    [itemId, accountId],
  );
  return r.rows[0];
}

/** The id of the account's live item with this UID (in one folder, or in any): the oldest. */
async function findId(q: PgQueryable, accountId: number, folderId: number | null, uid: string): Promise<number | undefined> {
  const r = await q.query<{ id: number }>(
    `SELECT id FROM items
      WHERE account_id = $1 AND uid = $2 AND deleted_modseq IS NULL AND ($3::bigint IS NULL OR folder_id = $3)
      ORDER BY id LIMIT 1`,
    [accountId, uid, folderId],
  );
  return r.rows[0]?.id;
}

/** Store.findDocByUid on any connection; one statement (SQLite: two, under no write). */
export async function findDocByUid(q: PgQueryable, accountId: number, folderId: number | null, uid: string): Promise<DocItem | null> {
  const r = await q.query<ItemRow>(
    `${ITEM_SELECT}
      WHERE i.id = (SELECT id FROM items
                     WHERE account_id = $1 AND uid = $2 AND deleted_modseq IS NULL AND ($3::bigint IS NULL OR folder_id = $3)
                     ORDER BY id LIMIT 1)`,
    [accountId, uid, folderId],
  );
  const row = r.rows[0];
  if (!row) return null;
  const item = await readItem(q, row);
  return item.kind === 'doc' ? item : null;
}

async function add(tx: PgWriteContext, accountId: number, folderId: number, doc: DocInput, origin: Origin): Promise<number> {
  const id = await place(tx, accountId, folderId, { data: JSON.stringify(doc.data), uid: doc.uid }, origin, {
    read: false,
    flag: null,
    categories: [],
    receivedAt: normalizeTime(doc.windowAt),
  });
  await tx.journal(accountId, folderId, id, 'add', origin);
  return id;
}

/** Writes the new content; false when it is the same as stored (no change for other devices). */
async function replace(tx: PgWriteContext, accountId: number, row: DocRow, doc: DocInput, origin: Origin): Promise<boolean> {
  const data = JSON.stringify(doc.data);
  const windowAt = normalizeTime(doc.windowAt);
  if (data === row.data && doc.uid === row.uid && windowAt === row.received_at) return false;
  await tx.client.query('UPDATE items SET data = $1, uid = $2, received_at = $3, modseq = $4, origin = $5 WHERE id = $6', [
    data,
    doc.uid,
    windowAt,
    await tx.modseq(accountId),
    origin,
    row.id,
  ]);
  await tx.journal(accountId, row.folder_id, row.id, 'change', origin);
  return true;
}

/**
 * A delivery's documents, inside its transaction (the account is locked by the delivery): each
 * replaces its live item, or is added. Passed to PgItems.deliver.
 */
export async function writeDocs(tx: PgWriteContext, accountId: number, writes: DocWrite[]): Promise<void> {
  for (const w of writes) {
    await requireFolder(tx.client, accountId, w.folderId);
    const row = w.itemId === null ? undefined : await liveDoc(tx.client, accountId, w.itemId);
    if (row) await replace(tx, accountId, row, w.doc, null);
    else await add(tx, accountId, w.folderId, w.doc, null);
  }
}

export type PgDocs = Pick<Store, 'addDoc' | 'replaceDoc' | 'findDocByUid' | 'upsertDocs'>;

export function createPgDocs(ctx: PgStoreContext): PgDocs {
  const { pool, write } = ctx;
  return {
    addDoc(accountId, folderId, doc, origin) {
      return write(async (tx) => {
        await lockAccount(tx, accountId);
        await requireFolder(tx.client, accountId, folderId);
        return asDoc(await mustRead(tx.client, accountId, await add(tx, accountId, folderId, doc, origin)));
      });
    },

    replaceDoc(accountId, itemId, doc, origin) {
      return write(async (tx) => {
        await lockAccount(tx, accountId);
        const row = await liveDoc(tx.client, accountId, itemId);
        if (!row) return null;
        await replace(tx, accountId, row, doc, origin);
        return asDoc(await mustRead(tx.client, accountId, itemId));
      });
    },

    findDocByUid: (accountId, folderId, uid) => findDocByUid(pool, accountId, folderId, uid),

    upsertDocs(accountId, folderId, docs, origin) {
      return write(async (tx) => {
        await lockAccount(tx, accountId);
        await requireFolder(tx.client, accountId, folderId);
        const counts = { added: 0, updated: 0, unchanged: 0 };
        for (const doc of docs) {
          const id = doc.uid === null ? undefined : await findId(tx.client, accountId, folderId, doc.uid);
          const row = id === undefined ? undefined : await liveDoc(tx.client, accountId, id);
          if (!row) {
            await add(tx, accountId, folderId, doc, origin);
            counts.added++;
          } else if (await replace(tx, accountId, row, doc, origin)) counts.updated++;
          else counts.unchanged++;
        }
        return counts;
      });
    },
  };
}
