// The tests' side of the private PostgreSQL cluster (scripts/private-postgres.ts: one cluster per
// test process, started on first use, stopped when the process ends however it ends).
// - Missing PostgreSQL: with CI=true or EAS_PUSH_TEST_PG=1 every PostgreSQL test fails with a
//   message naming the package; otherwise (a developer's machine without it) they are skipped.
// - pgDatabase(t): a fresh database per test, dropped when the test ends.

import test, { type ExecutionContext } from 'ava';
import pg from 'pg';
import { PG_TYPES } from '../../store/postgres/connect.js';
import { createPgDatabase, pgAvailable, type PgCluster } from '../../scripts/private-postgres.js';

export { pgAvailable, pgCluster, postgresBinDir, type PgCluster } from '../../scripts/private-postgres.js';

/** CI, or asked for: a missing PostgreSQL fails the tests instead of skipping them. */
export const pgRequired = process.env.CI === 'true' || process.env.EAS_PUSH_TEST_PG === '1';

/**
 * ava's `test` for PostgreSQL tests: skipped when PostgreSQL is missing on a developer's machine,
 * run (and failing with MISSING) when it is missing under CI or EAS_PUSH_TEST_PG=1.
 */
export const pgTest = (pgAvailable || pgRequired ? test : test.skip) as typeof test;

export interface PgTestDatabase {
  cluster: PgCluster;
  name: string;
  url: string;
  /** A pool on this database, ended before the database is dropped. */
  pool(max?: number): pg.Pool;
  /** A plain client (connected), ended before the database is dropped. */
  client(): Promise<pg.Client>;
}

/**
 * A fresh database for this test, dropped when it ends. `migrated`: a copy of a database with
 * every migration applied (made once per process); otherwise an empty one.
 */
export async function pgDatabase(t: ExecutionContext, options: { migrated?: boolean } = {}): Promise<PgTestDatabase> {
  const db = await createPgDatabase(options);
  const pools: pg.Pool[] = [];
  const clients: pg.Client[] = [];
  t.teardown(async () => {
    await Promise.allSettled([...pools.map((p) => p.end()), ...clients.map((cl) => cl.end())]);
    await db.drop();
  });
  const { url } = db;
  return {
    cluster: db.cluster,
    name: db.name,
    url,
    pool(max = 10) {
      const p = new pg.Pool({ connectionString: url, types: PG_TYPES, max });
      p.on('error', () => {});
      pools.push(p);
      return p;
    },
    async client() {
      const cl = new pg.Client({ connectionString: url, types: PG_TYPES });
      cl.on('error', () => {});
      clients.push(cl);
      await cl.connect();
      return cl;
    },
  };
}
