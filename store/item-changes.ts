// SYNC.md "A device's position is a cursor": what a device has not seen in a folder.
//
// Two index-ordered streams after the cursor C = (modseq, id), merged by position:
//  - adds: items whose creation (created_modseq, id) is after C and that are still alive,
//    positioned at their creation;
//  - changes/deletes: items created at or before C whose last change (modseq, id) is after C.
// Positioning an add at its creation (not at its last change) is what keeps paging exact:
// an item changed between two pages is still sent as an Add in the page that passes its
// creation (with its current state), and once more as a harmless Change later. Positioned
// at its last change instead, it would be classified a Change the device can't apply.
import type Database from 'better-sqlite3';
import { ITEM_SELECT, createItemReader, type ItemRow } from './item-rows.js';
import type { ChangesPage, ChangesQuery, Cursor, ItemChange } from './types.js';

/** The id half of a cursor at the journal head: past every item of that modseq. */
export const HEAD_ITEM = Number.MAX_SAFE_INTEGER;

interface Positioned {
  id: number;
  km: number;
  deleted: number | null;
  folder_id: number;
}

interface Params {
  account: number;
  folder: number;
  cm: number;
  ci: number;
  device: number;
  /** 1: apply the own-origin rules; 0 on an initial sync, which must send everything. */
  skip: number;
  since: string | null;
  limit: number;
}

// INDEXED BY: without statistics the planner may pick the other (modseq) index and scan
// the whole folder; each stream has exactly one right index.
const ADDS = `FROM items i INDEXED BY items_folder_created
  WHERE i.folder_id = @folder AND +i.account_id = @account
    AND (i.created_modseq, i.id) > (@cm, @ci)
    AND i.deleted_modseq IS NULL
    AND (@skip = 0 OR i.created_origin IS NOT @device)
    AND (@since IS NULL OR i.received_at >= @since)`;

const UPDATES = `FROM items i INDEXED BY items_folder_modseq
  WHERE i.folder_id = @folder AND +i.account_id = @account
    AND (i.modseq, i.id) > (@cm, @ci)
    AND (i.created_modseq, i.id) <= (@cm, @ci)
    AND (@skip = 0 OR i.origin IS NOT @device)
    AND (i.deleted_modseq IS NOT NULL OR @since IS NULL OR i.received_at >= @since)`;

function before(a: Positioned, b: Positioned): boolean {
  return a.km < b.km || (a.km === b.km && a.id < b.id);
}

/** ISO strings compare as text only in one format: "…:00Z" must become "…:00.000Z". */
function normalizeSince(since: string | null): string | null {
  if (since === null) return null;
  const t = Date.parse(since);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

export function createItemChanges(db: Database.Database) {
  const readItem = createItemReader(db);
  const addsPage = db.prepare<Params, Positioned>(
    `SELECT i.id, i.created_modseq AS km, i.deleted_modseq AS deleted, i.folder_id ${ADDS}
     ORDER BY i.created_modseq, i.id LIMIT @limit`,
  );
  const updatesPage = db.prepare<Params, Positioned>(
    `SELECT i.id, i.modseq AS km, i.deleted_modseq AS deleted, i.folder_id ${UPDATES}
     ORDER BY i.modseq, i.id LIMIT @limit`,
  );
  const countAdds = db.prepare<Omit<Params, 'limit'>, { n: number }>(`SELECT count(*) AS n ${ADDS}`);
  const countUpdates = db.prepare<Omit<Params, 'limit'>, { n: number }>(`SELECT count(*) AS n ${UPDATES}`);
  const anyAdd = db.prepare<Omit<Params, 'limit'>, { x: number }>(`SELECT 1 AS x ${ADDS} LIMIT 1`);
  const anyUpdate = db.prepare<Omit<Params, 'limit'>, { x: number }>(`SELECT 1 AS x ${UPDATES} LIMIT 1`);
  const itemById = db.prepare<[number], ItemRow>(`${ITEM_SELECT} WHERE i.id = ?`);
  const head = db.prepare<[number], { modseq: number }>('SELECT modseq FROM accounts WHERE id = ?');

  function params(q: Omit<ChangesQuery, 'limit'>): Omit<Params, 'limit'> {
    return {
      account: q.accountId,
      folder: q.folderId,
      cm: q.cursor.modseq,
      ci: q.cursor.itemId,
      device: q.deviceRowId,
      skip: q.cursor.modseq > 0 ? 1 : 0,
      since: normalizeSince(q.since),
    };
  }

  function toChange(row: Positioned, isAdd: boolean): ItemChange {
    if (row.deleted !== null) return { kind: 'delete', itemId: row.id, serverId: `${row.folder_id}:${row.id}` };
    const itemRow = itemById.get(row.id);
    if (!itemRow) throw new Error(`item ${row.id} vanished inside a read transaction`);
    return { kind: isAdd ? 'add' : 'change', item: readItem(itemRow) };
  }

  return {
    changes: (q: ChangesQuery): ChangesPage =>
      // One read transaction: the page and the head it may return are one snapshot.
      db.transaction((): ChangesPage => {
        const limit = Math.max(1, Math.floor(q.limit));
        const p = { ...params(q), limit: limit + 1 };
        const adds = addsPage.all(p);
        const updates = updatesPage.all(p);
        const changes: ItemChange[] = [];
        let a = 0;
        let u = 0;
        let last: Positioned | null = null;
        while (changes.length < limit && (a < adds.length || u < updates.length)) {
          const nextAdd = adds[a];
          const nextUpdate = updates[u];
          const takeAdd = nextAdd !== undefined && (nextUpdate === undefined || before(nextAdd, nextUpdate));
          last = takeAdd ? nextAdd! : nextUpdate!;
          if (takeAdd) a++;
          else u++;
          changes.push(toChange(last, takeAdd));
        }
        const more = a < adds.length || u < updates.length;
        const next: Cursor =
          more && last
            ? { modseq: last.km, itemId: last.id }
            : { modseq: head.get(q.accountId)?.modseq ?? q.cursor.modseq, itemId: HEAD_ITEM };
        return { changes, next, more };
      })(),

    countChanges(q: Omit<ChangesQuery, 'limit'>): number {
      const p = params(q);
      return db.transaction(() => (countAdds.get(p)?.n ?? 0) + (countUpdates.get(p)?.n ?? 0))();
    },

    hasPending(accountId: number, folderId: number, deviceRowId: number, cursor: Cursor, addsOnly: boolean): boolean {
      const p = params({ accountId, folderId, deviceRowId, cursor, since: null });
      if (anyAdd.get(p)) return true;
      return !addsOnly && anyUpdate.get(p) !== undefined;
    },
  };
}
