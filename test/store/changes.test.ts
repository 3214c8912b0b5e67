import { HEAD_ITEM, type ChangesPage, type Cursor, type ItemChange, type Store } from '../../store/index.js';
import { storeTest } from './contract/store-test.js';
import { parsed, rawOf } from './helpers.js';
import { serverIdOf } from '../../eas/model/ids.js';
import { mail, sid } from '../helpers/items.js';

async function setup(store: Store) {
  const a = await store.createAccount('alice@example.com', 'pw');
  const inbox = (await store.folderByType(a.id, 2))!.id;
  const seen = { deviceType: 'iPhone', userAgent: null, protocolVersion: '16.1' };
  const d1 = (await store.touchDevice(a.id, 'PHONE1', seen)).id;
  const d2 = (await store.touchDevice(a.id, 'PHONE2', seen)).id;
  const deliver = async (n = 1) =>
    (await store.deliver(Array.from({ length: n }, () => ({ accountId: a.id, raw: rawOf() })), parsed())).map((d) => d.itemId);
  return { store, accountId: a.id, inbox, d1, d2, deliver };
}

const START: Cursor = { modseq: 0, itemId: 0 };

async function page(store: Store, accountId: number, folderId: number, device: number, cursor: Cursor, limit = 100, since: string | null = null): Promise<ChangesPage> {
  return await store.changes({ accountId, folderId, deviceRowId: device, cursor, limit, since });
}

function summary(changes: ItemChange[]): string[] {
  return changes.map((c) => `${c.kind}:${'item' in c ? c.item.id : c.itemId}`);
}

/** Syncs to the end, as a device would; returns every change received and the final cursor. */
async function syncAll(store: Store, accountId: number, folderId: number, device: number, cursor: Cursor, limit: number) {
  const all: ItemChange[] = [];
  let pages = 0;
  for (;;) {
    const p = await page(store, accountId, folderId, device, cursor, limit);
    pages++;
    all.push(...p.changes);
    cursor = p.next;
    if (!p.more) return { all, cursor, pages };
    if (pages > 1000) throw new Error('paging does not end');
  }
}

storeTest('initial sync pages through every item with MoreAvailable, then ends at the head', async (t, s) => {
  const { store, accountId, inbox, d1, deliver } = await setup(s);
  const ids: number[] = [];
  for (let i = 0; i < 25; i++) ids.push((await deliver())[0]!);
  const p1 = await page(store, accountId, inbox, d1, START, 10);
  t.true(p1.more);
  t.deepEqual(summary(p1.changes), ids.slice(0, 10).map((id) => `add:${id}`));
  const p2 = await page(store, accountId, inbox, d1, p1.next, 10);
  t.true(p2.more);
  t.deepEqual(summary(p2.changes), ids.slice(10, 20).map((id) => `add:${id}`));
  const p3 = await page(store, accountId, inbox, d1, p2.next, 10);
  t.false(p3.more);
  t.deepEqual(summary(p3.changes), ids.slice(20).map((id) => `add:${id}`));
  t.deepEqual(p3.next, { modseq: await store.headModseq(accountId), itemId: HEAD_ITEM });
  const p4 = await page(store, accountId, inbox, d1, p3.next, 10);
  t.deepEqual(p4, { changes: [], next: p3.next, more: false });
  t.is(await store.countChanges({ accountId, folderId: inbox, deviceRowId: d1, cursor: START, since: null }), 25);
});

storeTest('items sharing one modseq page exactly thanks to the id in the cursor', async (t, s) => {
  const { store, accountId, inbox, d1, deliver } = await setup(s);
  const ids = await deliver(5); // one transaction: one modseq for all five
  t.is(new Set(await Promise.all(ids.map(async (id) => (await store.getItem(accountId, id))!.modseq))).size, 1);
  const { all, pages } = await syncAll(store, accountId, inbox, d1, START, 2);
  t.is(pages, 3);
  t.deepEqual(summary(all), ids.map((id) => `add:${id}`));
});

