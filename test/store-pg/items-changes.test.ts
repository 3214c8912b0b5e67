// What a device has not seen, on PostgreSQL (store/postgres/item-changes.ts): the expectations
// of test/store/changes.test.ts, own-changes.test.ts and soft-delete.test.ts, run against the
// same calls, plus a page read while another node writes (one snapshot: the page and its cursor
// agree).
import { HEAD_ITEM } from '../../store/postgres/item-changes.js';
import type { ChangesPage, ChangesQuery, Cursor, ItemChange, WindowStart } from '../../store/types.js';
import { pgTest as test } from '../helpers/postgres.js';
import { parsed, rawOf } from '../store/helpers.js';
import { itemsFixture, type ItemsFixture } from './items-fixture.js';

const START: Cursor = { modseq: 0, itemId: 0 };

function summary(changes: ItemChange[]): string[] {
  return changes.map((c) => `${c.kind}:${'item' in c ? c.item.id : c.itemId}`);
}

async function setup(t: Parameters<typeof itemsFixture>[0]) {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const d1 = await f.device(a.id, 'PHONE1');
  const d2 = await f.device(a.id, 'PHONE2');
  const deliver = async (n = 1) =>
    (await f.store.deliver(Array.from({ length: n }, () => ({ accountId: a.id, raw: rawOf() })), parsed())).map((d) => d.itemId);
  const page = (device: number, cursor: Cursor, limit = 100, since: string | null = null, more: Partial<ChangesQuery> = {}): Promise<ChangesPage> =>
    f.store.changes({ accountId: a.id, folderId: a.inbox, deviceRowId: device, cursor, limit, since, ...more });
  return { f, a, d1, d2, deliver, page };
}

async function syncAll(page: (device: number, cursor: Cursor, limit: number) => Promise<ChangesPage>, device: number, cursor: Cursor, limit: number) {
  const all: ItemChange[] = [];
  for (let pages = 1; ; pages++) {
    const p = await page(device, cursor, limit);
    all.push(...p.changes);
    cursor = p.next;
    if (!p.more) return { all, cursor, pages };
    if (pages > 1000) throw new Error('paging does not end');
  }
}

test('initial sync pages through every item with MoreAvailable, then ends at the head', async (t) => {
  const { f, a, d1, deliver, page } = await setup(t);
  const ids: number[] = [];
  for (let i = 0; i < 25; i++) ids.push((await deliver())[0]!);
  const p1 = await page(d1, START, 10);
  t.true(p1.more);
  t.deepEqual(summary(p1.changes), ids.slice(0, 10).map((id) => `add:${id}`));
  const p2 = await page(d1, p1.next, 10);
  t.deepEqual(summary(p2.changes), ids.slice(10, 20).map((id) => `add:${id}`));
  const p3 = await page(d1, p2.next, 10);
  t.false(p3.more);
  t.deepEqual(summary(p3.changes), ids.slice(20).map((id) => `add:${id}`));
  t.deepEqual(p3.next, { modseq: await f.head(a.id), itemId: HEAD_ITEM });
  t.deepEqual(await page(d1, p3.next, 10), { changes: [], next: p3.next, more: false });
  t.is(await f.store.countChanges({ accountId: a.id, folderId: a.inbox, deviceRowId: d1, cursor: START, since: null }), 25);
});

test('items sharing one modseq page exactly thanks to the id in the cursor', async (t) => {
  const { d1, deliver, page } = await setup(t);
  const ids = await deliver(5);
  const { all, pages } = await syncAll(page, d1, START, 2);
  t.is(pages, 3);
  t.deepEqual(summary(all), ids.map((id) => `add:${id}`));
});

test('add, change and delete are classified against the cursor; own changes are skipped', async (t) => {
  const { f, a, d1, d2, deliver, page } = await setup(t);
  const [x, y] = await deliver(2);
  const base = (await page(d1, START)).next;
  const [z] = await deliver();
  await f.store.updateItem(a.id, x!, { read: true }, d2);
  await f.store.deleteItem(a.id, y!, d2);
  const [gone] = await deliver();
  await f.store.deleteItem(a.id, gone!, null);
  const p = await page(d1, base);
  t.deepEqual(summary(p.changes), [`add:${z}`, `change:${x}`, `delete:${y}`]);
  const change = p.changes[1];
  t.true(change?.kind === 'change' && change.item.read);
  t.is(await f.store.countChanges({ accountId: a.id, folderId: a.inbox, deviceRowId: d1, cursor: base, since: null }), 3);
  // d2 made the change and the delete: it is sent the add only.
  t.deepEqual(summary((await page(d2, base)).changes), [`add:${z}`]);
  t.true(await f.store.hasPending(a.id, a.inbox, d1, base, false));
  t.true(await f.store.hasPending(a.id, a.inbox, d1, base, true));
  const end = (await page(d1, base)).next;
  t.false(await f.store.hasPending(a.id, a.inbox, d1, end, false));
  await f.store.updateItem(a.id, z!, { read: true }, d2);
  t.false(await f.store.hasPending(a.id, a.inbox, d1, end, true));
  t.true(await f.store.hasPending(a.id, a.inbox, d1, end, false));
  t.false(await f.store.hasPending(a.id, a.drafts, d1, end, false), 'another folder is unaffected');
});

