// docs/sync.md §2: what a device has not seen in a folder.
//
// Two index-ordered streams after the cursor C = (modseq, id), merged by position:
//  - adds: items whose creation (created_modseq, id) is after C and that are still alive,
//    positioned at their creation;
//  - changes/deletes: items created at or before C whose last change (modseq, id) is after C.
// Positioning an add at its creation (not at its last change) is what keeps paging exact:
// an item changed between two pages is still sent as an Add in the page that passes its
// creation (with its current state), and once more as a harmless Change later. Positioned
// at its last change instead, it would be classified a Change the device can't apply.
//
// Own changes: a device is not sent what it did itself (docs/push.md rule 6), but only what it did
// after its sync relationship with the folder began (`ownAfter`, the head at SyncKey 0): on a
// resync the items it moved or drafted earlier are sent back like any other. Changes at or
// before that head are already in the Adds the device is sent (they carry the current state),
// and deletes at or before it are of items it was never sent, so neither is sent again.
//
// FilterType: before the merged streams, the live items the device holds (`window`, created at
// or before C) that are now older than `since` are sent once as SoftDelete (MS-ASCMD 2.2.3.162),
// and the page says which window the device holds afterwards. A mail item's window time never
// changes; a document's can (its class computes it: a task completed under FilterType 8 "incomplete
// only" falls out): a changed document now outside the window is sent as SoftDelete. One that
// comes back into it (a reopened task) is sent as a Change (docs/store.md says so).
import type Database from 'better-sqlite3';
import { ITEM_SELECT, createItemReader, type ItemRow } from './item-rows.js';
import type { ChangesPage, ChangesQuery, Cursor, ItemChange, WindowStart } from './types.js';

/** The id half of a cursor at the journal head: past every item of that modseq. */
export const HEAD_ITEM = Number.MAX_SAFE_INTEGER;

/** A row of either stream, positioned at km (its creation for an add, its last change otherwise). */
export interface Positioned {
  id: number;
  km: number;
  deleted: number | null;
  folder_id: number;
  received_at: string;
}

/** The named parameters of ADDS, UPDATES (and, with the window, SOFT). */
export interface ChangeParams {
  account: number;
  folder: number;
  cm: number;
  ci: number;
  device: number;
  /** The device's own changes with a modseq above this are skipped (HEAD_ITEM: none are). */
  own: number;
  /** Changes and deletes at or below this modseq are already known to the device (0: none). */
  seen: number;
  since: string | null;
}

export interface SoftChangeParams extends ChangeParams {
  since: string;
  wt: string;
  wi: number;
}

interface Params extends ChangeParams {
  limit: number;
}

interface SoftParams extends SoftChangeParams {
  limit: number;
}

interface SoftRow {
  id: number;
  folder_id: number;
  received_at: string;
}

// INDEXED BY: without statistics the planner may pick the other (modseq) index and scan
// the whole folder; each stream has exactly one right index.
const ADDS = `FROM items i INDEXED BY items_folder_created
  WHERE i.folder_id = @folder AND +i.account_id = @account
    AND (i.created_modseq, i.id) > (@cm, @ci)
    AND i.deleted_modseq IS NULL
    AND (i.created_origin IS NOT @device OR i.created_modseq <= @own)
    AND (@since IS NULL OR i.received_at >= @since)`;

const UPDATES = `FROM items i INDEXED BY items_folder_modseq
  WHERE i.folder_id = @folder AND +i.account_id = @account
    AND (i.modseq, i.id) > (@cm, @ci)
    AND (i.created_modseq, i.id) <= (@cm, @ci)
    AND i.modseq > @seen
    AND (i.origin IS NOT @device OR i.modseq <= @own)
    AND (i.deleted_modseq IS NOT NULL OR @since IS NULL OR i.received_at >= @since OR i.data IS NOT NULL)`;

// Live items the device holds ((received_at, id) at or after the window start, created at or
// before the cursor) that are older than `since` now.
const SOFT = `FROM items i INDEXED BY items_folder_live
  WHERE i.folder_id = @folder AND +i.account_id = @account AND i.deleted_modseq IS NULL
    AND i.received_at >= @wt AND (i.received_at > @wt OR i.id >= @wi)
    AND i.received_at < @since
    AND (i.created_modseq, i.id) <= (@cm, @ci)`;

