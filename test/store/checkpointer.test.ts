// WAL checkpoints on a worker thread (store/checkpointer.ts, docs/store.md): the serving
// connection stops checkpointing inside its commits, the worker's connection copies the log
// into the database file, and when the worker cannot work the serving connection does it again.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import type Database from 'better-sqlite3';
import { startCheckpointer, type Checkpointer } from '../../store/checkpointer.js';
import { databaseInUse } from '../../store/backup.js';
import { openDatabase } from '../../store/db.js';
import { openStore } from '../../store/index.js';

function tempDb(t: ExecutionContext): { db: Database.Database; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-ckpt-'));
  const file = join(dir, 'mail.sqlite');
  const db = openDatabase(file);
  db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
  t.teardown(() => {
    try {
      db.close();
    } catch {
      // closed by the test
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, file };
}

/** Writes `pages` 4 KB pages of data, one commit per page, as deliveries would. */
function write(db: Database.Database, pages: number): void {
  const insert = db.prepare('INSERT INTO blobs (data) VALUES (?)');
  for (let i = 0; i < pages; i++) insert.run(Buffer.alloc(4000, i % 251));
}

/** Frames in the log file now (its header is 32 bytes, each frame a 24-byte header and a page). */
function walFrames(file: string): number {
  return Math.max(0, (statSync(`${file}-wal`).size - 32) / (4096 + 24));
}

test('the worker copies the log into the database file; the serving connection never does', async (t) => {
  const { db, file } = tempDb(t);
  let latest = { checkpointed: 0, log: 0 };
  let wake: () => void = () => undefined;
  const checkpointer = startCheckpointer(db, file, {
    idleMs: 5,
    busyMs: 1,
    onCheckpoint: (checkpointed, log) => {
      latest = { checkpointed, log };
      wake();
    },
    onFallback: (reason) => t.fail(`fell back: ${reason}`),
  });
  t.teardown(() => checkpointer.stop());
  t.true(await checkpointer.ready);
  t.true(checkpointer.active);
  t.is(db.pragma('wal_autocheckpoint', { simple: true }), 0);
  const before = statSync(file).size;
  // More than SQLite's 1,000-page autocheckpoint: with it still on, this commit stream would
  // checkpoint inside a commit; here only the worker's connection writes the database file.
  write(db, 1500);
  t.true(walFrames(file) > 1000 || latest.checkpointed > 0, 'the commits went to the log');
  // Every page written is copied by the worker (its reports arrive as it works). Not "the
  // checkpointed count reaches the log file's size": the worker may restart the log meanwhile,
  // and the file then holds frames of the earlier pass that no report counts.
  const reached = () => statSync(file).size > before + 1400 * 4096 && latest.log > 0 && latest.checkpointed >= latest.log;
  while (!reached()) await new Promise<void>((resolve) => (wake = resolve));
  t.true(statSync(file).size > before + 1400 * 4096, 'the pages reached the database file');
  t.is((db.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n, 1500);
});

test('a worker that cannot start leaves checkpoints to the serving connection, and says why', async (t) => {
  const { db, file } = tempDb(t);
  const reasons: string[] = [];
  const c = startCheckpointer(db, file, { entry: join(tmpdir(), 'no-such-checkpoint-worker.js'), onFallback: (r) => reasons.push(r) });
  t.teardown(() => c.stop());
  t.false(await c.ready);
  t.false(c.active);
  t.is(reasons.length, 1);
  t.is(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
});

test('a worker whose connection cannot open hands the checkpoints back', async (t) => {
  const { db } = tempDb(t);
  const reasons: string[] = [];
  const c = startCheckpointer(db, join(tmpdir(), 'eas-push-missing-dir', 'none.sqlite'), { onFallback: (r) => reasons.push(r) });
  t.teardown(() => c.stop());
  t.false(await c.ready);
  t.regex(reasons[0] ?? '', /unable to open|does not exist|SQLITE_CANTOPEN/i);
  t.is(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
});

test('stopped, the worker closes its connection: the serving connection is the last and cleans the log up', async (t) => {
  const { db, file } = tempDb(t);
  const c = startCheckpointer(db, file, { idleMs: 5, busyMs: 1 });
  t.true(await c.ready);
  write(db, 10);
  c.stop();
  t.false(c.active);
  // Writes after stop still commit (the serving connection is untouched by the worker's end).
  write(db, 10);
  t.is((db.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n, 20);
});

test('a write stream that never pauses gets a RESTART checkpoint, and the log starts over', async (t) => {
  const { db, file } = tempDb(t);
  const reports: { log: number; restarted: boolean }[] = [];
  const c = startCheckpointer(db, file, { idleMs: 1, busyMs: 1, restartFrames: 300, onCheckpoint: (_c, log, restarted) => reports.push({ log, restarted }) });
  t.teardown(() => c.stop());
  t.true(await c.ready);
  // Commits in slices, yielding between them only so the worker's reports are heard: the
  // writer is never idle long enough for PASSIVE to catch up on its own.
  const restartedAt = (): number => reports.findIndex((r) => r.restarted);
  while (restartedAt() < 0 || !reports.slice(restartedAt() + 1).some((r) => r.log < 300)) {
    write(db, 50);
    await new Promise((resolve) => setImmediate(resolve));
  }
  // After the RESTART the writer began the log again from its start: a later checkpoint saw a
  // short log, where without it the log would only have grown.
  const after = reports.slice(restartedAt() + 1).find((r) => r.log < 300)!;
  t.true(after.log < reports[restartedAt()]!.log);
});

test('a closed store leaves its file free: the worker has closed its connection when close resolves', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-ckpt-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'mail.sqlite');
  let active: () => void = () => undefined;
  const working = new Promise<void>((resolve) => (active = resolve));
  const store = openStore(file, { checkpoints: { idleMs: 1, busyMs: 1, onActive: () => active() } });
  await store.createAccount('alice@example.com', 'a-long-password');
  // The worker has its own connection open from here.
  await working;
  // A log of 3,000 pages, so the worker is busy copying it when it is told to stop: the stop
  // waits for that copy, as it did in the CI run that found this.
  const other = openDatabase(file);
  other.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
  other.transaction(() => write(other, 3000))();
  other.close();
  // The server's stop, then a restore's check, as `eas-push restore` right after a stop does.
  await store.close();
  t.false(databaseInUse(file), 'the checkpoint worker still held the database open');
});
