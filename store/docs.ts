// Document items: calendar events, contacts, tasks, notes (docs/store.md). The store keeps each
// as its class's JSON document with a UID and a window time; the journal, tombstones, moves,
// sync states and the change feed are the same as for mail (store/items.ts places the row).
import type Database from 'better-sqlite3';
import type { DocInput, DocItem, DocWrite, Item, Origin } from './types.js';
import type { createItems } from './items.js';
import type { Write, WriteContext } from './transaction.js';

type Items = ReturnType<typeof createItems>;

/** A document item's row as liveDoc reads it; the PostgreSQL store reads the same columns. */
export interface DocRow {
  id: number;
  folder_id: number;
  data: string;
  uid: string | null;
  received_at: string;
}

export function asDoc(item: Item): DocItem {
  if (item.kind !== 'doc') throw new Error(`item ${item.id} is not a document`);
  return item;
}

export function createDocs(db: Database.Database, write: Write, items: Items) {
  const liveDoc = db.prepare<[number, number], DocRow>(
    `SELECT id, folder_id, data, uid, received_at FROM items
      WHERE id = ? AND account_id = ? AND deleted_modseq IS NULL AND data IS NOT NULL`,
  );
  const byUidInFolder = db.prepare<[number, string, number], { id: number }>(
    `SELECT id FROM items INDEXED BY items_uid
      WHERE account_id = ? AND uid = ? AND deleted_modseq IS NULL AND folder_id = ? ORDER BY id LIMIT 1`,
  );
  const byUid = db.prepare<[number, string], { id: number }>(
    `SELECT id FROM items INDEXED BY items_uid
      WHERE account_id = ? AND uid = ? AND deleted_modseq IS NULL ORDER BY id LIMIT 1`,
  );
  const setDoc = db.prepare<[string, string | null, string, number, Origin, number]>(
    'UPDATE items SET data = ?, uid = ?, received_at = ?, modseq = ?, origin = ? WHERE id = ?',
  );

  function add(tx: WriteContext, accountId: number, folderId: number, doc: DocInput, origin: Origin): number {
    const id = items.place(tx, accountId, folderId, { data: JSON.stringify(doc.data), uid: doc.uid }, origin, {
      read: false,
      flag: null,
      categories: [],
      receivedAt: normalizeTime(doc.windowAt),
    });
    tx.journal(accountId, folderId, id, 'add', origin);
    return id;
  }

  /** Writes the new content; false when it is the same as stored (no change for other devices). */
  function replace(tx: WriteContext, accountId: number, row: DocRow, doc: DocInput, origin: Origin): boolean {
    const data = JSON.stringify(doc.data);
    const windowAt = normalizeTime(doc.windowAt);
    if (data === row.data && doc.uid === row.uid && windowAt === row.received_at) return false;
    setDoc.run(data, doc.uid, windowAt, tx.modseq(accountId), origin, row.id);
    tx.journal(accountId, row.folder_id, row.id, 'change', origin);
    return true;
  }

  function findId(accountId: number, folderId: number | null, uid: string): number | undefined {
    return (folderId === null ? byUid.get(accountId, uid) : byUidInFolder.get(accountId, uid, folderId))?.id;
  }

  return {
    /** A delivery's documents, inside its transaction: each replaces its live item, or is added. */
    writeDocs(tx: WriteContext, accountId: number, writes: DocWrite[]): void {
      for (const w of writes) {
        items.requireFolder(accountId, w.folderId);
        const row = w.itemId === null ? undefined : liveDoc.get(w.itemId, accountId);
        if (row) replace(tx, accountId, row, w.doc, null);
        else add(tx, accountId, w.folderId, w.doc, null);
      }
    },

    addDoc(accountId: number, folderId: number, doc: DocInput, origin: Origin): DocItem {
      return write((tx) => {
        items.requireFolder(accountId, folderId);
        return asDoc(items.mustRead(accountId, add(tx, accountId, folderId, doc, origin)));
      });
    },

    replaceDoc(accountId: number, itemId: number, doc: DocInput, origin: Origin): DocItem | null {
      return write((tx) => {
        const row = liveDoc.get(itemId, accountId);
        if (!row) return null;
        replace(tx, accountId, row, doc, origin);
        return asDoc(items.mustRead(accountId, itemId));
      });
    },

    findDocByUid(accountId: number, folderId: number | null, uid: string): DocItem | null {
      const id = findId(accountId, folderId, uid);
      const item = id === undefined ? null : items.getItem(accountId, id);
      return item?.kind === 'doc' ? item : null;
    },

    upsertDocs(accountId: number, folderId: number, docs: DocInput[], origin: Origin) {
      return write((tx) => {
        items.requireFolder(accountId, folderId);
        const counts = { added: 0, updated: 0, unchanged: 0 };
        for (const doc of docs) {
          const id = doc.uid === null ? undefined : findId(accountId, folderId, doc.uid);
          const row = id === undefined ? undefined : liveDoc.get(id, accountId);
          if (!row) {
            add(tx, accountId, folderId, doc, origin);
            counts.added++;
          } else if (replace(tx, accountId, row, doc, origin)) counts.updated++;
          else counts.unchanged++;
        }
        return counts;
      });
    },
  };
}

/** received_at is compared as text: one ISO format only ("…:00.000Z"). */
export function normalizeTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`window time ${JSON.stringify(iso)} is not a date`);
  return new Date(t).toISOString();
}
