// FilterType windows (docs/sync.md §6): items that age out of the window a device holds are sent
// once as soft-deletes (MS-ASCMD 2.2.3.162), never again, and never for items it was not sent.
import test from 'ava';
import Database from 'better-sqlite3';
import { type ChangesQuery, type Cursor, type ItemChange, type WindowStart } from '../../store/index.js';
import { parsed, rawOf, tempStore } from './helpers.js';

async function setup(t: Parameters<typeof tempStore>[0]) {
  const { store, file } = tempStore(t);
  const a = await store.createAccount('alice@example.com', 'pw');
  const inbox = (await store.folderByType(a.id, 2))!.id;
  const device = (await store.touchDevice(a.id, 'PHONE1', { deviceType: 'iPhone', userAgent: null, protocolVersion: '16.1' })).id;
  const db = new Database(file);
  t.teardown(() => db.close());
  const setReceived = db.prepare<[string, number]>('UPDATE items SET received_at = ? WHERE id = ?');
  /** Delivers one message that arrived at `at` (ages it as time passing would). */
  const deliverAt = async (at: string) => {
    const [d] = await store.deliver([{ accountId: a.id, raw: rawOf() }], parsed());
    setReceived.run(at, d!.itemId);
    return d!.itemId;
  };
  const query = (cursor: Cursor, since: string, window: WindowStart | null, limit = 100): ChangesQuery => ({
    accountId: a.id,
    folderId: inbox,
    deviceRowId: device,
    cursor,
    since,
    limit,
    ownAfter: 0,
    window,
  });
  return { store, accountId: a.id, inbox, device, deliverAt, query };
}

function summary(changes: ItemChange[]): string[] {
  return changes.map((c) => `${c.kind}:${'item' in c ? c.item.id : c.itemId}`);
}

const START: Cursor = { modseq: 0, itemId: 0 };

test('items leaving the window are soft-deleted once; items still inside are not', async (t) => {
  const { store, accountId, deliverAt, query } = await setup(t);
  const x = await deliverAt('2024-01-01T00:00:00.000Z');
  const y = await deliverAt('2024-01-05T00:00:00.000Z');
  const z = await deliverAt('2024-01-10T00:00:00.000Z');
  const p1 = await store.changes(query(START, '2023-12-01T00:00:00.000Z', null));
  t.deepEqual(summary(p1.changes), [x, y, z].map((id) => `add:${id}`));
  t.deepEqual(p1.window, { receivedAt: '2023-12-01T00:00:00.000Z', itemId: 0 });

  const p2 = await store.changes(query(p1.next, '2024-01-06T00:00:00.000Z', p1.window!));
  t.deepEqual(summary(p2.changes), [`soft-delete:${x}`, `soft-delete:${y}`]);
  t.false(p2.more);
  t.is(await store.countChanges(query(p1.next, '2024-01-06T00:00:00.000Z', p1.window!)), 2);

  const p3 = await store.changes(query(p2.next, '2024-01-07T00:00:00.000Z', p2.window!));
  t.deepEqual(p3.changes, [], 'sent once, not again');
  t.truthy(await store.getItem(accountId, x), 'a soft-delete leaves the item on the server');
});

test('soft-deletes page with MoreAvailable and keep the cursor until they are done', async (t) => {
  const { store, deliverAt, query } = await setup(t);
  const ids: number[] = [];
  for (const d of ['2024-01-01', '2024-01-02', '2024-01-03']) ids.push(await deliverAt(`${d}T00:00:00.000Z`));
  const fresh = await deliverAt('2024-02-01T00:00:00.000Z');
  const p1 = await store.changes(query(START, '2023-12-01T00:00:00.000Z', null));
  const since = '2024-01-15T00:00:00.000Z';
  const a = await store.changes(query(p1.next, since, p1.window!, 2));
  t.deepEqual(summary(a.changes), ids.slice(0, 2).map((id) => `soft-delete:${id}`));
  t.true(a.more);
  t.deepEqual(a.next, p1.next);
  const newer = await deliverAt('2024-02-02T00:00:00.000Z');
  const b = await store.changes(query(a.next, since, a.window!, 2));
  t.deepEqual(summary(b.changes), [`soft-delete:${ids[2]}`, `add:${newer}`]);
  t.false(b.more);
  t.false(summary(b.changes).includes(`add:${fresh}`));
});

test('an item that was never sent (already outside the window) is never soft-deleted', async (t) => {
  const { store, deliverAt, query } = await setup(t);
  await deliverAt('2024-01-10T00:00:00.000Z');
  const p1 = await store.changes(query(START, '2024-01-01T00:00:00.000Z', null));
  // Arrives after the first sync with an old date (a move keeps it): not sent, then not removed.
  const old = await deliverAt('2023-06-01T00:00:00.000Z');
  const p2 = await store.changes(query(p1.next, '2024-01-02T00:00:00.000Z', p1.window!));
  t.deepEqual(p2.changes, []);
  const p3 = await store.changes(query(p2.next, '2024-01-03T00:00:00.000Z', p2.window!));
  t.false(summary(p3.changes).includes(`soft-delete:${old}`));
  t.deepEqual(p3.changes, []);
});
