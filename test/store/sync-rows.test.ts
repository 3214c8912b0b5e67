// The rows behind sticky Options and skipped items (docs/sync.md §8–§10), on every Store
// (contract/store-test.ts): kept per class, replaced whole, and gone with the device, the folder
// or the item, so `device remove` and the purge leave nothing behind.
import { parseMessage } from '../../plugin/parse.js';
import { FolderType } from '../../store/index.js';
import { storeTest } from './contract/store-test.js';
import { MAIL_OPTIONS } from './helpers.js';

storeTest('options are kept per class, replaced whole, and read back in the order sent', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const phone = await store.touchDevice(a.id, 'PHONE', { deviceType: 'T', userAgent: null, protocolVersion: '16.1' });
  const inbox = (await store.folderByType(a.id, FolderType.Inbox))!.id;
  await store.saveSyncOptions(phone.id, inbox, MAIL_OPTIONS);
  await store.saveSyncOptions(phone.id, inbox, { ...MAIL_OPTIONS, className: 'SMS', filterType: 0, bodyPreferences: [], bodyPartPreferences: [] });
  t.deepEqual(await store.getSyncOptions(phone.id, inbox, 'Email'), MAIL_OPTIONS);
  t.deepEqual(await store.getSyncOptions(phone.id, inbox, 'SMS'), { ...MAIL_OPTIONS, className: 'SMS', filterType: 0, bodyPreferences: [], bodyPartPreferences: [] });

  await store.saveSyncOptions(phone.id, inbox, { ...MAIL_OPTIONS, bodyPreferences: [{ type: 1, truncationSize: 10, allOrNone: false, preview: null }], bodyPartPreferences: [] });
  const replaced = (await store.getSyncOptions(phone.id, inbox, 'Email'))!;
  t.deepEqual(replaced.bodyPreferences, [{ type: 1, truncationSize: 10, allOrNone: false, preview: null }]);
  t.deepEqual(replaced.bodyPartPreferences, []);
  t.is((await store.getSyncOptions(phone.id, inbox, 'SMS'))?.className, 'SMS', 'the other class is untouched');
  t.is(await store.getSyncOptions(phone.id, inbox, 'Calendar'), null);
});

storeTest('skips and options go with the device; a skip goes with its item; conflicts ignore own changes', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const seen = { deviceType: 'T', userAgent: null, protocolVersion: '16.1' };
  const phone = await store.touchDevice(a.id, 'PHONE', seen);
  const tablet = await store.touchDevice(a.id, 'TABLET', seen);
  const inbox = (await store.folderByType(a.id, FolderType.Inbox))!.id;
  const raw = Buffer.from('From: b@example.org\r\nTo: alice@example.com\r\nSubject: Odd one\r\n\r\nhi\r\n');
  const item = await store.addItem(a.id, inbox, raw, await parseMessage(raw), null);
  const other = await store.addItem(a.id, inbox, raw, await parseMessage(raw), null);

  await store.skipItem(phone.id, inbox, item.id, 'Odd one', '2026-01-01T00:00:00.000Z');
  await store.skipItem(phone.id, inbox, item.id, 'Odd one', '2026-01-02T00:00:00.000Z');
  await store.skipItem(phone.id, inbox, other.id, null, '2026-01-03T00:00:00.000Z');
  t.deepEqual(await store.skippedItems(phone.id), [
    { collectionId: inbox, itemId: item.id, subject: 'Odd one', skippedAt: '2026-01-01T00:00:00.000Z' },
    { collectionId: inbox, itemId: other.id, subject: null, skippedAt: '2026-01-03T00:00:00.000Z' },
  ]);
  t.deepEqual([...await store.skippedItemIds(tablet.id, inbox)], [], 'per device');

  // A change by the tablet after a cursor is a conflict for the phone, not for the tablet.
  const cursor = { modseq: await store.headModseq(a.id), itemId: Number.MAX_SAFE_INTEGER };
  t.false(await store.changedByOthersSince(a.id, other.id, cursor, phone.id));
  await store.updateItem(a.id, other.id, { read: true }, tablet.id);
  t.true(await store.changedByOthersSince(a.id, other.id, cursor, phone.id));
  t.false(await store.changedByOthersSince(a.id, other.id, cursor, tablet.id));

  // The item deleted and purged: its skip goes with it.
  t.true(await store.deleteItem(a.id, item.id, null));
  await store.maintenance({ retentionDays: 0, now: new Date(Date.now() + 86_400_000) });
  t.deepEqual((await store.skippedItems(phone.id)).map((s) => s.itemId), [other.id]);

  await store.saveSyncOptions(phone.id, inbox, MAIL_OPTIONS);
  await store.saveSyncLoop({ deviceRowId: phone.id, collectionId: inbox, syncKey: 4, repeats: 2, windowSize: 25, itemId: null, refusals: 0, skipped: false, startedAt: 'x' });
  await store.removeDevice(phone.id);
  t.deepEqual(await store.skippedItems(phone.id), []);
  t.is(await store.getSyncOptions(phone.id, inbox, 'Email'), null);
  t.is(await store.syncLoop(phone.id, inbox), null);
});