/** Merge order of the two streams. */
function before(a: Pick<Positioned, 'km' | 'id'>, b: Pick<Positioned, 'km' | 'id'>): boolean {
  return a.km < b.km || (a.km === b.km && a.id < b.id);
}

/**
 * The first `room` rows of the two streams in merge order (adds at their creation, changes and
 * deletes at their last change), whether rows are left over, and the last row taken (the next
 * cursor when some are).
 */
export function mergeStreams(
  adds: readonly Positioned[],
  updates: readonly Positioned[],
  room: number,
): { merged: { row: Positioned; isAdd: boolean }[]; more: boolean; last: Positioned | null } {
  const merged: { row: Positioned; isAdd: boolean }[] = [];
  let a = 0;
  let u = 0;
  let last: Positioned | null = null;
  while (merged.length < room && (a < adds.length || u < updates.length)) {
    const nextAdd = adds[a];
    const nextUpdate = updates[u];
    const takeAdd = nextAdd !== undefined && (nextUpdate === undefined || before(nextAdd, nextUpdate));
    last = takeAdd ? nextAdd! : nextUpdate!;
    if (takeAdd) a++;
    else u++;
    merged.push({ row: last, isAdd: takeAdd });
  }
  return { merged, more: a < adds.length || u < updates.length, last };
}

