// The wake-up bus between nodes: a commit on one node wakes the waiters of another through
// LISTEN/NOTIFY, in the change feed's own shape; a rollback wakes nobody; a dropped LISTEN
// connection comes back and makes every waiter re-check.
import type pg from 'pg';
import { createChangeFeed, type PublishingFeed } from '../../store/change-feed.js';
import { parsePostgresUrl } from '../../store/postgres/connect.js';
import { MAX_PAYLOAD_BYTES, createNotifyBus, notifyPayloads, parsePayload, type NotifyBus } from '../../store/postgres/notify.js';
import { createPgWriter } from '../../store/postgres/writer.js';
import type { ChangeKind } from '../../store/types.js';
import plainTest from 'ava';
import { pgDatabase, pgTest as test, type PgTestDatabase } from '../helpers/postgres.js';
import type { ExecutionContext } from 'ava';

/** What a node is made of, as far as wake-ups go: its feed, its writer, its bus. */
interface Node {
  feed: PublishingFeed;
  write: ReturnType<typeof createPgWriter>;
  bus: NotifyBus;
  rechecks: number;
}

async function startNode(t: ExecutionContext, db: PgTestDatabase, name: string, onRecheck?: () => void): Promise<Node> {
  const feed = createChangeFeed((err) => t.fail(String(err)));
  const node: Node = {
    feed,
    write: createPgWriter(db.pool(4), feed, name),
    bus: createNotifyBus({
      connection: parsePostgresUrl(db.url),
      feed,
      node: name,
      backoff: { minMs: 5, maxMs: 50 },
      onRecheck: () => {
        node.rechecks++;
        onRecheck?.();
      },
    }),
    rechecks: 0,
  };
  await node.bus.start();
  t.teardown(() => node.bus.close());
  return node;
}

async function seed(pool: pg.Pool, folders = 2): Promise<{ account: number; folders: number[] }> {
  const a = await pool.query<{ id: number }>(
    `INSERT INTO accounts (address, password_hash, created_at) VALUES ('alice@example.com', 'x', '2024-01-01T00:00:00.000Z') RETURNING id`,
  );
  const account = a.rows[0]!.id;
  const f = await pool.query<{ id: number }>(
    `INSERT INTO folders (account_id, name, type, created_modseq, modseq)
     SELECT $1, 'F' || n, 12, 0, 0 FROM generate_series(1, $2) AS n RETURNING id`,
    [account, folders],
  );
  return { account, folders: f.rows.map((r) => r.id) };
}

/** Resolves with what the listener is called with, or with null after `ms` (then the test asserts). */
function nextWake(feed: PublishingFeed, accountId: number, folders: number[], ms = 5000): Promise<{ folderId: number; kind: ChangeKind } | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(null);
    }, ms);
    const off = feed.subscribe(accountId, folders, (folderId, kind) => {
      clearTimeout(timer);
      off();
      resolve({ folderId, kind });
    });
  });
}

async function journal(node: Node, account: number, folder: number, kind: ChangeKind | 'folder-add'): Promise<void> {
  await node.write(async (tx) => {
    await tx.journal(account, folder, null, kind, null);
  });
}

test('a commit on node A wakes a waiter on node B, with the folder and kind; A’s own waiter once', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const a = await startNode(t, db, 'node-a');
  const b = await startNode(t, db, 'node-b');
  const { account, folders } = await seed(db.pool(1));
  const [inbox, archive] = folders as [number, number];

  const onB = nextWake(b.feed, account, [inbox, archive]);
  const onA: Array<[number, ChangeKind]> = [];
  a.feed.subscribe(account, [inbox], (f, k) => onA.push([f, k]));
  await journal(a, account, archive, 'add');
  t.deepEqual(await onB, { folderId: archive, kind: 'add' });

  const again = nextWake(b.feed, account, [inbox]);
  await journal(a, account, inbox, 'change');
  t.deepEqual(await again, { folderId: inbox, kind: 'change' });
  // A published its own commit itself, after COMMIT, and skips its own payload on the bus. B's
  // commit after it reaches A's listener after A's own payloads (commit order): then A counts.
  const marker = nextWake(a.feed, account, [archive]);
  await journal(b, account, archive, 'change');
  t.deepEqual(await marker, { folderId: archive, kind: 'change' });
  t.deepEqual(onA, [[inbox, 'change']]);

  const row = await db.pool(1).query<{ modseq: number }>('SELECT modseq FROM accounts WHERE id = $1', [account]);
  t.is(row.rows[0]?.modseq, 3, 'each write took the next modseq');
});

