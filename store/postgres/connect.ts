// The PostgreSQL store's connections: `--store postgres://…` parsed into a pg.Pool for queries
// (issue #17 point 2), and withTransaction(), the one way a unit of work runs on it.
// The LISTEN connection of the wake-up bus is not taken from this pool (store/postgres/notify.ts).
import pg from 'pg';

/** What a pooled query runs on: a client checked out of the pool for one transaction. */
export type PgClient = pg.PoolClient;

export interface PgOptions {
  /** Pool size: queries of this node run on at most this many connections. Default 10. */
  poolSize?: number;
  /** Shown in pg_stat_activity; default 'eas-push'. */
  applicationName?: string;
}

/** The settings of one connection, as pg.Client and pg.Pool take them (no pool options). */
export type PgConnectionConfig = pg.ClientConfig;

const DEFAULT_POOL_SIZE = 10;

/**
 * int8 (ids, modseqs, count(*)) read as JS numbers, as better-sqlite3 gives them: every value the
 * store keeps is far below 2^53, and one that is not must fail loudly, never round silently.
 * Per connection (the `types` option), never pg.types.setTypeParser: no module-wide state.
 */
const INT8_OID = 20;
const INT8_ARRAY_OID = 1016;

function int8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is beyond 2^53`);
  return n;
}

export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID && format !== 'binary') return int8;
    if (oid === INT8_ARRAY_OID && format !== 'binary') {
      const parseArray = pg.types.getTypeParser(oid as never, 'text') as (v: string) => (string | null)[];
      return (v: string) => parseArray(v).map((x) => (x === null ? null : int8(x)));
    }
    return pg.types.getTypeParser(oid as never, format ?? 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** True for the URLs this store takes: postgres://… and postgresql://… */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(url);
}

/**
 * `postgres://user:password@host:port/database?sslmode=…` (libpq's URL form; a unix socket as
 * `postgres:///database?host=/run/postgresql`). Checked here so that a wrong URL is a one-line
 * error naming what is wrong (never echoing the password), not a connection failure later.
 */
export function parsePostgresUrl(url: string, applicationName = 'eas-push'): PgConnectionConfig {
  if (!isPostgresUrl(url)) throw new Error('a PostgreSQL store URL starts with postgres:// or postgresql://');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('not a valid PostgreSQL URL (postgres://user:password@host:port/database)');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw new Error('the PostgreSQL URL names no database (postgres://host/DATABASE)');
  if (parsed.port !== '' && !(Number(parsed.port) > 0 && Number(parsed.port) < 65536)) {
    throw new Error(`the PostgreSQL URL has an invalid port ${JSON.stringify(parsed.port)}`);
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) {
    throw new Error('the PostgreSQL URL names no host (postgres://HOST/database, or ?host=/socket/dir)');
  }
  return {
    // pg reads the URL itself (user, password, host, port, database, ssl parameters).
    connectionString: url,
    application_name: applicationName,
    types: PG_TYPES,
    // A peer that vanished (a node cut off from the database, a failover to another machine) is
    // noticed, not waited on forever: probes start after 10 s of silence instead of the system's
    // two hours, which matters most for the LISTEN connection (idle between notifications).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // A database host that drops packets fails a connect in 10 s (the sender gets 451, a phone
    // 503), not after the TCP timeout of about two minutes.
    connectionTimeoutMillis: 10_000,
  };
}

/** The query pool of one node. */
export function createPgPool(url: string, options: PgOptions = {}): pg.Pool {
  const size = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new Error(`PostgreSQL pool size must be a positive integer, not ${size}`);
  const pool = new pg.Pool({ ...parsePostgresUrl(url, options.applicationName), max: size });
  // An idle client whose connection drops (the database restarted) emits 'error' on the pool:
  // the pool discards it and the next query connects anew. Unhandled, it would end the process.
  pool.on('error', () => {});
  return pool;
}

/** SQLSTATEs after which the same transaction, run again from the start, can succeed. */
const RETRYABLE = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

export function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && RETRYABLE.has((err as { code?: unknown }).code as string);
}

export interface TransactionOptions {
  /** Attempts in all, the first included. Default 5. */
  attempts?: number;
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readOnly?: boolean;
}

const DEFAULT_ATTEMPTS = 5;

/**
 * Runs `fn` in BEGIN … COMMIT on one pooled connection; ROLLBACK on any error. A serialization
 * failure or a deadlock (40001, 40P01: PostgreSQL chose this transaction as the victim) runs
 * `fn` again from the start after a short random pause, so `fn` must do nothing outside the
 * transaction that cannot be done twice (collect wake-ups, publish them after it resolves).
 * A connection whose ROLLBACK fails is destroyed, not returned to the pool.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: PgClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
  const begin = [
    'BEGIN',
    options.isolation ? `ISOLATION LEVEL ${options.isolation.toUpperCase()}` : '',
    options.readOnly ? 'READ ONLY' : '',
  ].filter(Boolean).join(' ');
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    // A client checked out of the pool has no 'error' listener of the pool's. A connection that
    // ends between two statements of `fn` (the database restarted, the backend was terminated)
    // would then throw from the event and end the process; noted here instead, the next
    // statement fails (and the caller answers 451), and the client is destroyed, not reused.
    const onError = (err: Error) => {
      broken ??= err;
    };
    client.on('error', onError);
    try {
      await client.query(begin);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      }
      if (attempt < attempts && isRetryable(err)) {
        // Out of step with the transaction it collided with, so the retry does not collide again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
        continue;
      }
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}
