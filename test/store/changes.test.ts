import test from 'ava';
import { HEAD_ITEM, type ChangesPage, type Cursor, type ItemChange, type Store } from '../../store/index.js';
import { parsed, rawOf, tempStore } from './helpers.js';
import { serverIdOf } from '../../eas/model/ids.js';
import { mail, sid } from '../helpers/items.js';

function setup(t: Parameters<typeof tempStore>[0]) {
  const { store } = tempStore(t);
  const a = store.createAccount('alice@example.com', 'pw');
  const inbox = store.folderByType(a.id, 2)!.id;
  const seen = { deviceType: 'iPhone', userAgent: null, protocolVersion: '16.1' };
  const d1 = store.touchDevice(a.id, 'PHONE1', seen).id;
  const d2 = store.touchDevice(a.id, 'PHONE2', seen).id;
  const deliver = (n = 1) =>
    store.deliver(Array.from({ length: n }, () => ({ accountId: a.id, raw: rawOf() })), parsed()).map((d) => d.itemId);
  return { store, accountId: a.id, inbox, d1, d2, deliver };
}

const START: Cursor = { modseq: 0, itemId: 0 };

function page(store: Store, accountId: number, folderId: number, device: number, cursor: Cursor, limit = 100, since: string | null = null): ChangesPage {
  return store.changes({ accountId, folderId, deviceRowId: device, cursor, limit, since });
}

function summary(changes: ItemChange[]): string[] {
  return changes.map((c) => `${c.kind}:${'item' in c ? c.item.id : c.itemId}`);
}

/** Syncs to the end, as a device would; returns every change received and the final cursor. */
function syncAll(store: Store, accountId: number, folderId: number, device: number, cursor: Cursor, limit: number) {
  const all: ItemChange[] = [];
  let pages = 0;
  for (;;) {
    const p = page(store, accountId, folderId, device, cursor, limit);
    pages++;
    all.push(...p.changes);
    cursor = p.next;
    if (!p.more) return { all, cursor, pages };
    if (pages > 1000) throw new Error('paging does not end');
  }
}

test('initial sync pages through every item with MoreAvailable, then ends at the head', (t) => {
  const { store, accountId, inbox, d1, deliver } = setup(t);
  const ids = Array.from({ length: 25 }, () => deliver()[0]!);
  const p1 = page(store, accountId, inbox, d1, START, 10);
  t.true(p1.more);
  t.deepEqual(summary(p1.changes), ids.slice(0, 10).map((id) => `add:${id}`));
  const p2 = page(store, accountId, inbox, d1, p1.next, 10);
  t.true(p2.more);
  t.deepEqual(summary(p2.changes), ids.slice(10, 20).map((id) => `add:${id}`));
  const p3 = page(store, accountId, inbox, d1, p2.next, 10);
  t.false(p3.more);
  t.deepEqual(summary(p3.changes), ids.slice(20).map((id) => `add:${id}`));
  t.deepEqual(p3.next, { modseq: store.headModseq(accountId), itemId: HEAD_ITEM });
  const p4 = page(store, accountId, inbox, d1, p3.next, 10);
  t.deepEqual(p4, { changes: [], next: p3.next, more: false });
  t.is(store.countChanges({ accountId, folderId: inbox, deviceRowId: d1, cursor: START, since: null }), 25);
});

test('items sharing one modseq page exactly thanks to the id in the cursor', (t) => {
  const { store, accountId, inbox, d1, deliver } = setup(t);
  const ids = deliver(5); // one transaction: one modseq for all five
  t.is(new Set(ids.map((id) => store.getItem(accountId, id)!.modseq)).size, 1);
  const { all, pages } = syncAll(store, accountId, inbox, d1, START, 2);
  t.is(pages, 3);
  t.deepEqual(summary(all), ids.map((id) => `add:${id}`));
});