test("ownAfter: after the relationship began the device's own writes are skipped; read from its state when not given", async (t) => {
  const { f, a, d1, d2, deliver, page } = await setup(t);
  const [x, y, z] = await deliver(3);
  const ownAfter = await f.head(a.id);
  const { cursor } = await syncAll((d, c, l) => page(d, c, l, null, { ownAfter }), d1, START, 100);
  await f.store.updateItem(a.id, x!, { read: true }, d1);
  await f.store.deleteItem(a.id, y!, d1);
  const own = await f.store.addItem(a.id, a.inbox, rawOf(), parsed(), d1);
  await f.store.updateItem(a.id, z!, { read: true }, d2);
  const p = await page(d1, cursor, 100, null, { ownAfter });
  t.deepEqual(summary(p.changes), [`change:${z}`]);
  t.false(summary(p.changes).includes(`add:${own.id}`));
  await f.pool.query(
    `INSERT INTO sync_states (device_id, collection_id, sync_key, cursor_modseq, cursor_item, filter_type, own_after)
     VALUES ($1, $2, 1, $3, $4, 0, $5)`,
    [d1, a.inbox, cursor.modseq, cursor.itemId, ownAfter],
  );
  t.is(await f.store.countChanges({ accountId: a.id, folderId: a.inbox, deviceRowId: d1, cursor, since: null }), 1);
  t.true(await f.store.hasPending(a.id, a.inbox, d1, cursor, false));
  t.false(await f.store.hasPending(a.id, a.inbox, d1, cursor, true));
  // A resync (a new relationship at today's head) sends its own item back as an add.
  const newHead = await f.head(a.id);
  const again = await syncAll((d, c, l) => page(d, c, l, null, { ownAfter: newHead }), d1, START, 2);
  t.true(summary(again.all).includes(`add:${own.id}`));
});

test('an item changed between two pages is still sent as an Add, never lost', async (t) => {
  const { f, a, d1, d2, deliver, page } = await setup(t);
  const ids: number[] = [];
  for (let i = 0; i < 6; i++) ids.push((await deliver())[0]!);
  const p1 = await page(d1, START, 2);
  await f.store.updateItem(a.id, ids[3]!, { read: true }, d2);
  await f.store.deleteItem(a.id, ids[4]!, d2);
  const rest = await syncAll(page, d1, p1.next, 2);
  const adds = rest.all.filter((c) => c.kind === 'add').map((c) => (c.kind === 'add' ? c.item.id : 0));
  t.deepEqual(adds, [ids[2], ids[3], ids[5]]);
  const added4 = rest.all.find((c) => c.kind === 'add' && c.item.id === ids[3]);
  t.true(added4?.kind === 'add' && added4.item.read);
  t.false(rest.all.some((c) => c.kind === 'delete'));
  t.deepEqual((await page(d1, rest.cursor)).changes, []);
});

test('moves: the mover knows both sides, another device sees a delete and an add', async (t) => {
  const { f, a, d1, d2, deliver, page } = await setup(t);
  const archive = await f.folder(a.id, 'Archive');
  const [x] = await deliver();
  const at = (device: number, folderId: number) => f.store.changes({ accountId: a.id, folderId, deviceRowId: device, cursor: START, limit: 100, since: null });
  const c1 = { inbox: (await page(d1, START)).next, archive: (await at(d1, archive)).next };
  const c2 = { inbox: (await page(d2, START)).next, archive: (await at(d2, archive)).next };
  const moved = (await f.store.moveItem(a.id, x!, archive, d1))!;
  const from = (device: number, folderId: number, cursor: Cursor) =>
    f.store.changes({ accountId: a.id, folderId, deviceRowId: device, cursor, limit: 100, since: null });
  t.deepEqual((await from(d1, a.inbox, c1.inbox)).changes, []);
  t.deepEqual((await from(d1, archive, c1.archive)).changes, []);
  t.false(await f.store.hasPending(a.id, archive, d1, c1.archive, true));
  t.deepEqual(summary((await from(d2, a.inbox, c2.inbox)).changes), [`delete:${x}`]);
  t.deepEqual(summary((await from(d2, archive, c2.archive)).changes), [`add:${moved.id}`]);
  t.true(await f.store.hasPending(a.id, archive, d2, c2.archive, true));
});

