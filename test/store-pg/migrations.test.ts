// The PostgreSQL schema: numbered migrations, idempotent, safe when nodes start together, and the
// same tables and columns as SQLite's model, so the Store methods translate one to one.
import Database from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../../store/migrations.js';
import { MIGRATION_LOCK_KEY, PG_MIGRATIONS, migratePostgres } from '../../store/postgres/migrations.js';
import { pgDatabase, pgTest as test } from '../helpers/postgres.js';

const LATEST = Math.max(...PG_MIGRATIONS.map((m) => m.version));

async function versions(pool: import('pg').Pool): Promise<number[]> {
  const r = await pool.query<{ version: number }>('SELECT version FROM schema_version ORDER BY version');
  return r.rows.map((x) => x.version);
}

test('a fresh database is migrated to the latest version, and migrating again changes nothing', async (t) => {
  const db = await pgDatabase(t);
  const pool = db.pool();
  t.is(await migratePostgres(pool), LATEST);
  t.deepEqual(await versions(pool), PG_MIGRATIONS.map((m) => m.version));

  await pool.query(`INSERT INTO accounts (address, password_hash, created_at) VALUES ('alice@example.com', 'x', '2024-01-01T00:00:00.000Z')`);
  t.is(await migratePostgres(pool), LATEST);
  t.deepEqual(await versions(pool), PG_MIGRATIONS.map((m) => m.version));
  const kept = await pool.query<{ n: number }>('SELECT count(*) AS n FROM accounts');
  t.is(kept.rows[0]?.n, 1);
});

test('two nodes migrating at once: one applies, the other waits and finds it done', async (t) => {
  const db = await pgDatabase(t);
  const holder = await db.client();
  // Hold the lock so both migrators are surely inside migratePostgres, waiting, at the same time.
  await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
  const a = migratePostgres(db.pool(2));
  const b = migratePostgres(db.pool(2));
  const waiting = async () =>
    (await holder.query<{ n: number }>(
      `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    )).rows[0]?.n ?? 0;
  // Each of the two takes a few milliseconds to reach the lock; give them a bounded time.
  const deadline = Date.now() + 10_000;
  let n = await waiting();
  while (n < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    n = await waiting();
  }
  t.is(n, 2, 'both migrators wait for the advisory lock');
  t.deepEqual(await versions(db.pool(1)).catch(() => []), [], 'nothing is applied while the lock is held');
  await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
  t.deepEqual(await Promise.all([a, b]), [LATEST, LATEST]);
  t.deepEqual(await versions(db.pool(1)), PG_MIGRATIONS.map((m) => m.version));
});

test('a failing migration leaves the previous version in place, and no trace of itself', async (t) => {
  const db = await pgDatabase(t);
  const pool = db.pool();
  const migrations = [
    { version: 1, sql: 'CREATE TABLE a (x integer);' },
    { version: 2, sql: 'CREATE TABLE b (y integer); INSERT INTO nowhere VALUES (1);' },
  ];
  await t.throwsAsync(migratePostgres(pool, migrations), { message: /migration 2 failed: relation "nowhere" does not exist/ });
  t.deepEqual(await versions(pool), [1]);
  const tables = await pool.query<{ n: number }>(`SELECT count(*) AS n FROM pg_tables WHERE tablename = 'b'`);
  t.is(tables.rows[0]?.n, 0);
  // The lock went with the failure: the next run is not blocked.
  await t.throwsAsync(migratePostgres(pool, migrations), { message: /migration 2 failed/ });
});

test('a database from a newer eas-push is refused', async (t) => {
  const db = await pgDatabase(t);
  const pool = db.pool();
  await migratePostgres(pool);
  await pool.query('INSERT INTO schema_version (version) VALUES (999)');
  await t.throwsAsync(migratePostgres(pool), { message: new RegExp(`schema version 999 is newer than this eas-push \\(${LATEST}\\)`) });
});

test('the schema has SQLite’s tables and columns, version for version', async (t) => {
  const sqlite = new Database(':memory:');
  t.teardown(() => sqlite.close());
  const sqliteVersion = migrate(sqlite);
  t.is(LATEST, sqliteVersion, 'the PostgreSQL series is at the model SQLite is at');
  t.is(Math.max(...MIGRATIONS.map((m) => m.version)), sqliteVersion);

  const expected = new Map<string, string[]>();
  const tables = sqlite
    .prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'messages_fts%'`)
    .all();
  for (const { name } of tables) {
    const cols = sqlite.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${name}')`).all().map((c) => c.name);
    expected.set(name, cols.sort());
  }
  // Deliberate differences (docs/postgres.md): the journal's id stands for SQLite's rowid; the
  // full-text index is a plain table; schema_version replaces PRAGMA user_version.
  expected.set('changes', [...expected.get('changes')!, 'id'].sort());
  expected.set('messages_fts', ['document', 'message_id']);
  expected.set('schema_version', ['applied_at', 'version']);
  // What the nodes share and one SQLite process keeps in memory (migration 12, docs/postgres.md
  // "Rules across nodes").
  expected.set('node_presence', ['listen_pid', 'listen_started', 'node']);
  expected.set('parked_presence', ['account_id', 'device_id', 'node', 'seq']);
  expected.set('login_failures', ['failures', 'key', 'window_start']);
  expected.set('sync_request_cache', ['device_id', 'request']);

  const db = await pgDatabase(t, { migrated: true });
  const r = await db.pool().query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  const actual = new Map<string, string[]>();
  for (const row of r.rows) actual.set(row.table_name, [...(actual.get(row.table_name) ?? []), row.column_name]);
  for (const cols of actual.values()) cols.sort();
  t.deepEqual(Object.fromEntries([...actual].sort()), Object.fromEntries([...expected].sort()));
});
