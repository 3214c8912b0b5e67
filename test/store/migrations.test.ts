import test from 'ava';
import Database from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../../store/migrations.js';
import { openStore } from '../../store/index.js';
import { parsed, rawOf, tempStore } from './helpers.js';

test('opening sets user_version to the latest migration, WAL and foreign keys on', (t) => {
  const { store, file } = tempStore(t);
  store.close();
  const db = new Database(file, { readonly: true });
  t.teardown(() => db.close());
  t.is(db.pragma('user_version', { simple: true }), Math.max(...MIGRATIONS.map((m) => m.version)));
  t.is(db.pragma('journal_mode', { simple: true }), 'wal');
});

test('reopening after close keeps everything and applies nothing twice', (t) => {
  const { store, file } = tempStore(t);
  const a = store.createAccount('alice@example.com', 'pw');
  const [d] = store.deliver([{ accountId: a.id, raw: rawOf('Kept') }], parsed({ subject: 'Kept' }));
  const head = store.headModseq(a.id);
  store.close();

  const again = openStore(file, { durability: 'full' });
  t.teardown(() => again.close());
  t.is(again.verifyPassword('alice@example.com', 'pw')?.id, a.id);
  t.is(again.getItem(a.id, d!.itemId)?.summary.subject, 'Kept');
  t.true(again.getBody(a.id, d!.itemId)!.raw.equals(rawOf('Kept')));
  t.is(again.headModseq(a.id), head);
  t.is(again.search({ accountId: a.id, text: 'kept', rangeStart: 0, rangeEnd: 9 }).total, 1);
});

test('a failing migration leaves the previous version in place', (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  const migrations = [
    { version: 1, sql: 'CREATE TABLE a (x INTEGER);' },
    { version: 2, sql: 'CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);' },
  ];
  t.throws(() => migrate(db, migrations), { message: /migration 2 failed: no such table: nowhere/ });
  t.is(db.pragma('user_version', { simple: true }), 1);
  const tableB = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'").get();
  t.is(tableB?.n, 0);
});

test('a database from a newer eas-push is refused', (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  db.pragma('user_version = 999');
  t.throws(() => migrate(db), { message: /newer/ });
});