test('since limits adds to items received at or after it, in any ISO format', async (t) => {
  const { f, a, d1, deliver, page } = await setup(t);
  const [old] = await deliver();
  const since = new Date(Date.now() + 60_000).toISOString();
  t.deepEqual((await page(d1, START, 100, since)).changes, []);
  t.deepEqual(summary((await page(d1, START, 100, '2000-01-01T00:00:00Z')).changes), [`add:${old}`]);
  t.is(await f.store.countChanges({ accountId: a.id, folderId: a.inbox, deviceRowId: d1, cursor: START, since }), 0);
});

/** Ages an item as time passing would (soft-delete tests). */
async function receivedAt(f: ItemsFixture, itemId: number, at: string): Promise<void> {
  await f.pool.query('UPDATE items SET received_at = $1 WHERE id = $2', [at, itemId]);
}

test('items leaving the window are soft-deleted once, paging with MoreAvailable and keeping the cursor', async (t) => {
  const { f, d1, deliver, page } = await setup(t);
  const ids: number[] = [];
  for (const d of ['2024-01-01', '2024-01-02', '2024-01-03', '2024-02-01']) {
    const [id] = await deliver();
    await receivedAt(f, id!, `${d}T00:00:00.000Z`);
    ids.push(id!);
  }
  const q = (cursor: Cursor, since: string, window: WindowStart | null, limit = 100) => page(d1, cursor, limit, since, { ownAfter: 0, window });
  const p1 = await q(START, '2023-12-01T00:00:00.000Z', null);
  t.deepEqual(summary(p1.changes), ids.map((id) => `add:${id}`));
  t.deepEqual(p1.window, { receivedAt: '2023-12-01T00:00:00.000Z', itemId: 0 });
  const since = '2024-01-15T00:00:00.000Z';
  const s1 = await q(p1.next, since, p1.window!, 2);
  t.deepEqual(summary(s1.changes), ids.slice(0, 2).map((id) => `soft-delete:${id}`));
  t.true(s1.more);
  t.deepEqual(s1.next, p1.next);
  const [newer] = await deliver();
  await receivedAt(f, newer!, '2024-02-02T00:00:00.000Z');
  const s2 = await q(s1.next, since, s1.window!, 2);
  t.deepEqual(summary(s2.changes), [`soft-delete:${ids[2]}`, `add:${newer}`]);
  t.false(s2.more);
  t.deepEqual(s2.window, { receivedAt: since, itemId: 0 });
  t.deepEqual((await q(s2.next, '2024-01-16T00:00:00.000Z', s2.window!)).changes, [], 'sent once, not again');
});

test('a document whose window time falls is sent as a SoftDelete, not a Change', async (t) => {
  const { f, a, d1 } = await setup(t);
  const task = await f.store.addDoc(a.id, a.calendar, { data: { open: true }, uid: 't1', windowAt: '9999-12-31T23:59:59.999Z' }, null);
  const query = (cursor: Cursor) =>
    f.store.changes({ accountId: a.id, folderId: a.calendar, deviceRowId: d1, cursor, limit: 100, since: '2026-01-01T00:00:00.000Z', ownAfter: 0, window: null });
  const p1 = await query(START);
  t.deepEqual(summary(p1.changes), [`add:${task.id}`]);
  await f.store.replaceDoc(a.id, task.id, { data: { open: false }, uid: 't1', windowAt: '2020-01-01T00:00:00Z' }, null);
  t.deepEqual(summary((await query(p1.next)).changes), [`soft-delete:${task.id}`]);
});

test('a page is one snapshot: writes committing meanwhile are in the next page, never lost between page and cursor', async (t) => {
  const { f, a, d1, page } = await setup(t);
  const other = f.node('node-b');
  const delivered: number[] = [];
  let writing = true;
  const writer = (async () => {
    for (let i = 0; i < 40; i++) {
      const [d] = await other.store.deliver([{ accountId: a.id, raw: rawOf() }], parsed());
      delivered.push(d!.itemId);
    }
    writing = false;
  })();
  const seen: number[] = [];
  let cursor = START;
  while (writing) {
    const p = await page(d1, cursor, 3);
    for (const c of p.changes) if (c.kind === 'add') seen.push(c.item.id);
    cursor = p.next;
    if (!p.more) await new Promise((r) => setTimeout(r, 5));
  }
  await writer;
  const rest = await syncAll(page, d1, cursor, 3);
  for (const c of rest.all) if (c.kind === 'add') seen.push(c.item.id);
  t.deepEqual(seen, delivered, 'every delivery exactly once, in order');
});