test('add, change and delete are classified against the cursor', (t) => {
  const { store, accountId, inbox, d1, d2, deliver } = setup(t);
  const [x, y] = deliver(2);
  const base = page(store, accountId, inbox, d1, START).next;

  const [z] = deliver();
  store.updateItem(accountId, x!, { read: true }, d2);
  store.deleteItem(accountId, y!, d2);
  const [gone] = deliver();
  store.deleteItem(accountId, gone!, null); // created and deleted after the cursor: nothing

  const p = page(store, accountId, inbox, d1, base);
  t.deepEqual(summary(p.changes), [`add:${z}`, `change:${x}`, `delete:${y}`]);
  const change = p.changes[1];
  t.true(change?.kind === 'change' && change.item.read);
  const del = p.changes[2];
  t.true(del?.kind === 'delete' && serverIdOf(del.folderId, del.itemId) === `${inbox}:${y}`);
  t.is(store.countChanges({ accountId, folderId: inbox, deviceRowId: d1, cursor: base, since: null }), 3);
});

test('a device is not sent its own changes; other devices are', (t) => {
  const { store, accountId, inbox, d1, d2, deliver } = setup(t);
  const [x, y] = deliver(2);
  const c1 = page(store, accountId, inbox, d1, START).next;
  const c2 = page(store, accountId, inbox, d2, START).next;

  store.updateItem(accountId, x!, { flag: { status: 2, flagType: 'Follow up' } }, d1);
  store.deleteItem(accountId, y!, d1);
  t.deepEqual(page(store, accountId, inbox, d1, c1).changes, []);
  t.false(store.hasPending(accountId, inbox, d1, c1, false));
  t.deepEqual(summary(page(store, accountId, inbox, d2, c2).changes), [`change:${x}`, `delete:${y}`]);
  t.true(store.hasPending(accountId, inbox, d2, c2, false));
  t.false(store.hasPending(accountId, inbox, d2, c2, true));
});

test('a device\'s own writes after a page are covered by the head cursor', (t) => {
  const { store, accountId, inbox, d1, deliver } = setup(t);
  deliver(3);
  const p = page(store, accountId, inbox, d1, START);
  const item = store.addItem(accountId, inbox, rawOf(), parsed(), d1);
  t.deepEqual(page(store, accountId, inbox, d1, p.next).changes, []);
  // A reset (new initial sync) does send the device its own item.
  t.true(summary(page(store, accountId, inbox, d1, START).changes).includes(`add:${item.id}`));
});

test('a no-op update changes nothing for anyone', (t) => {
  const { store, accountId, inbox, d1, d2, deliver } = setup(t);
  const [x] = deliver();
  const c = page(store, accountId, inbox, d1, START).next;
  const before = store.headModseq(accountId);
  t.false(store.updateItem(accountId, x!, { read: false }, d2)!.read);
  t.is(store.headModseq(accountId), before);
  t.deepEqual(page(store, accountId, inbox, d1, c).changes, []);
});

test('moves: tombstone in the source, a new item in the destination', (t) => {
  const { store, accountId, inbox, d1, d2, deliver } = setup(t);
  const archive = store.createFolder(accountId, null, 'Archive', 12, null).id;
  const [x] = deliver();
  store.updateItem(accountId, x!, { read: true, categories: ['Blue'], flag: { status: 2 } }, d2);
  const cursors = new Map<string, Cursor>();
  for (const d of [d1, d2]) for (const f of [inbox, archive]) cursors.set(`${d}/${f}`, page(store, accountId, f, d, START).next);
  const feed: string[] = [];
  store.feed.subscribe(accountId, [inbox, archive], (f, k) => feed.push(`${f === inbox ? 'inbox' : 'archive'}:${k}`));

  const moved = store.moveItem(accountId, x!, archive, d1)!;
  t.not(moved.id, x);
  t.is(moved.folderId, archive);
  t.is(sid(moved), `${archive}:${moved.id}`);
  t.is(mail(moved).messageId, mail(store.getItem(accountId, moved.id)).messageId);
  t.true(moved.read);
  t.deepEqual(moved.categories, ['Blue']);
  t.deepEqual(moved.flag, { status: 2 });
  t.is(store.getItem(accountId, x!), null);
  t.deepEqual(store.listItems(accountId, inbox), []);
  t.true(store.getBody(accountId, moved.id)!.raw.equals(rawOf()));
  t.deepEqual(feed.sort(), ['archive:move-in', 'inbox:move-out']);

  // The mover already knows both sides (MoveItems answered the new id).
  t.deepEqual(page(store, accountId, inbox, d1, cursors.get(`${d1}/${inbox}`)!).changes, []);
  t.deepEqual(page(store, accountId, archive, d1, cursors.get(`${d1}/${archive}`)!).changes, []);
  t.false(store.hasPending(accountId, archive, d1, cursors.get(`${d1}/${archive}`)!, true));
  // Another device sees a delete and an add.
  t.deepEqual(summary(page(store, accountId, inbox, d2, cursors.get(`${d2}/${inbox}`)!).changes), [`delete:${x}`]);
  t.deepEqual(summary(page(store, accountId, archive, d2, cursors.get(`${d2}/${archive}`)!).changes), [`add:${moved.id}`]);
  t.true(store.hasPending(accountId, archive, d2, cursors.get(`${d2}/${archive}`)!, true));
  // Moving a moved-away item again finds nothing.
  t.is(store.moveItem(accountId, x!, archive, d1), null);
});

