// Connecting by URL, and withTransaction(): all or nothing, and a deadlock victim run again.
import plainTest from 'ava';
import { createPgPool, parsePostgresUrl, withTransaction } from '../../store/postgres/connect.js';
import { pgDatabase, pgTest as test } from '../helpers/postgres.js';

plainTest('store URLs: postgres:// and postgresql://, with a clear error for anything else', (t) => {
  t.is(parsePostgresUrl('postgres://eas:secret@db.example.com:5433/mail').connectionString, 'postgres://eas:secret@db.example.com:5433/mail');
  t.truthy(parsePostgresUrl('postgresql:///mail?host=/run/postgresql'));
  t.throws(() => parsePostgresUrl('sqlite:data/eas-push.sqlite'), { message: /starts with postgres:\/\/ or postgresql:\/\// });
  t.throws(() => parsePostgresUrl('postgres://db.example.com'), { message: /names no database/ });
  t.throws(() => parsePostgresUrl('postgres://db.example.com:99999/mail'), { message: /not a valid PostgreSQL URL/ });
  t.throws(() => parsePostgresUrl('postgres:///mail'), { message: /names no host/ });
  const err = t.throws(() => parsePostgresUrl('postgres://eas:hunter2@[bad/mail'));
  t.false(err.message.includes('hunter2'), 'the password is never echoed');
  t.throws(() => createPgPool('postgres://h/db', { poolSize: 0 }), { message: /pool size/ });
});

test('a pool from a URL reads int8 as numbers; a failing transaction leaves nothing', async (t) => {
  const db = await pgDatabase(t);
  const pool = createPgPool(db.url, { poolSize: 2 });
  t.teardown(() => pool.end());
  await pool.query('CREATE TABLE t (id bigint PRIMARY KEY, v text)');
  const r = await pool.query<{ n: number; big: number }>('SELECT count(*) AS n, 9007199254740991::bigint AS big FROM t');
  t.deepEqual(r.rows[0], { n: 0, big: Number.MAX_SAFE_INTEGER });
  await t.throwsAsync(pool.query('SELECT 9007199254740993::bigint AS x'), { message: /beyond 2\^53/ });

  await t.throwsAsync(
    withTransaction(pool, async (c) => {
      await c.query(`INSERT INTO t VALUES (1, 'kept?')`);
      throw new Error('no');
    }),
    { message: 'no' },
  );
  t.is((await pool.query<{ n: number }>('SELECT count(*) AS n FROM t')).rows[0]?.n, 0);
});

test('the victim of a deadlock is run again and both transactions commit', async (t) => {
  const db = await pgDatabase(t);
  const pool = createPgPool(db.url, { poolSize: 4 });
  t.teardown(() => pool.end());
  await pool.query(`CREATE TABLE t (id bigint PRIMARY KEY, v integer NOT NULL); INSERT INTO t VALUES (1, 0), (2, 0)`);
  // Each takes its first row, waits until the other has its own, then asks for the other's.
  let firstRows = 0;
  let bothHoldOne!: () => void;
  const barrier = new Promise<void>((resolve) => (bothHoldOne = resolve));
  const attempts = [0, 0];
  const crossing = (i: number, first: number, second: number) =>
    withTransaction(pool, async (c) => {
      attempts[i]!++;
      await c.query('UPDATE t SET v = v + 1 WHERE id = $1', [first]);
      if (++firstRows === 2) bothHoldOne();
      await barrier;
      await c.query('UPDATE t SET v = v + 1 WHERE id = $1', [second]);
    });
  await Promise.all([crossing(0, 1, 2), crossing(1, 2, 1)]);
  t.deepEqual(attempts.sort(), [1, 2], 'PostgreSQL chose one victim, which ran again');
  const rows = await pool.query<{ id: number; v: number }>('SELECT id, v FROM t ORDER BY id');
  t.deepEqual(rows.rows, [{ id: 1, v: 2 }, { id: 2, v: 2 }]);
});
