// Store.pendingFolders (store/pending.ts, store/postgres/pending.ts; docs/push.md rules 2 and 4)
// on both stores: a folder with a sync state of the device is checked against its latest key's
// cursor (own changes skipped, adds only when asked), one it never synced against the request's
// baseline, adds only; the answer keeps the order the folders were given in.
import { HEAD_ITEM } from '../../store/item-changes.js';
import { FolderType } from '../../store/types.js';
import { storeTest } from '../store/contract/store-test.js';
import { parsed, rawOf } from '../store/helpers.js';

storeTest('pendingFolders: latest state per folder, else the baseline with adds only, in the order given', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const seen = { deviceType: 'iPhone', userAgent: null, protocolVersion: '16.1' };
  const d = (await store.touchDevice(a.id, 'PHONE', seen)).id;
  const other = (await store.touchDevice(a.id, 'TABLET', seen)).id;
  const inbox = (await store.folderByType(a.id, FolderType.Inbox))!.id;
  const archive = (await store.createFolder(a.id, null, 'Archive', 12, null)).id;
  const inArchive = await store.addItem(a.id, archive, rawOf('filed'), parsed({ subject: 'filed' }), null);
  const head = async () => ({ modseq: await store.headModseq(a.id), itemId: HEAD_ITEM });
  const pending = async (folderIds: number[], addsOnly: boolean, baseline: { modseq: number; itemId: number }) =>
    store.pendingFolders({ accountId: a.id, deviceRowId: d, folderIds, baseline, addsOnly });

  const baseline = await head();
  // The device synced Archive to the head (its relationship began at 0: later own changes skipped).
  await store.saveSyncState({ deviceRowId: d, collectionId: archive, syncKey: 1, cursor: await head(), filterType: 0, replay: null, ownAfter: 0 });
  t.deepEqual(await pending([inbox, archive], false, baseline), []);

  // A change by another device in the synced folder: pending unless only adds count.
  await store.updateItem(a.id, inArchive.id, { read: true }, other);
  t.deepEqual(await pending([inbox, archive], false, baseline), [archive]);
  t.deepEqual(await pending([inbox, archive], true, baseline), []);

  // Synced past it; then the device's own change is not pending for it.
  await store.saveSyncState({ deviceRowId: d, collectionId: archive, syncKey: 2, cursor: await head(), filterType: 0, replay: null, ownAfter: 0 });
  await store.updateItem(a.id, inArchive.id, { read: false }, d);
  t.deepEqual(await pending([archive], false, baseline), []);

  // Inbox has no state: a change there is not pending (baseline: adds only), a delivery is.
  const first = (await store.deliver([{ accountId: a.id, raw: rawOf('one') }], parsed({ subject: 'one' })))[0]!.itemId;
  const afterFirst = await head();
  await store.updateItem(a.id, first, { read: true }, other);
  t.deepEqual(await pending([inbox], false, afterFirst), [], 'a change after the baseline is not an add');
  t.deepEqual(await pending([inbox], false, baseline), [inbox]);
  await store.addItem(a.id, archive, rawOf('two'), parsed({ subject: 'two' }), null);
  t.deepEqual(await pending([archive, inbox], true, baseline), [archive, inbox], 'the order given');
  t.deepEqual(await pending([inbox, archive], true, baseline), [inbox, archive]);
  t.deepEqual(await pending([], true, baseline), []);
});