/** ISO strings compare as text only in one format: "…:00Z" must become "…:00.000Z". */
export function normalizeSince(since: string | null): string | null {
  if (since === null) return null;
  const t = Date.parse(since);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** The window held once every item older than `since` was soft-deleted; it never moves back. */
export function windowAfter(since: string, from: WindowStart | null | undefined): WindowStart {
  return from && from.receivedAt > since ? from : { receivedAt: since, itemId: 0 };
}

/**
 * The statements' parameters for a query, given the own-changes start of the device's sync
 * relationship with the folder (the query's ownAfter, else the latest sync state's).
 */
export function changeParams(q: Omit<ChangesQuery, 'limit'>, ownAfter: number | null): ChangeParams {
  // Without a recorded start (states of older versions, bare queries): on an initial sync
  // everything is sent; past it every own change is skipped.
  const own = ownAfter ?? (q.cursor.modseq > 0 ? 0 : HEAD_ITEM);
  return {
    account: q.accountId,
    folder: q.folderId,
    cm: q.cursor.modseq,
    ci: q.cursor.itemId,
    device: q.deviceRowId,
    own,
    seen: ownAfter ?? 0,
    since: normalizeSince(q.since),
  };
}

/** SOFT's parameters: only with a FilterType (`since`) and a window the device holds. */
export function softParams(p: ChangeParams, window: WindowStart | null | undefined): SoftChangeParams | null {
  if (p.since === null || !window) return null;
  return { ...p, since: p.since, wt: window.receivedAt, wi: window.itemId };
}

export function createItemChanges(db: Database.Database) {
  const readItem = createItemReader(db);
  const addsPage = db.prepare<Params, Positioned>(
    `SELECT i.id, i.created_modseq AS km, i.deleted_modseq AS deleted, i.folder_id, i.received_at ${ADDS}
     ORDER BY i.created_modseq, i.id LIMIT @limit`,
  );
  const updatesPage = db.prepare<Params, Positioned>(
    `SELECT i.id, i.modseq AS km, i.deleted_modseq AS deleted, i.folder_id, i.received_at ${UPDATES}
     ORDER BY i.modseq, i.id LIMIT @limit`,
  );
  const softPage = db.prepare<SoftParams, SoftRow>(
    `SELECT i.id, i.folder_id, i.received_at ${SOFT} ORDER BY i.received_at, i.id LIMIT @limit`,
  );
  const countAdds = db.prepare<ChangeParams, { n: number }>(`SELECT count(*) AS n ${ADDS}`);
  const countUpdates = db.prepare<ChangeParams, { n: number }>(`SELECT count(*) AS n ${UPDATES}`);
  const countSoft = db.prepare<SoftChangeParams, { n: number }>(`SELECT count(*) AS n ${SOFT}`);
  const anyAdd = db.prepare<ChangeParams, { x: number }>(`SELECT 1 AS x ${ADDS} LIMIT 1`);
  const anyUpdate = db.prepare<ChangeParams, { x: number }>(`SELECT 1 AS x ${UPDATES} LIMIT 1`);
  const itemById = db.prepare<[number], ItemRow>(`${ITEM_SELECT} WHERE i.id = ?`);
  const head = db.prepare<[number], { modseq: number }>('SELECT modseq FROM accounts WHERE id = ?');
  const stateOwnAfter = db.prepare<[number, number], { own_after: number | null }>(
    'SELECT own_after FROM sync_states WHERE device_id = ? AND collection_id = ? ORDER BY sync_key DESC LIMIT 1',
  );

  function params(q: Omit<ChangesQuery, 'limit'>): ChangeParams {
    const ownAfter =
      q.ownAfter !== undefined ? q.ownAfter : (stateOwnAfter.get(q.deviceRowId, q.folderId)?.own_after ?? null);
    return changeParams(q, ownAfter);
  }

  function toChange(row: Positioned, isAdd: boolean, since: string | null): ItemChange {
    if (row.deleted !== null) return { kind: 'delete', itemId: row.id, folderId: row.folder_id };
    // Only a document's window time can fall (a task completed under "incomplete only"): the
    // device may hold it, so it leaves the window as a SoftDelete.
    if (!isAdd && since !== null && row.received_at < since) return { kind: 'soft-delete', itemId: row.id, folderId: row.folder_id };
    const itemRow = itemById.get(row.id);
    if (!itemRow) throw new Error(`item ${row.id} vanished inside a read transaction`);
    return { kind: isAdd ? 'add' : 'change', item: readItem(itemRow) };
  }

  return {
    changes: (q: ChangesQuery): ChangesPage =>
      // One read transaction: the page and the head it may return are one snapshot.
      db.transaction((): ChangesPage => {
        const limit = Math.max(1, Math.floor(q.limit));
        const base = params(q);
        const changes: ItemChange[] = [];

        const soft = softParams(base, q.window);
        if (soft) {
          const rows = softPage.all({ ...soft, limit: limit + 1 });
          for (const r of rows.slice(0, limit)) {
            changes.push({ kind: 'soft-delete', itemId: r.id, folderId: r.folder_id });
          }
          const last = rows[limit - 1];
          if (rows.length > limit && last) {
            // The window alone fills the page: the cursor stays, the window moves past what was sent.
            return { changes, next: q.cursor, more: true, window: { receivedAt: last.received_at, itemId: last.id + 1 } };
          }
        }

        const room = limit - changes.length;
        const p = { ...base, limit: room + 1 };
        const adds = addsPage.all(p);
        const updates = updatesPage.all(p);
        const { merged, more, last } = mergeStreams(adds, updates, room);
        for (const c of merged) changes.push(toChange(c.row, c.isAdd, base.since));
        const next: Cursor = more
          ? last
            ? { modseq: last.km, itemId: last.id }
            : q.cursor
          : { modseq: head.get(q.accountId)?.modseq ?? q.cursor.modseq, itemId: HEAD_ITEM };
        if (base.since === null) return { changes, next, more };
        return { changes, next, more, window: windowAfter(base.since, q.window) };
      })(),

    countChanges(q: Omit<ChangesQuery, 'limit'>): number {
      return db.transaction(() => {
        const p = params(q);
        const soft = softParams(p, q.window);
        return (countAdds.get(p)?.n ?? 0) + (countUpdates.get(p)?.n ?? 0) + (soft ? (countSoft.get(soft)?.n ?? 0) : 0);
      })();
    },

    hasPending(
      accountId: number,
      folderId: number,
      deviceRowId: number,
      cursor: Cursor,
      addsOnly: boolean,
      ownAfter?: number | null,
    ): boolean {
      const p = params({ accountId, folderId, deviceRowId, cursor, since: null, ownAfter });
      if (anyAdd.get(p)) return true;
      return !addsOnly && anyUpdate.get(p) !== undefined;
    },
  };
}
