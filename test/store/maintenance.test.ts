// store.maintenance(), on every Store (contract/store-test.ts): tombstones, journal rows and
// orphaned messages go once every device syncing the folder has passed them (or, in a folder
// nobody syncs, after the retention). Rows are counted through the test's own connection.
import { type Cursor, type Store } from '../../store/index.js';
import type { OpenedStore } from './contract/factories.js';
import { storeSqlTest } from './contract/store-test.js';
import { parsed, rawOf } from './helpers.js';

const DAY = 86_400_000;

async function setup({ store, count }: OpenedStore) {
  const a = await store.createAccount('alice@example.com', 'pw');
  const inbox = (await store.folderByType(a.id, 2))!.id;
  const seen = { deviceType: 'iPhone', userAgent: null, protocolVersion: '16.1' };
  const d1 = (await store.touchDevice(a.id, 'PHONE1', seen)).id;
  const d2 = (await store.touchDevice(a.id, 'PHONE2', seen)).id;
  const deliver = async (subject: string, folderId = inbox) =>
    (await store.deliver([{ accountId: a.id, raw: rawOf(subject), folderId }], parsed({ subject, text: `${subject} words` })))[0]!.itemId;
  return { store, accountId: a.id, inbox, d1, d2, deliver, count };
}

/** The device syncs the folder to the head: its next SyncKey, as Sync saves it. */
async function syncToHead(store: Store, accountId: number, folderId: number, device: number): Promise<Cursor> {
  const latest = await store.latestSyncState(device, folderId);
  const cursor = latest?.cursor ?? { modseq: 0, itemId: 0 };
  const page = await store.changes({ accountId, folderId, deviceRowId: device, cursor, limit: 1000, since: null, ownAfter: 0 });
  await store.saveSyncState({ deviceRowId: device, collectionId: folderId, syncKey: (latest?.syncKey ?? 0) + 1, cursor: page.next, filterType: 0, replay: null, ownAfter: 0 });
  return cursor;
}

storeSqlTest('a device that has not synced keeps its deletes; once every device passed them they go', async (t, opened) => {
  const { store, accountId, inbox, d1, d2, deliver, count } = await setup(opened);
  const x = await deliver('Doomed');
  await deliver('Kept');
  await syncToHead(store, accountId, inbox, d1);
  await syncToHead(store, accountId, inbox, d2);
  await store.deleteItem(accountId, x, null);
  await syncToHead(store, accountId, inbox, d1);
  await syncToHead(store, accountId, inbox, d1);

  t.like(await store.maintenance(), { tombstones: 0, messages: 0 });
  const d2Cursor = (await store.latestSyncState(d2, inbox))!.cursor;
  const pending = await store.changes({ accountId, folderId: inbox, deviceRowId: d2, cursor: d2Cursor, limit: 100, since: null });
  t.deepEqual(pending.changes, [{ kind: 'delete', itemId: x, folderId: inbox }]);

  await syncToHead(store, accountId, inbox, d2);
  // Its previous key (N-1) may still be retried and would need the delete.
  t.like(await store.maintenance(), { tombstones: 0 });
  await syncToHead(store, accountId, inbox, d2);
  const journalBefore = await count('changes');
  t.like(await store.maintenance(), { tombstones: 1, messages: 1 });
  t.true((await count('changes')) < journalBefore);
  t.is(await count('items'), 1);
  t.is(await count('messages'), 1);
  t.is((await store.search({ accountId, text: 'doomed', rangeStart: 0, rangeEnd: 9 })).total, 0);
  t.is((await store.search({ accountId, text: 'kept', rangeStart: 0, rangeEnd: 9 })).total, 1);
  t.like(await store.maintenance(), { tombstones: 0, messages: 0, journal: 0 });
});

storeSqlTest('a folder nobody syncs keeps its tombstones for the retention period', async (t, opened) => {
  const { store, accountId, deliver, count } = await setup(opened);
  const archive = (await store.createFolder(accountId, null, 'Archive', 12, null)).id;
  await store.deleteItem(accountId, await deliver('Old', archive), null);
  t.like(await store.maintenance(), { tombstones: 0 });
  t.like(await store.maintenance({ now: new Date(Date.now() + 29 * DAY) }), { tombstones: 0 });
  t.like(await store.maintenance({ now: new Date(Date.now() + 31 * DAY) }), { tombstones: 1, messages: 1 });
  t.is(await count('items'), 0);
});

storeSqlTest('a moved message stays while its new item lives; a replaced draft message goes at once', async (t, opened) => {
  const { store, accountId, inbox, d1, deliver, count } = await setup(opened);
  const archive = (await store.createFolder(accountId, null, 'Archive', 12, null)).id;
  const x = await deliver('Moved');
  await syncToHead(store, accountId, inbox, d1);
  const moved = (await store.moveItem(accountId, x, archive, d1))!;
  await syncToHead(store, accountId, inbox, d1);
  await syncToHead(store, accountId, inbox, d1);
  t.like(await store.maintenance(), { tombstones: 1, messages: 0 });
  t.true((await store.getBody(accountId, moved.id))!.raw.equals(rawOf('Moved')));

  const drafts = (await store.folderByType(accountId, 3))!.id;
  const draft = await store.addItem(accountId, drafts, rawOf('v1'), parsed({ subject: 'v1' }), d1);
  const before = await count('messages');
  await store.replaceMessage(accountId, draft.id, rawOf('v2'), parsed({ subject: 'v2' }), d1);
  t.is(await count('messages'), before);
});

