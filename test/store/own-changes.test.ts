// Own changes after the start of a sync relationship (ChangesQuery.ownAfter), moves that keep
// their date and tell or do not tell the mover, and drafts whose message is replaced in place.
import test from 'ava';
import { type ChangesPage, type Cursor, type ItemChange, type Store } from '../../store/index.js';
import { parsed, rawOf, tempStore } from './helpers.js';
import { mail, sid } from '../helpers/items.js';

function setup(t: Parameters<typeof tempStore>[0]) {
  const { store } = tempStore(t);
  const a = store.createAccount('alice@example.com', 'pw');
  const inbox = store.folderByType(a.id, 2)!.id;
  const archive = store.createFolder(a.id, null, 'Archive', 12, null).id;
  const seen = { deviceType: 'iPhone', userAgent: null, protocolVersion: '16.1' };
  const d1 = store.touchDevice(a.id, 'PHONE1', seen).id;
  const d2 = store.touchDevice(a.id, 'PHONE2', seen).id;
  const deliver = (n = 1) =>
    store.deliver(Array.from({ length: n }, () => ({ accountId: a.id, raw: rawOf() })), parsed()).map((d) => d.itemId);
  return { store, accountId: a.id, inbox, archive, d1, d2, deliver };
}

const START: Cursor = { modseq: 0, itemId: 0 };

function summary(changes: ItemChange[]): string[] {
  return changes.map((c) => `${c.kind}:${'item' in c ? c.item.id : c.itemId}`);
}

/** Pages to the end from SyncKey 0 as Sync does: the relationship starts at today's head. */
function resync(store: Store, accountId: number, folderId: number, device: number, limit: number) {
  const ownAfter = store.headModseq(accountId);
  let cursor = START;
  const all: ItemChange[] = [];
  for (let pages = 0; ; pages++) {
    const p: ChangesPage = store.changes({ accountId, folderId, deviceRowId: device, cursor, limit, since: null, ownAfter });
    all.push(...p.changes);
    cursor = p.next;
    if (!p.more) return { all, cursor, ownAfter };
    if (pages > 1000) throw new Error('paging does not end');
  }
}

test('a resync sends back, on every page, the items the device moved into the folder', (t) => {
  const { store, accountId, inbox, archive, d1, deliver } = setup(t);
  const moved = deliver(5).map((id) => store.moveItem(accountId, id, archive, d1)!.id);
  const { all } = resync(store, accountId, archive, d1, 2);
  t.deepEqual(summary(all), moved.map((id) => `add:${id}`));
  t.is(store.listItems(accountId, inbox).length, 0);
});

test('after the relationship began, the device\'s own writes are skipped and others\' are not', (t) => {
  const { store, accountId, inbox, d1, d2, deliver } = setup(t);
  const [x, y, z] = deliver(3);
  const { cursor, ownAfter } = resync(store, accountId, inbox, d1, 100);
  store.updateItem(accountId, x!, { read: true }, d1);
  store.deleteItem(accountId, y!, d1);
  const own = store.addItem(accountId, inbox, rawOf(), parsed(), d1);
  store.updateItem(accountId, z!, { read: true }, d2);
  const p = store.changes({ accountId, folderId: inbox, deviceRowId: d1, cursor, limit: 100, since: null, ownAfter });
  t.deepEqual(summary(p.changes), [`change:${z}`]);
  t.false(summary(p.changes).includes(`add:${own.id}`));
  // Without ownAfter the store reads it from the device's state (Ping, GetItemEstimate).
  store.saveSyncState({ deviceRowId: d1, collectionId: inbox, syncKey: 1, cursor, filterType: 0, replay: null, ownAfter });
  t.is(store.countChanges({ accountId, folderId: inbox, deviceRowId: d1, cursor, since: null }), 1);
  t.true(store.hasPending(accountId, inbox, d1, cursor, false));
  t.false(store.hasPending(accountId, inbox, d1, cursor, true));
});

test('changes and deletes from before the relationship began are not sent again while paging', (t) => {
  const { store, accountId, inbox, d1, d2, deliver } = setup(t);
  const ids = Array.from({ length: 4 }, () => deliver()[0]!);
  store.updateItem(accountId, ids[0]!, { read: true }, d2);
  store.deleteItem(accountId, ids[1]!, d2);
  const { all } = resync(store, accountId, inbox, d1, 1);
  t.deepEqual(summary(all), [ids[0], ids[2], ids[3]].map((id) => `add:${id}`));
  const first = all[0];
  t.true(first?.kind === 'add' && first.item.read);
});

