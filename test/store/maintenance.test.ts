// store.maintenance(): tombstones, journal rows and orphaned messages go once every device
// syncing the folder has passed them (or, in a folder nobody syncs, after the retention).
import test from 'ava';
import Database from 'better-sqlite3';
import { type Cursor, type Store } from '../../store/index.js';
import { parsed, rawOf, tempStore } from './helpers.js';

const DAY = 86_400_000;

function setup(t: Parameters<typeof tempStore>[0]) {
  const { store, file } = tempStore(t);
  const a = store.createAccount('alice@example.com', 'pw');
  const inbox = store.folderByType(a.id, 2)!.id;
  const seen = { deviceType: 'iPhone', userAgent: null, protocolVersion: '16.1' };
  const d1 = store.touchDevice(a.id, 'PHONE1', seen).id;
  const d2 = store.touchDevice(a.id, 'PHONE2', seen).id;
  const deliver = (subject: string, folderId = inbox) =>
    store.deliver([{ accountId: a.id, raw: rawOf(subject), folderId }], parsed({ subject, text: `${subject} words` }))[0]!.itemId;
  const db = new Database(file, { readonly: true });
  t.teardown(() => db.close());
  const count = (table: string) => db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
  return { store, accountId: a.id, inbox, d1, d2, deliver, count };
}

/** The device syncs the folder to the head: its next SyncKey, as Sync saves it. */
function syncToHead(store: Store, accountId: number, folderId: number, device: number): Cursor {
  const latest = store.latestSyncState(device, folderId);
  const cursor = latest?.cursor ?? { modseq: 0, itemId: 0 };
  const page = store.changes({ accountId, folderId, deviceRowId: device, cursor, limit: 1000, since: null, ownAfter: 0 });
  store.saveSyncState({ deviceRowId: device, collectionId: folderId, syncKey: (latest?.syncKey ?? 0) + 1, cursor: page.next, filterType: 0, replay: null, ownAfter: 0 });
  return cursor;
}

test('a device that has not synced keeps its deletes; once every device passed them they go', (t) => {
  const { store, accountId, inbox, d1, d2, deliver, count } = setup(t);
  const x = deliver('Doomed');
  deliver('Kept');
  syncToHead(store, accountId, inbox, d1);
  syncToHead(store, accountId, inbox, d2);
  store.deleteItem(accountId, x, null);
  syncToHead(store, accountId, inbox, d1);
  syncToHead(store, accountId, inbox, d1);

  t.like(store.maintenance(), { tombstones: 0, messages: 0 });
  const d2Cursor = store.latestSyncState(d2, inbox)!.cursor;
  const pending = store.changes({ accountId, folderId: inbox, deviceRowId: d2, cursor: d2Cursor, limit: 100, since: null });
  t.deepEqual(pending.changes, [{ kind: 'delete', itemId: x, serverId: `${inbox}:${x}` }]);

  syncToHead(store, accountId, inbox, d2);
  // Its previous key (N-1) may still be retried and would need the delete.
  t.like(store.maintenance(), { tombstones: 0 });
  syncToHead(store, accountId, inbox, d2);
  const journalBefore = count('changes');
  t.like(store.maintenance(), { tombstones: 1, messages: 1 });
  t.true(count('changes') < journalBefore);
  t.is(count('items'), 1);
  t.is(count('messages'), 1);
  t.is(store.search({ accountId, text: 'doomed', rangeStart: 0, rangeEnd: 9 }).total, 0);
  t.is(store.search({ accountId, text: 'kept', rangeStart: 0, rangeEnd: 9 }).total, 1);
  t.like(store.maintenance(), { tombstones: 0, messages: 0, journal: 0 });
});

test('a folder nobody syncs keeps its tombstones for the retention period', (t) => {
  const { store, accountId, deliver, count } = setup(t);
  const archive = store.createFolder(accountId, null, 'Archive', 12, null).id;
  store.deleteItem(accountId, deliver('Old', archive), null);
  t.like(store.maintenance(), { tombstones: 0 });
  t.like(store.maintenance({ now: new Date(Date.now() + 29 * DAY) }), { tombstones: 0 });
  t.like(store.maintenance({ now: new Date(Date.now() + 31 * DAY) }), { tombstones: 1, messages: 1 });
  t.is(count('items'), 0);
});

test('a moved message stays while its new item lives; a replaced draft message goes at once', (t) => {
  const { store, accountId, inbox, d1, deliver, count } = setup(t);
  const archive = store.createFolder(accountId, null, 'Archive', 12, null).id;
  const x = deliver('Moved');
  syncToHead(store, accountId, inbox, d1);
  const moved = store.moveItem(accountId, x, archive, d1)!;
  syncToHead(store, accountId, inbox, d1);
  syncToHead(store, accountId, inbox, d1);
  t.like(store.maintenance(), { tombstones: 1, messages: 0 });
  t.true(store.getBody(accountId, moved.id)!.raw.equals(rawOf('Moved')));

  const drafts = store.folderByType(accountId, 3)!.id;
  const draft = store.addItem(accountId, drafts, rawOf('v1'), parsed({ subject: 'v1' }), d1);
  const before = count('messages');
  store.replaceMessage(accountId, draft.id, rawOf('v2'), parsed({ subject: 'v2' }), d1);
  t.is(count('messages'), before);
});

test('a device not seen for long stops pinning tombstones (it resyncs when it returns)', (t) => {
  const { store, accountId, inbox, d1, d2, deliver } = setup(t);
  const x = deliver('Doomed');
  syncToHead(store, accountId, inbox, d2);
  store.deleteItem(accountId, x, null);
  for (let i = 0; i < 2; i++) syncToHead(store, accountId, inbox, d1);
  t.like(store.maintenance({ now: new Date(Date.now() + 100 * DAY) }), { tombstones: 0 });
  t.like(store.maintenance({ now: new Date(Date.now() + 200 * DAY) }), { tombstones: 1 });
  t.is(store.latestSyncState(d2, inbox), null);
});
