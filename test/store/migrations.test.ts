import test from 'ava';
import Database from 'better-sqlite3';
import { MIGRATIONS, migrate } from '../../store/migrations.js';
import { openStore } from '../../store/index.js';
import { parsed, rawOf, tempStore } from './helpers.js';
import { mail } from '../helpers/items.js';

test('opening sets user_version to the latest migration, WAL and foreign keys on', async (t) => {
  const { store, file } = tempStore(t);
  await store.close();
  const db = new Database(file, { readonly: true });
  t.teardown(() => db.close());
  t.is(db.pragma('user_version', { simple: true }), Math.max(...MIGRATIONS.map((m) => m.version)));
  t.is(db.pragma('journal_mode', { simple: true }), 'wal');
});

test('reopening after close keeps everything and applies nothing twice', async (t) => {
  const { store, file } = tempStore(t);
  const a = await store.createAccount('alice@example.com', 'pw');
  const [d] = await store.deliver([{ accountId: a.id, raw: rawOf('Kept') }], parsed({ subject: 'Kept' }));
  const head = await store.headModseq(a.id);
  await store.close();

  const again = openStore(file, { durability: 'full' });
  t.teardown(async () => await again.close());
  t.is((await again.verifyPassword('alice@example.com', 'pw'))?.id, a.id);
  t.is(mail(await again.getItem(a.id, d!.itemId)).summary.subject, 'Kept');
  t.true((await again.getBody(a.id, d!.itemId))!.raw.equals(rawOf('Kept')));
  t.is(await again.headModseq(a.id), head);
  t.is((await again.search({ accountId: a.id, text: 'kept', rangeStart: 0, rangeEnd: 9 })).total, 1);
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

test('migration 2 dates the tombstones of a version-1 database so retention starts now', async (t) => {
  const { store, file } = tempStore(t);
  await store.close();
  const dir = file.replace(/mail\.sqlite$/, '');
  const v1 = `${dir}v1.sqlite`;
  const db = new Database(v1);
  migrate(db, MIGRATIONS.filter((m) => m.version === 1));
  db.exec(`
    INSERT INTO accounts (id, address, password_hash, modseq, created_at) VALUES (1, 'a@x', 'h', 2, '2024-01-01');
    INSERT INTO folders (id, account_id, name, type, created_modseq, modseq) VALUES (1, 1, 'Inbox', 2, 1, 1);
    INSERT INTO messages (id, account_id, raw, size, subject, from_json, to_json, cc_json, reply_to_json, date,
      references_json, importance, has_attachments, attachment_count, preview, malformed)
      VALUES (1, 1, x'00', 1, 's', '[]', '[]', '[]', '[]', '2024-01-01', '[]', 1, 0, 0, '', 0);
    INSERT INTO items (id, account_id, folder_id, message_id, received_at, created_modseq, modseq, deleted_modseq)
      VALUES (1, 1, 1, 1, '2024-01-01', 1, 2, 2), (2, 1, 1, 1, '2024-01-01', 1, 1, NULL);`);
  db.close();
  const again = openStore(v1);
  t.teardown(async () => await again.close());
  const check = new Database(v1, { readonly: true });
  t.teardown(() => check.close());
  const rows = check.prepare<[], { id: number; deleted_at: string | null }>('SELECT id, deleted_at FROM items ORDER BY id').all();
  t.regex(rows[0]!.deleted_at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.is(rows[1]!.deleted_at, null);
  // Dated now: kept until the retention has passed.
  t.like(await again.maintenance(), { tombstones: 0 });
});

test('migration 4 dates the folder tombstones of a version-3 database so retention starts now', async (t) => {
  const { store, file } = tempStore(t);
  await store.close();
  const v3 = file.replace(/mail\.sqlite$/, 'v3.sqlite');
  const db = new Database(v3);
  migrate(db, MIGRATIONS.filter((m) => m.version <= 3));
  db.exec(`
    INSERT INTO accounts (id, address, password_hash, modseq, created_at) VALUES (1, 'a@x', 'h', 2, '2024-01-01');
    INSERT INTO folders (id, account_id, name, type, created_modseq, modseq, deleted_modseq)
      VALUES (1, 1, 'Inbox', 2, 1, 1, NULL), (2, 1, 'Old', 12, 1, 2, 2);`);
  db.close();
  const again = openStore(v3);
  t.teardown(async () => await again.close());
  const check = new Database(v3, { readonly: true });
  t.teardown(() => check.close());
  const rows = check.prepare<[], { id: number; deleted_at: string | null }>('SELECT id, deleted_at FROM folders ORDER BY id').all();
  t.is(rows[0]!.deleted_at, null);
  t.regex(rows[1]!.deleted_at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.like(await again.maintenance(), { folders: 0 });
  t.like(await again.maintenance({ now: new Date(Date.now() + 31 * 86_400_000) }), { folders: 1 });
});
