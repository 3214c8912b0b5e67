// docs/sync.md §2 on PostgreSQL: what a device has not seen in a folder. The counterpart of
// store/item-changes.ts, whose header explains the two streams (adds positioned at their
// creation, changes/deletes at their last change), own changes, and FilterType soft-deletes.
// The SQL is the same, with named parameters bound to $n (bind below), `IS NOT` as
// `IS DISTINCT FROM`, and no INDEXED BY (PostgreSQL has statistics; each stream's index is the
// only one that matches its ORDER BY).
//
// A page and the head it may return are one snapshot: one REPEATABLE READ, read-only
// transaction (SQLite: one read transaction). The items of the page are read in one query at
// the end instead of one per change.
import { HEAD_ITEM, changeParams, mergeStreams, softParams, windowAfter, type ChangeParams, type Positioned } from '../item-changes.js';
import type { ChangesPage, ChangesQuery, Cursor, Item, ItemChange, Store } from '../types.js';
import { withTransaction } from './connect.js';
import type { PgStoreContext } from './context.js';
import { readItemsById, type PgQueryable } from './item-rows.js';

export { HEAD_ITEM };

const ADDS = `FROM items i
  WHERE i.folder_id = @folder AND i.account_id = @account
    AND (i.created_modseq, i.id) > (@cm::bigint, @ci::bigint)
    AND i.deleted_modseq IS NULL
    AND (i.created_origin IS DISTINCT FROM @device::bigint OR i.created_modseq <= @own::bigint)
    AND (@since::text IS NULL OR i.received_at >= @since::text)`;

const UPDATES = `FROM items i
  WHERE i.folder_id = @folder AND i.account_id = @account
    AND (i.modseq, i.id) > (@cm::bigint, @ci::bigint)
    AND (i.created_modseq, i.id) <= (@cm::bigint, @ci::bigint)
    AND i.modseq > @seen::bigint
    AND (i.origin IS DISTINCT FROM @device::bigint OR i.modseq <= @own::bigint)
    AND (i.deleted_modseq IS NOT NULL OR @since::text IS NULL OR i.received_at >= @since::text OR i.data IS NOT NULL)`;

const SOFT = `FROM items i
  WHERE i.folder_id = @folder AND i.account_id = @account AND i.deleted_modseq IS NULL
    AND i.received_at >= @wt::text AND (i.received_at > @wt::text OR i.id >= @wi::bigint)
    AND i.received_at < @since::text
    AND (i.created_modseq, i.id) <= (@cm::bigint, @ci::bigint)`;

/**
 * `@name` → `$n`, the values in that order: the statements keep SQLite's named parameters, and
 * only the parameters a statement uses are sent (PostgreSQL refuses extra ones).
 */
function bind(text: string, params: object): [string, unknown[]] {
  const values: unknown[] = [];
  const index = new Map<string, number>();
  const sql = text.replace(/@([a-z]+)/g, (_, name: string) => {
    let n = index.get(name);
    if (n === undefined) {
      if (!(name in params)) throw new Error(`no value for @${name}`);
      values.push((params as Record<string, unknown>)[name]);
      index.set(name, (n = values.length));
    }
    return `$${n}`;
  });
  return [sql, values];
}

async function rows<R extends object>(q: PgQueryable, text: string, params: object): Promise<R[]> {
  const [sql, values] = bind(text, params);
  return (await q.query<R & Record<string, unknown>>(sql, values)).rows;
}

async function count(q: PgQueryable, from: string, params: object): Promise<number> {
  return (await rows<{ n: number }>(q, `SELECT count(*) AS n ${from}`, params))[0]?.n ?? 0;
}

async function any(q: PgQueryable, from: string, params: object): Promise<boolean> {
  return (await rows(q, `SELECT 1 AS x ${from} LIMIT 1`, params)).length > 0;
}

async function params(q: PgQueryable, query: Omit<ChangesQuery, 'limit'>): Promise<ChangeParams> {
  let ownAfter = query.ownAfter;
  if (ownAfter === undefined) {
    const r = await q.query<{ own_after: number | null }>(
      'SELECT own_after FROM sync_states WHERE device_id = $1 AND collection_id = $2 ORDER BY sync_key DESC LIMIT 1',
      [query.deviceRowId, query.folderId],
    );
    ownAfter = r.rows[0]?.own_after ?? null;
  }
  return changeParams(query, ownAfter);
}

/** One snapshot for a read made of several statements (docs/store.md). */
function snapshot<T>(ctx: PgStoreContext, fn: (q: PgQueryable) => Promise<T>): Promise<T> {
  return withTransaction(ctx.pool, fn, { isolation: 'repeatable read', readOnly: true });
}