test('an item changed between two pages is still sent as an Add, never lost', (t) => {
  const { store, accountId, inbox, d1, d2, deliver } = setup(t);
  const ids = Array.from({ length: 6 }, () => deliver()[0]!);
  const p1 = page(store, accountId, inbox, d1, START, 2);
  t.deepEqual(summary(p1.changes), ids.slice(0, 2).map((id) => `add:${id}`));
  // Another device flags item 4 (not yet sent) and deletes item 5 (not yet sent).
  store.updateItem(accountId, ids[3]!, { read: true }, d2);
  store.deleteItem(accountId, ids[4]!, d2);
  const rest = syncAll(store, accountId, inbox, d1, p1.next, 2);
  const adds = rest.all.filter((c) => c.kind === 'add').map((c) => (c.kind === 'add' ? c.item.id : 0));
  t.deepEqual(adds, [ids[2], ids[3], ids[5]]);
  const added4 = rest.all.find((c) => c.kind === 'add' && c.item.id === ids[3]);
  t.true(added4?.kind === 'add' && added4.item.read);
  t.false(rest.all.some((c) => c.kind === 'delete'));
  t.deepEqual(page(store, accountId, inbox, d1, rest.cursor).changes, []);
});

test('since limits adds to items received at or after it', (t) => {
  const { store, accountId, inbox, d1, deliver } = setup(t);
  const [old] = deliver();
  const since = new Date(Date.now() + 60_000).toISOString();
  t.deepEqual(page(store, accountId, inbox, d1, START, 100, since).changes, []);
  t.deepEqual(summary(page(store, accountId, inbox, d1, START, 100, '2000-01-01T00:00:00Z').changes), [`add:${old}`]);
  t.is(store.countChanges({ accountId, folderId: inbox, deviceRowId: d1, cursor: START, since }), 0);
});

test('hasPending answers for adds only or for any change', (t) => {
  const { store, accountId, inbox, d1, d2, deliver } = setup(t);
  const [x] = deliver();
  const c = page(store, accountId, inbox, d1, START).next;
  t.false(store.hasPending(accountId, inbox, d1, c, true));
  t.false(store.hasPending(accountId, inbox, d1, c, false));
  store.updateItem(accountId, x!, { read: true }, d2);
  t.false(store.hasPending(accountId, inbox, d1, c, true));
  t.true(store.hasPending(accountId, inbox, d1, c, false));
  deliver();
  t.true(store.hasPending(accountId, inbox, d1, c, true));
  // Another folder is unaffected.
  const drafts = store.folderByType(accountId, 3)!.id;
  t.false(store.hasPending(accountId, drafts, d1, c, false));
});

test('emptyFolder tombstones every item, reported as deletes and one feed event', (t) => {
  const { store, accountId, inbox, d1, deliver } = setup(t);
  const ids = deliver(4);
  const c = page(store, accountId, inbox, d1, START).next;
  const kinds: string[] = [];
  store.feed.subscribe(accountId, [inbox], (_f, k) => kinds.push(k));
  t.is(store.emptyFolder(accountId, inbox, null), 4);
  t.deepEqual(kinds, ['delete']);
  t.is(store.countItems(accountId, inbox), 0);
  t.deepEqual(summary(page(store, accountId, inbox, d1, c).changes), ids.map((id) => `delete:${id}`));
  t.is(store.emptyFolder(accountId, inbox, null), 0);
});
