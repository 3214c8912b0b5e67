// Own changes after the start of a sync relationship (ChangesQuery.ownAfter), moves that keep
// their date and tell or do not tell the mover, and drafts whose message is replaced in place.
import { type ChangesPage, type Cursor, type ItemChange, type Store } from '../../store/index.js';
import { storeTest } from './contract/store-test.js';
import { parsed, rawOf } from './helpers.js';
import { mail, sid } from '../helpers/items.js';

async function setup(store: Store) {
  const a = await store.createAccount('alice@example.com', 'pw');
  const inbox = (await store.folderByType(a.id, 2))!.id;
  const archive = (await store.createFolder(a.id, null, 'Archive', 12, null)).id;
  const seen = { deviceType: 'iPhone', userAgent: null, protocolVersion: '16.1' };
  const d1 = (await store.touchDevice(a.id, 'PHONE1', seen)).id;
  const d2 = (await store.touchDevice(a.id, 'PHONE2', seen)).id;
  const deliver = async (n = 1) =>
    (await store.deliver(Array.from({ length: n }, () => ({ accountId: a.id, raw: rawOf() })), parsed())).map((d) => d.itemId);
  return { store, accountId: a.id, inbox, archive, d1, d2, deliver };
}

const START: Cursor = { modseq: 0, itemId: 0 };

function summary(changes: ItemChange[]): string[] {
  return changes.map((c) => `${c.kind}:${'item' in c ? c.item.id : c.itemId}`);
}

/** Pages to the end from SyncKey 0 as Sync does: the relationship starts at today's head. */
async function resync(store: Store, accountId: number, folderId: number, device: number, limit: number) {
  const ownAfter = await store.headModseq(accountId);
  let cursor = START;
  const all: ItemChange[] = [];
  for (let pages = 0; ; pages++) {
    const p: ChangesPage = await store.changes({ accountId, folderId, deviceRowId: device, cursor, limit, since: null, ownAfter });
    all.push(...p.changes);
    cursor = p.next;
    if (!p.more) return { all, cursor, ownAfter };
    if (pages > 1000) throw new Error('paging does not end');
  }
}

storeTest('a resync sends back, on every page, the items the device moved into the folder', async (t, s) => {
  const { store, accountId, inbox, archive, d1, deliver } = await setup(s);
  const moved: number[] = [];
  for (const id of await deliver(5)) moved.push((await store.moveItem(accountId, id, archive, d1))!.id);
  const { all } = await resync(store, accountId, archive, d1, 2);
  t.deepEqual(summary(all), moved.map((id) => `add:${id}`));
  t.is((await store.listItems(accountId, inbox)).length, 0);
});

storeTest('after the relationship began, the device\'s own writes are skipped and others\' are not', async (t, s) => {
  const { store, accountId, inbox, d1, d2, deliver } = await setup(s);
  const [x, y, z] = await deliver(3);
  const { cursor, ownAfter } = await resync(store, accountId, inbox, d1, 100);
  await store.updateItem(accountId, x!, { read: true }, d1);
  await store.deleteItem(accountId, y!, d1);
  const own = await store.addItem(accountId, inbox, rawOf(), parsed(), d1);
  await store.updateItem(accountId, z!, { read: true }, d2);
  const p = await store.changes({ accountId, folderId: inbox, deviceRowId: d1, cursor, limit: 100, since: null, ownAfter });
  t.deepEqual(summary(p.changes), [`change:${z}`]);
  t.false(summary(p.changes).includes(`add:${own.id}`));
  // Without ownAfter the store reads it from the device's state (Ping, GetItemEstimate).
  await store.saveSyncState({ deviceRowId: d1, collectionId: inbox, syncKey: 1, cursor, filterType: 0, replay: null, ownAfter });
  t.is(await store.countChanges({ accountId, folderId: inbox, deviceRowId: d1, cursor, since: null }), 1);
  t.true(await store.hasPending(accountId, inbox, d1, cursor, false));
  t.false(await store.hasPending(accountId, inbox, d1, cursor, true));
});

storeTest('changes and deletes from before the relationship began are not sent again while paging', async (t, s) => {
  const { store, accountId, inbox, d1, d2, deliver } = await setup(s);
  const ids: number[] = [];
  for (let i = 0; i < 4; i++) ids.push((await deliver())[0]!);
  await store.updateItem(accountId, ids[0]!, { read: true }, d2);
  await store.deleteItem(accountId, ids[1]!, d2);
  const { all } = await resync(store, accountId, inbox, d1, 1);
  t.deepEqual(summary(all), [ids[0], ids[2], ids[3]].map((id) => `add:${id}`));
  const first = all[0];
  t.true(first?.kind === 'add' && first.item.read);
});

