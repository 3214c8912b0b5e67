// The target's side of `eas-push copy`: the tables of the migrated PostgreSQL schema as the
// catalog describes them (columns, identity columns, foreign keys), read in the copy's
// transaction, so the copy follows whatever the migrations made instead of a list kept by hand.
import type { PgClient } from '../postgres/connect.js';

export interface PgColumn {
  name: string;
  /** 'a' GENERATED ALWAYS, 'd' BY DEFAULT, '' not an identity. */
  identity: '' | 'a' | 'd';
  /** A value is required: NOT NULL, no default, not an identity. */
  required: boolean;
}

export interface PgTable {
  name: string;
  columns: PgColumn[];
  /** Tables this one references (its foreign keys), itself excluded. */
  references: string[];
  /** Columns of a foreign key to the table itself (folders.parent_id). */
  selfReferences: string[];
}

/** The ordinary tables of the current schema, by name. */
export async function readPgTables(client: PgClient): Promise<Map<string, PgTable>> {
  const cols = await client.query<{ table: string; name: string; identity: string; required: boolean }>(
    `SELECT c.relname AS table, a.attname AS name, a.attidentity AS identity,
            (a.attnotnull AND NOT a.atthasdef AND a.attidentity = '' AND a.attgenerated = '') AS required
       FROM pg_class c
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
      ORDER BY c.relname, a.attnum`,
  );
  const tables = new Map<string, PgTable>();
  for (const c of cols.rows) {
    let t = tables.get(c.table);
    if (!t) tables.set(c.table, (t = { name: c.table, columns: [], references: [], selfReferences: [] }));
    t.columns.push({ name: c.name, identity: c.identity as PgColumn['identity'], required: c.required });
  }
  const fks = await client.query<{ table: string; target: string; columns: string[] }>(
    `SELECT c.relname AS table, r.relname AS target,
            array(SELECT a.attname FROM unnest(k.conkey) AS n JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = n)::text[] AS columns
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_class r ON r.oid = k.confrelid
      WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace`,
  );
  for (const fk of fks.rows) {
    const t = tables.get(fk.table);
    if (!t) continue;
    if (fk.target === fk.table) t.selfReferences.push(...fk.columns);
    else if (!t.references.includes(fk.target)) t.references.push(fk.target);
  }
  return tables;
}

/** `names` ordered so that every table comes after the tables it references. */
export function referenceOrder(names: readonly string[], tables: ReadonlyMap<string, PgTable>): string[] {
  const wanted = new Set(names);
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (done.has(name)) return;
    if (path.includes(name)) throw new Error(`foreign keys form a cycle: ${[...path, name].join(' → ')}`);
    for (const ref of tables.get(name)?.references ?? []) if (wanted.has(ref)) visit(ref, [...path, name]);
    done.add(name);
    order.push(name);
  };
  for (const name of [...names].sort()) visit(name, []);
  return order;
}