storeTest('add, change and delete are classified against the cursor', async (t, s) => {
  const { store, accountId, inbox, d1, d2, deliver } = await setup(s);
  const [x, y] = await deliver(2);
  const base = (await page(store, accountId, inbox, d1, START)).next;

  const [z] = await deliver();
  await store.updateItem(accountId, x!, { read: true }, d2);
  await store.deleteItem(accountId, y!, d2);
  const [gone] = await deliver();
  await store.deleteItem(accountId, gone!, null); // created and deleted after the cursor: nothing

  const p = await page(store, accountId, inbox, d1, base);
  t.deepEqual(summary(p.changes), [`add:${z}`, `change:${x}`, `delete:${y}`]);
  const change = p.changes[1];
  t.true(change?.kind === 'change' && change.item.read);
  const del = p.changes[2];
  t.true(del?.kind === 'delete' && serverIdOf(del.folderId, del.itemId) === `${inbox}:${y}`);
  t.is(await store.countChanges({ accountId, folderId: inbox, deviceRowId: d1, cursor: base, since: null }), 3);
});

storeTest('a device is not sent its own changes; other devices are', async (t, s) => {
  const { store, accountId, inbox, d1, d2, deliver } = await setup(s);
  const [x, y] = await deliver(2);
  const c1 = (await page(store, accountId, inbox, d1, START)).next;
  const c2 = (await page(store, accountId, inbox, d2, START)).next;

  await store.updateItem(accountId, x!, { flag: { status: 2, flagType: 'Follow up' } }, d1);
  await store.deleteItem(accountId, y!, d1);
  t.deepEqual((await page(store, accountId, inbox, d1, c1)).changes, []);
  t.false(await store.hasPending(accountId, inbox, d1, c1, false));
  t.deepEqual(summary((await page(store, accountId, inbox, d2, c2)).changes), [`change:${x}`, `delete:${y}`]);
  t.true(await store.hasPending(accountId, inbox, d2, c2, false));
  t.false(await store.hasPending(accountId, inbox, d2, c2, true));
});

storeTest('a device\'s own writes after a page are covered by the head cursor', async (t, s) => {
  const { store, accountId, inbox, d1, deliver } = await setup(s);
  await deliver(3);
  const p = await page(store, accountId, inbox, d1, START);
  const item = await store.addItem(accountId, inbox, rawOf(), parsed(), d1);
  t.deepEqual((await page(store, accountId, inbox, d1, p.next)).changes, []);
  // A reset (new initial sync) does send the device its own item.
  t.true(summary((await page(store, accountId, inbox, d1, START)).changes).includes(`add:${item.id}`));
});

storeTest('a no-op update changes nothing for anyone', async (t, s) => {
  const { store, accountId, inbox, d1, d2, deliver } = await setup(s);
  const [x] = await deliver();
  const c = (await page(store, accountId, inbox, d1, START)).next;
  const before = await store.headModseq(accountId);
  t.false((await store.updateItem(accountId, x!, { read: false }, d2))!.read);
  t.is(await store.headModseq(accountId), before);
  t.deepEqual((await page(store, accountId, inbox, d1, c)).changes, []);
});

storeTest('moves: tombstone in the source, a new item in the destination', async (t, s) => {
  const { store, accountId, inbox, d1, d2, deliver } = await setup(s);
  const archive = (await store.createFolder(accountId, null, 'Archive', 12, null)).id;
  const [x] = await deliver();
  await store.updateItem(accountId, x!, { read: true, categories: ['Blue'], flag: { status: 2 } }, d2);
  const cursors = new Map<string, Cursor>();
  for (const d of [d1, d2]) for (const f of [inbox, archive]) cursors.set(`${d}/${f}`, (await page(store, accountId, f, d, START)).next);
  const feed: string[] = [];
  store.feed.subscribe(accountId, [inbox, archive], (f, k) => feed.push(`${f === inbox ? 'inbox' : 'archive'}:${k}`));

  const moved = (await store.moveItem(accountId, x!, archive, d1))!;
  t.not(moved.id, x);
  t.is(moved.folderId, archive);
  t.is(sid(moved), `${archive}:${moved.id}`);
  t.is(mail(moved).messageId, mail(await store.getItem(accountId, moved.id)).messageId);
  t.true(moved.read);
  t.deepEqual(moved.categories, ['Blue']);
  t.deepEqual(moved.flag, { status: 2 });
  t.is(await store.getItem(accountId, x!), null);
  t.deepEqual(await store.listItems(accountId, inbox), []);
  t.true((await store.getBody(accountId, moved.id))!.raw.equals(rawOf()));
  t.deepEqual(feed.sort(), ['archive:move-in', 'inbox:move-out']);

  // The mover already knows both sides (MoveItems answered the new id).
  t.deepEqual((await page(store, accountId, inbox, d1, cursors.get(`${d1}/${inbox}`)!)).changes, []);
  t.deepEqual((await page(store, accountId, archive, d1, cursors.get(`${d1}/${archive}`)!)).changes, []);
  t.false(await store.hasPending(accountId, archive, d1, cursors.get(`${d1}/${archive}`)!, true));
  // Another device sees a delete and an add.
  t.deepEqual(summary((await page(store, accountId, inbox, d2, cursors.get(`${d2}/${inbox}`)!)).changes), [`delete:${x}`]);
  t.deepEqual(summary((await page(store, accountId, archive, d2, cursors.get(`${d2}/${archive}`)!)).changes), [`add:${moved.id}`]);
  t.true(await store.hasPending(accountId, archive, d2, cursors.get(`${d2}/${archive}`)!, true));
  // Moving a moved-away item again finds nothing.
  t.is(await store.moveItem(accountId, x!, archive, d1), null);
});

