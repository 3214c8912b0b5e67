// What `eas-push copy` copies, derived from the two schemas rather than listed by hand: every
// ordinary SQLite table goes to the PostgreSQL table of the same name, column by column, in an
// order where referenced rows come first. A SQLite table or column the target lacks stops the
// copy before anything is written: a later migration added to one store and not the other is
// never silently left behind.
//
// Not copied:
// - SQLite's internals (sqlite_sequence: its high-water marks set the target's identity
//   sequences instead) and the FTS5 index messages_fts with its shadow tables (contentless: it
//   is rebuilt from the messages, store/copy/search-index.ts).
// - Ephemeral state. The SQLite store keeps none in tables: parked requests, the login throttle,
//   the per-account cap and each device's last Sync request live in the server's memory. The
//   PostgreSQL tables that share them between nodes have no SQLite counterpart (migration 12:
//   node_presence, parked_presence, login_failures, sync_request_cache) and are left as the
//   migrations made them, empty: losing them costs a phone one retry at most. schema_version is
//   the migrations' own.
import { CopyError } from './errors.js';
import type { PgTable } from './pg-schema.js';
import { referenceOrder } from './pg-schema.js';
import { quoteIdent, type SqliteTable } from './sqlite-source.js';

/** Target tables the copy fills from something else than a source table of the same name. */
export const REBUILT: Readonly<Record<string, string>> = { messages_fts: 'messages' };

export interface TablePlan {
  name: string;
  /** Target columns, in the order the values are read. */
  columns: string[];
  /** The SELECT that reads them from SQLite (rowid as the id of a table that has no id column there). */
  select: string;
  /** The identity columns given a value: INSERT … OVERRIDING SYSTEM VALUE. */
  identities: string[];
}

export interface CopyPlan {
  tables: TablePlan[];
  /** Target tables neither copied nor rebuilt (left as the migrations made them). */
  untouched: string[];
}

export function planCopy(source: readonly SqliteTable[], target: ReadonlyMap<string, PgTable>): CopyPlan {
  const unknown = source.filter((t) => !target.has(t.name)).map((t) => t.name);
  if (unknown.length > 0) {
    throw new CopyError(
      `the SQLite store has table${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} that the PostgreSQL schema lacks; this eas-push cannot copy ${unknown.length === 1 ? 'it' : 'them'}: nothing copied`,
    );
  }
  const byName = new Map(source.map((t) => [t.name, t]));
  const order = referenceOrder([...byName.keys()], target);
  const tables = order.map((name) => planTable(byName.get(name)!, target.get(name)!));
  const untouched = [...target.keys()].filter((n) => !byName.has(n) && !(n in REBUILT) && n !== 'schema_version').sort();
  return { tables, untouched };
}

function planTable(src: SqliteTable, dst: PgTable): TablePlan {
  const missing = src.columns.filter((c) => !dst.columns.some((d) => d.name === c));
  if (missing.length > 0) throw new CopyError(`the PostgreSQL table ${dst.name} lacks column ${missing.join(', ')} of the SQLite store: nothing copied`);
  const columns: string[] = [];
  const reads: string[] = [];
  const identities: string[] = [];
  for (const col of dst.columns) {
    if (src.columns.includes(col.name)) {
      columns.push(col.name);
      reads.push(quoteIdent(col.name));
    } else if (col.identity !== '' && col.name === 'id' && src.hasRowid) {
      // changes.id stands for SQLite's rowid: the order the journal was written in.
      columns.push(col.name);
      reads.push(`rowid AS ${quoteIdent(col.name)}`);
    } else if (col.required) {
      throw new CopyError(`the PostgreSQL column ${dst.name}.${col.name} needs a value the SQLite store does not have: nothing copied`);
    } else continue;
    if (col.identity !== '') identities.push(col.name);
  }
  return { name: dst.name, columns, select: selectOf(src, dst, reads), identities };
}

/** Rows in an order the target's foreign keys accept: parents before their children. */
function selectOf(src: SqliteTable, dst: PgTable, reads: string[]): string {
  const table = quoteIdent(src.name);
  const list = reads.map((r) => `${table}.${r}`).join(', ');
  if (dst.selfReferences.length === 0) return `SELECT ${list} FROM ${table}${src.hasRowid ? ' ORDER BY rowid' : ''}`;
  if (dst.selfReferences.length > 1 || !src.columns.includes('id')) {
    throw new CopyError(`cannot order the rows of ${src.name} (foreign keys to itself on ${dst.selfReferences.join(', ')}): nothing copied`);
  }
  // A folder can be moved under one created after it: order by depth, not by id. A row whose
  // chain does not reach a root is not read, and the count check after the copy says so.
  const parent = quoteIdent(dst.selfReferences[0]!);
  return `WITH RECURSIVE depth (id, d) AS (
      SELECT id, 0 FROM ${table} WHERE ${parent} IS NULL
      UNION ALL SELECT t.id, depth.d + 1 FROM ${table} t JOIN depth ON t.${parent} = depth.id)
    SELECT ${list} FROM ${table} JOIN depth ON depth.id = ${table}.id ORDER BY depth.d, ${table}.id`;
}