test('a rolled-back write wakes nobody; folder changes reach the journal only', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const a = await startNode(t, db, 'node-a');
  const b = await startNode(t, db, 'node-b');
  const { account, folders } = await seed(db.pool(1));
  const [inbox, archive] = folders as [number, number];

  const seen: Array<[number, ChangeKind]> = [];
  b.feed.subscribe(account, [inbox, archive], (f, k) => seen.push([f, k]));
  await t.throwsAsync(
    a.write(async (tx) => {
      await tx.journal(account, inbox, null, 'add', null);
      throw new Error('the delivery failed');
    }),
    { message: 'the delivery failed' },
  );
  await journal(a, account, inbox, 'folder-add');
  // Notifications arrive in commit order: once this one is in, the others would have been.
  const marker = nextWake(b.feed, account, [archive]);
  await journal(a, account, archive, 'delete');
  t.deepEqual(await marker, { folderId: archive, kind: 'delete' });
  t.deepEqual(seen, [[archive, 'delete']]);
  const journalRows = await db.pool(1).query<{ kind: string }>('SELECT kind FROM changes ORDER BY id');
  t.deepEqual(journalRows.rows.map((r) => r.kind), ['folder-add', 'delete']);
});

test('a commit touching more folders than a payload can name wakes every waiter of the account', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const a = await startNode(t, db, 'node-a');
  const b = await startNode(t, db, 'node-b');
  const { account, folders } = await seed(db.pool(1), 300);
  const last = folders[folders.length - 1]!;

  const payloads = notifyPayloads('node-a', folders.map((folderId) => ({ accountId: account, folderId, kind: 'delete' as const })));
  t.is(payloads.length, 1);
  t.true(Buffer.byteLength(payloads[0]!) <= MAX_PAYLOAD_BYTES);
  t.deepEqual(parsePayload(payloads[0]!), { node: 'node-a', accountId: account, all: true });

  const woken = nextWake(b.feed, account, [last]);
  await a.write(async (tx) => {
    for (const f of folders) await tx.journal(account, f, null, 'delete', null);
  });
  // Named "all": the waiter re-checks as for an add, whatever it waits for.
  t.deepEqual(await woken, { folderId: last, kind: 'add' });
});

test('after pg_terminate_backend the LISTEN connection comes back and every waiter re-checks', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  let rechecked!: () => void;
  const recheck = new Promise<void>((resolve) => (rechecked = resolve));
  const a = await startNode(t, db, 'node-a');
  const b = await startNode(t, db, 'node-b', () => rechecked());
  const { account, folders } = await seed(db.pool(1));
  const [inbox] = folders as [number];

  const pid = b.bus.backendPid();
  t.truthy(pid);
  const parked = nextWake(b.feed, account, [inbox]);
  const killer = await db.client();
  await killer.query('SELECT pg_terminate_backend($1)', [pid]);
  // The waiter is woken by the re-check itself, with no commit anywhere.
  t.deepEqual(await parked, { folderId: inbox, kind: 'add' });
  await recheck;
  t.is(b.rechecks, 1);
  t.is(b.bus.reconnects(), 1);
  t.true(b.bus.listening());
  t.not(b.bus.backendPid(), pid);

  // And the new connection listens: the next commit on A reaches B.
  const next = nextWake(b.feed, account, [inbox]);
  await journal(a, account, inbox, 'move-in');
  t.deepEqual(await next, { folderId: inbox, kind: 'move-in' });
});

plainTest('payloads: one per account, deduplicated, and anything unreadable is refused', (t) => {
  const p = notifyPayloads('n1', [
    { accountId: 1, folderId: 5, kind: 'add' },
    { accountId: 1, folderId: 5, kind: 'add' },
    { accountId: 2, folderId: 7, kind: 'move-out' },
  ]);
  t.deepEqual(p.map(parsePayload), [
    { node: 'n1', accountId: 1, all: false, events: [{ accountId: 1, folderId: 5, kind: 'add' }] },
    { node: 'n1', accountId: 2, all: false, events: [{ accountId: 2, folderId: 7, kind: 'move-out' }] },
  ]);
  for (const bad of ['', 'null', '{}', '{"v":2,"n":"x","a":1,"e":[]}', '{"v":1,"n":"x","a":0,"e":[]}', '{"v":1,"n":"x","a":1,"e":[[1,"drop"]]}', '{"v":1,"n":"x","a":1,"e":[["1","add"]]}']) {
    t.is(parsePayload(bad), null, bad);
  }
});