storeTest('an item changed between two pages is still sent as an Add, never lost', async (t, s) => {
  const { store, accountId, inbox, d1, d2, deliver } = await setup(s);
  const ids: number[] = [];
  for (let i = 0; i < 6; i++) ids.push((await deliver())[0]!);
  const p1 = await page(store, accountId, inbox, d1, START, 2);
  t.deepEqual(summary(p1.changes), ids.slice(0, 2).map((id) => `add:${id}`));
  // Another device flags item 4 (not yet sent) and deletes item 5 (not yet sent).
  await store.updateItem(accountId, ids[3]!, { read: true }, d2);
  await store.deleteItem(accountId, ids[4]!, d2);
  const rest = await syncAll(store, accountId, inbox, d1, p1.next, 2);
  const adds = rest.all.filter((c) => c.kind === 'add').map((c) => (c.kind === 'add' ? c.item.id : 0));
  t.deepEqual(adds, [ids[2], ids[3], ids[5]]);
  const added4 = rest.all.find((c) => c.kind === 'add' && c.item.id === ids[3]);
  t.true(added4?.kind === 'add' && added4.item.read);
  t.false(rest.all.some((c) => c.kind === 'delete'));
  t.deepEqual((await page(store, accountId, inbox, d1, rest.cursor)).changes, []);
});

storeTest('since limits adds to items received at or after it', async (t, s) => {
  const { store, accountId, inbox, d1, deliver } = await setup(s);
  const [old] = await deliver();
  const since = new Date(Date.now() + 60_000).toISOString();
  t.deepEqual((await page(store, accountId, inbox, d1, START, 100, since)).changes, []);
  t.deepEqual(summary((await page(store, accountId, inbox, d1, START, 100, '2000-01-01T00:00:00Z')).changes), [`add:${old}`]);
  t.is(await store.countChanges({ accountId, folderId: inbox, deviceRowId: d1, cursor: START, since }), 0);
});

storeTest('hasPending answers for adds only or for any change', async (t, s) => {
  const { store, accountId, inbox, d1, d2, deliver } = await setup(s);
  const [x] = await deliver();
  const c = (await page(store, accountId, inbox, d1, START)).next;
  t.false(await store.hasPending(accountId, inbox, d1, c, true));
  t.false(await store.hasPending(accountId, inbox, d1, c, false));
  await store.updateItem(accountId, x!, { read: true }, d2);
  t.false(await store.hasPending(accountId, inbox, d1, c, true));
  t.true(await store.hasPending(accountId, inbox, d1, c, false));
  await deliver();
  t.true(await store.hasPending(accountId, inbox, d1, c, true));
  // Another folder is unaffected.
  const drafts = (await store.folderByType(accountId, 3))!.id;
  t.false(await store.hasPending(accountId, drafts, d1, c, false));
});

storeTest('emptyFolder tombstones every item, reported as deletes and one feed event', async (t, s) => {
  const { store, accountId, inbox, d1, deliver } = await setup(s);
  const ids = await deliver(4);
  const c = (await page(store, accountId, inbox, d1, START)).next;
  const kinds: string[] = [];
  store.feed.subscribe(accountId, [inbox], (_f, k) => kinds.push(k));
  t.is(await store.emptyFolder(accountId, inbox, null), 4);
  t.deepEqual(kinds, ['delete']);
  t.is(await store.countItems(accountId, inbox), 0);
  t.deepEqual(summary((await page(store, accountId, inbox, d1, c)).changes), ids.map((id) => `delete:${id}`));
  t.is(await store.emptyFolder(accountId, inbox, null), 0);
});