storeSqlTest('a device not seen for long stops pinning tombstones (it resyncs when it returns)', async (t, opened) => {
  const { store, accountId, inbox, d1, d2, deliver } = await setup(opened);
  const x = await deliver('Doomed');
  await syncToHead(store, accountId, inbox, d2);
  await store.deleteItem(accountId, x, null);
  for (let i = 0; i < 2; i++) await syncToHead(store, accountId, inbox, d1);
  t.like(await store.maintenance({ now: new Date(Date.now() + 100 * DAY) }), { tombstones: 0 });
  t.like(await store.maintenance({ now: new Date(Date.now() + 200 * DAY) }), { tombstones: 1 });
  t.is(await store.latestSyncState(d2, inbox), null);
});

/**
 * The device FolderSyncs as eas/commands/folder-sync.ts does (collection 0, cursor = account
 * head): from key 0 without a state; a new key only when something changed. Returns the Deletes.
 */
async function folderSync(store: Store, accountId: number, device: number): Promise<number[]> {
  const latest = await store.latestSyncState(device, 0);
  const ch = await store.folderChanges(accountId, latest?.cursor.modseq ?? 0);
  const deleted = latest ? ch.deleted : [];
  if (latest && ch.added.length + ch.changed.length + ch.deleted.length === 0) return deleted;
  await store.saveSyncState({ deviceRowId: device, collectionId: 0, syncKey: (latest?.syncKey ?? 0) + 1, cursor: { modseq: ch.head, itemId: 0 }, filterType: 0, replay: null });
  return deleted;
}

storeSqlTest('a deleted folder stays until every device has FolderSynced past it, then goes with its items and subfolders', async (t, opened) => {
  const { store, accountId, d1, d2, deliver, count } = await setup(opened);
  const seen = { deviceType: 'Android', userAgent: null, protocolVersion: '14.1' };
  // Never FolderSynced: it can only start at SyncKey 0, which reports no Deletes.
  await store.touchDevice(accountId, 'NEWPHONE', seen);
  const archive = (await store.createFolder(accountId, null, 'Archive', 12, null)).id;
  const year = (await store.createFolder(accountId, archive, '2024', 12, null)).id;
  await deliver('Filed', year);
  await deliver('Archived', archive);
  await folderSync(store, accountId, d1);
  await folderSync(store, accountId, d2);
  const folderRows = await count('folders');
  await store.deleteFolder(accountId, archive, null);
  t.deepEqual((await folderSync(store, accountId, d1)).sort(), [archive, year].sort());

  t.like(await store.maintenance(), { folders: 0 });
  t.is(await count('folders'), folderRows);
  // d2 has not synced since the delete: its next FolderSync still reports it.
  t.deepEqual((await folderSync(store, accountId, d2)).sort(), [archive, year].sort());
  // Both still hold the key before the delete (N-1), which a retry may present.
  t.like(await store.maintenance(), { folders: 0 });
  t.deepEqual((await store.folderChanges(accountId, (await store.getSyncState(d2, 0, 1))!.cursor.modseq)).deleted.sort(), [archive, year].sort());

  // The next hierarchy change moves both devices a key on: nobody can ask for the Delete again.
  await store.createFolder(accountId, null, 'Projects', 12, null);
  await folderSync(store, accountId, d1);
  await folderSync(store, accountId, d2);
  t.like(await store.maintenance(), { folders: 2, tombstones: 2, messages: 2 });
  t.is(await count('folders'), folderRows - 1);
  t.is(await count('items'), 0);
  t.is(await count('messages'), 0);
  t.is((await store.search({ accountId, text: 'filed', rangeStart: 0, rangeEnd: 9 })).total, 0);
  // Nothing refers to the purged folders any more, and the next FolderSync has nothing to report.
  t.is(await count(`changes WHERE folder_id IN (${archive}, ${year})`), 0);
  t.deepEqual(await folderSync(store, accountId, d1), []);
  t.like(await store.maintenance(), { folders: 0, tombstones: 0, messages: 0 });
});

storeSqlTest('in an account nobody FolderSyncs, deleted folders are kept for the retention period', async (t, opened) => {
  const { store, accountId, deliver, count } = await setup(opened);
  const archive = (await store.createFolder(accountId, null, 'Archive', 12, null)).id;
  await deliver('Old', archive);
  const folderRows = await count('folders');
  await store.deleteFolder(accountId, archive, null);
  t.like(await store.maintenance(), { folders: 0, tombstones: 0 });
  t.like(await store.maintenance({ now: new Date(Date.now() + 29 * DAY) }), { folders: 0, tombstones: 0 });
  t.like(await store.maintenance({ now: new Date(Date.now() + 31 * DAY) }), { folders: 1, tombstones: 1, messages: 1 });
  t.is(await count('folders'), folderRows - 1);
  t.is(await count('items'), 0);
});

storeSqlTest('a device not seen for long still pins deleted folders (its hierarchy state is never dropped)', async (t, opened) => {
  const { store, accountId, d1, d2 } = await setup(opened);
  const archive = (await store.createFolder(accountId, null, 'Archive', 12, null)).id;
  await folderSync(store, accountId, d1);
  await folderSync(store, accountId, d2);
  await store.deleteFolder(accountId, archive, null);
  for (const name of ['A', 'B']) {
    await store.createFolder(accountId, null, name, 12, null);
    await folderSync(store, accountId, d1);
  }
  t.like(await store.maintenance({ now: new Date(Date.now() + 200 * DAY) }), { folders: 0 });
  t.deepEqual(await folderSync(store, accountId, d2), [archive]);
});