test('MoveItems-style moves keep the mover out; delete-as-move sends it the Add; both keep receivedAt', (t) => {
  const { store, accountId, inbox, archive, d1, d2, deliver } = setup(t);
  const trash = store.folderByType(accountId, 4)!.id;
  const [x, y] = deliver(2);
  const received = store.getItem(accountId, x!)!.receivedAt;
  const receivedY = store.getItem(accountId, y!)!.receivedAt;
  const c1 = resync(store, accountId, trash, d1, 100);
  const c2 = resync(store, accountId, trash, d2, 100);
  const c1a = resync(store, accountId, archive, d1, 100);

  const deleted = store.moveItem(accountId, x!, trash, d1, { moverKnows: false })!;
  const moved = store.moveItem(accountId, y!, archive, d1)!;
  t.is(deleted.receivedAt, received);
  t.is(moved.receivedAt, receivedY);

  const pageFor = (device: number, folderId: number, c: { cursor: Cursor; ownAfter: number }) =>
    summary(store.changes({ accountId, folderId, deviceRowId: device, cursor: c.cursor, limit: 100, since: null, ownAfter: c.ownAfter }).changes);
  t.deepEqual(pageFor(d1, trash, c1), [`add:${deleted.id}`]);
  t.deepEqual(pageFor(d2, trash, c2), [`add:${deleted.id}`]);
  t.deepEqual(pageFor(d1, archive, c1a), []);
  // The new item in Deleted Items is pending for the deleting device (its Ping wakes).
  t.true(store.hasPending(accountId, trash, d1, c1.cursor, true, c1.ownAfter));
});

test('a moved item keeps the date it arrived', (t) => {
  const { store, accountId, inbox, archive, d1, deliver } = setup(t);
  const [x] = deliver();
  const before = store.getItem(accountId, x!)!.receivedAt;
  // Until the clock has moved on, a move stamped with "now" could not be told apart.
  while (new Date().toISOString() === before);
  const moved = store.moveItem(accountId, x!, archive, d1)!;
  t.is(moved.receivedAt, before);
  t.deepEqual(store.listItems(accountId, inbox), []);
});

test('replaceMessage changes a draft in place: same id, new content, a Change for others only', (t) => {
  const { store, accountId, d1, d2 } = setup(t);
  const drafts = store.folderByType(accountId, 3)!.id;
  const draft = store.addItem(accountId, drafts, rawOf('First'), parsed({ subject: 'First', text: 'first words' }), d1, true);
  const c1 = resync(store, accountId, drafts, d1, 100);
  const c2 = resync(store, accountId, drafts, d2, 100);

  const edited = store.replaceMessage(accountId, draft.id, rawOf('Second'), parsed({ subject: 'Second', text: 'second words' }), d1)!;
  t.is(edited.id, draft.id);
  t.is(sid(edited), sid(draft));
  t.is(edited.summary.subject, 'Second');
  t.true(edited.read);
  t.true(store.getBody(accountId, draft.id)!.raw.equals(rawOf('Second')));
  t.is(store.search({ accountId, text: 'first', rangeStart: 0, rangeEnd: 9 }).total, 0);
  t.is(store.search({ accountId, text: 'second', rangeStart: 0, rangeEnd: 9 }).total, 1);

  const forD2 = store.changes({ accountId, folderId: drafts, deviceRowId: d2, cursor: c2.cursor, limit: 100, since: null, ownAfter: c2.ownAfter });
  t.deepEqual(summary(forD2.changes), [`change:${draft.id}`]);
  const change = forD2.changes[0];
  t.true(change?.kind === 'change' && mail(change.item).summary.subject === 'Second');
  t.deepEqual(store.changes({ accountId, folderId: drafts, deviceRowId: d1, cursor: c1.cursor, limit: 100, since: null, ownAfter: c1.ownAfter }).changes, []);
  t.is(store.replaceMessage(accountId, 999999, rawOf(), parsed(), d1), null);
});