async function page(q: PgQueryable, query: ChangesQuery): Promise<ChangesPage> {
  const limit = Math.max(1, Math.floor(query.limit));
  const base = await params(q, query);
  const changes: ItemChange[] = [];

  const soft = softParams(base, query.window);
  if (soft) {
    const found = await rows<{ id: number; folder_id: number; received_at: string }>(
      q,
      `SELECT i.id, i.folder_id, i.received_at ${SOFT} ORDER BY i.received_at, i.id LIMIT @limit`,
      { ...soft, limit: limit + 1 },
    );
    for (const r of found.slice(0, limit)) changes.push({ kind: 'soft-delete', itemId: r.id, folderId: r.folder_id });
    const last = found[limit - 1];
    if (found.length > limit && last) {
      // The window alone fills the page: the cursor stays, the window moves past what was sent.
      return { changes, next: query.cursor, more: true, window: { receivedAt: last.received_at, itemId: last.id + 1 } };
    }
  }

  const room = limit - changes.length;
  const p = { ...base, limit: room + 1 };
  const adds = await rows<Positioned>(
    q,
    `SELECT i.id, i.created_modseq AS km, i.deleted_modseq AS deleted, i.folder_id, i.received_at ${ADDS}
     ORDER BY i.created_modseq, i.id LIMIT @limit`,
    p,
  );
  const updates = await rows<Positioned>(
    q,
    `SELECT i.id, i.modseq AS km, i.deleted_modseq AS deleted, i.folder_id, i.received_at ${UPDATES}
     ORDER BY i.modseq, i.id LIMIT @limit`,
    p,
  );
  // Merged as in SQLite; the items to send whole are read afterwards, all in one query.
  const { merged, more, last } = mergeStreams(adds, updates, room);
  const whole = (c: { row: Positioned; isAdd: boolean }) =>
    c.row.deleted === null && !(!c.isAdd && base.since !== null && c.row.received_at < base.since);
  const items = new Map<number, Item>(
    (await readItemsById(q, merged.filter(whole).map((c) => c.row.id))).map((item) => [item.id, item]),
  );
  for (const c of merged) {
    const { row } = c;
    if (row.deleted !== null) changes.push({ kind: 'delete', itemId: row.id, folderId: row.folder_id });
    // Only a document's window time can fall (a task completed under "incomplete only"): the
    // device may hold it, so it leaves the window as a SoftDelete.
    else if (!whole(c)) changes.push({ kind: 'soft-delete', itemId: row.id, folderId: row.folder_id });
    else {
      const item = items.get(row.id);
      if (!item) throw new Error(`item ${row.id} vanished inside a read transaction`);
      changes.push({ kind: c.isAdd ? 'add' : 'change', item });
    }
  }
  let next: Cursor;
  if (more) next = last ? { modseq: last.km, itemId: last.id } : query.cursor;
  else {
    const head = await q.query<{ modseq: number }>('SELECT modseq FROM accounts WHERE id = $1', [query.accountId]);
    next = { modseq: head.rows[0]?.modseq ?? query.cursor.modseq, itemId: HEAD_ITEM };
  }
  if (base.since === null) return { changes, next, more };
  return { changes, next, more, window: windowAfter(base.since, query.window) };
}

export type PgItemChanges = Pick<Store, 'changes' | 'countChanges' | 'hasPending'>;

/**
 * hasPending on a given connection: Store.pendingFolders runs it for each folder inside its own
 * snapshot (store/postgres/pending.ts).
 */
export async function hasPendingOn(
  q: PgQueryable,
  accountId: number,
  folderId: number,
  deviceRowId: number,
  cursor: Cursor,
  addsOnly: boolean,
  ownAfter?: number | null,
): Promise<boolean> {
  const p = await params(q, { accountId, folderId, deviceRowId, cursor, since: null, ownAfter });
  if (await any(q, ADDS, p)) return true;
  return !addsOnly && (await any(q, UPDATES, p));
}

export function createPgItemChanges(ctx: PgStoreContext): PgItemChanges {
  return {
    changes: (query) => snapshot(ctx, (q) => page(q, query)),

    countChanges: (query) =>
      snapshot(ctx, async (q) => {
        const p = await params(q, query);
        const soft = softParams(p, query.window);
        return (await count(q, ADDS, p)) + (await count(q, UPDATES, p)) + (soft ? await count(q, SOFT, soft) : 0);
      }),

    // Separate statements, as in SQLite (no transaction there either): an add found by the first
    // is pending whatever the second sees.
    hasPending: (accountId, folderId, deviceRowId, cursor, addsOnly, ownAfter) =>
      hasPendingOn(ctx.pool, accountId, folderId, deviceRowId, cursor, addsOnly, ownAfter),
  };
}