storeTest('MoveItems-style moves keep the mover out; delete-as-move sends it the Add; both keep receivedAt', async (t, s) => {
  const { store, accountId, inbox, archive, d1, d2, deliver } = await setup(s);
  const trash = (await store.folderByType(accountId, 4))!.id;
  const [x, y] = await deliver(2);
  const received = (await store.getItem(accountId, x!))!.receivedAt;
  const receivedY = (await store.getItem(accountId, y!))!.receivedAt;
  const c1 = await resync(store, accountId, trash, d1, 100);
  const c2 = await resync(store, accountId, trash, d2, 100);
  const c1a = await resync(store, accountId, archive, d1, 100);

  const deleted = (await store.moveItem(accountId, x!, trash, d1, { moverKnows: false }))!;
  const moved = (await store.moveItem(accountId, y!, archive, d1))!;
  t.is(deleted.receivedAt, received);
  t.is(moved.receivedAt, receivedY);

  const pageFor = async (device: number, folderId: number, c: { cursor: Cursor; ownAfter: number }) =>
    summary((await store.changes({ accountId, folderId, deviceRowId: device, cursor: c.cursor, limit: 100, since: null, ownAfter: c.ownAfter })).changes);
  t.deepEqual(await pageFor(d1, trash, c1), [`add:${deleted.id}`]);
  t.deepEqual(await pageFor(d2, trash, c2), [`add:${deleted.id}`]);
  t.deepEqual(await pageFor(d1, archive, c1a), []);
  // The new item in Deleted Items is pending for the deleting device (its Ping wakes).
  t.true(await store.hasPending(accountId, trash, d1, c1.cursor, true, c1.ownAfter));
});

storeTest('a moved item keeps the date it arrived', async (t, s) => {
  const { store, accountId, inbox, archive, d1, deliver } = await setup(s);
  const [x] = await deliver();
  const before = (await store.getItem(accountId, x!))!.receivedAt;
  // Until the clock has moved on, a move stamped with "now" could not be told apart.
  while (new Date().toISOString() === before);
  const moved = (await store.moveItem(accountId, x!, archive, d1))!;
  t.is(moved.receivedAt, before);
  t.deepEqual(await store.listItems(accountId, inbox), []);
});

storeTest('replaceMessage changes a draft in place: same id, new content, a Change for others only', async (t, s) => {
  const { store, accountId, d1, d2 } = await setup(s);
  const drafts = (await store.folderByType(accountId, 3))!.id;
  const draft = await store.addItem(accountId, drafts, rawOf('First'), parsed({ subject: 'First', text: 'first words' }), d1, true);
  const c1 = await resync(store, accountId, drafts, d1, 100);
  const c2 = await resync(store, accountId, drafts, d2, 100);

  const edited = (await store.replaceMessage(accountId, draft.id, rawOf('Second'), parsed({ subject: 'Second', text: 'second words' }), d1))!;
  t.is(edited.id, draft.id);
  t.is(sid(edited), sid(draft));
  t.is(edited.summary.subject, 'Second');
  t.true(edited.read);
  t.true((await store.getBody(accountId, draft.id))!.raw.equals(rawOf('Second')));
  t.is((await store.search({ accountId, text: 'first', rangeStart: 0, rangeEnd: 9 })).total, 0);
  t.is((await store.search({ accountId, text: 'second', rangeStart: 0, rangeEnd: 9 })).total, 1);

  const forD2 = await store.changes({ accountId, folderId: drafts, deviceRowId: d2, cursor: c2.cursor, limit: 100, since: null, ownAfter: c2.ownAfter });
  t.deepEqual(summary(forD2.changes), [`change:${draft.id}`]);
  const change = forD2.changes[0];
  t.true(change?.kind === 'change' && mail(change.item).summary.subject === 'Second');
  t.deepEqual((await store.changes({ accountId, folderId: drafts, deviceRowId: d1, cursor: c1.cursor, limit: 100, since: null, ownAfter: c1.ownAfter })).changes, []);
  t.is(await store.replaceMessage(accountId, 999999, rawOf(), parsed(), d1), null);
});
