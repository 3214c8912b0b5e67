import { StoreError } from '../../store/index.js';
import type { Store } from '../../store/types.js';
import { storeTest } from './contract/store-test.js';
import { parsed, rawOf } from './helpers.js';

async function setup(store: Store) {
  const a = await store.createAccount('alice@example.com', 'pw');
  return { store, accountId: a.id };
}

const code = async (fn: () => Promise<unknown>): Promise<string> => {
  try {
    await fn();
  } catch (err) {
    if (err instanceof StoreError) return err.code;
    throw err;
  }
  return 'no error';
};

storeTest('user folders nest, and sibling names are unique case-insensitively', async (t, s) => {
  const { store, accountId } = await setup(s);
  const projects = await store.createFolder(accountId, null, 'Projects', 12, null);
  const sub = await store.createFolder(accountId, projects.id, ' Eas ', 12, null);
  t.is(sub.parentId, projects.id);
  t.is(sub.name, 'Eas', 'trimmed');
  t.false(sub.system);
  t.deepEqual(await store.getFolder(accountId, sub.id), sub);
  t.is(await code(async () => await store.createFolder(accountId, projects.id, 'EAS', 12, null)), 'folder-exists');
  t.is(await code(async () => await store.createFolder(accountId, null, 'inbox', 12, null)), 'folder-exists');
  t.truthy(await store.createFolder(accountId, null, 'Eas', 12, null)); // other parent: fine
  t.is(await code(async () => await store.createFolder(accountId, 9999, 'X', 12, null)), 'bad-parent');
  t.is(await code(async () => await store.createFolder(accountId, null, '  ', 12, null)), 'invalid-folder');
  t.is(await code(async () => await store.createFolder(accountId, null, 'a\u0001b', 12, null)), 'invalid-folder');
  t.is(await code(async () => await store.createFolder(accountId, null, 'Second inbox', 2, null)), 'invalid-folder');
  // No such account: the parent and the folder are looked for in it, so they are not found.
  t.is(await code(async () => await store.createFolder(424242, null, 'X', 12, null)), 'no-such-account');
  t.is(await code(async () => await store.createFolder(424242, projects.id, 'X', 12, null)), 'bad-parent');
  t.is(await code(async () => await store.deleteFolder(424242, projects.id, null)), 'no-such-folder');
  t.is(await code(async () => await store.emptyFolder(424242, projects.id, null)), 'no-such-folder');
});

storeTest('system folders cannot be renamed or deleted', async (t, s) => {
  const { store, accountId } = await setup(s);
  const inbox = (await store.folderByType(accountId, 2))!;
  t.is(await code(async () => await store.updateFolder(accountId, inbox.id, null, 'Mail', null)), 'system-folder');
  t.is(await code(async () => await store.deleteFolder(accountId, inbox.id, null)), 'system-folder');
  t.is(await code(async () => await store.deleteFolder(accountId, 9999, null)), 'no-such-folder');
});

storeTest('updateFolder renames and moves, but never under itself', async (t, s) => {
  const { store, accountId } = await setup(s);
  const a = await store.createFolder(accountId, null, 'A', 12, null);
  const b = await store.createFolder(accountId, a.id, 'B', 12, null);
  const c = await store.createFolder(accountId, b.id, 'C', 12, null);
  const renamed = await store.updateFolder(accountId, a.id, null, 'Alpha', null);
  t.is(renamed.name, 'Alpha');
  t.true(renamed.modseq > a.modseq);
  t.is(await code(async () => await store.updateFolder(accountId, a.id, b.id, 'Alpha', null)), 'bad-parent');
  t.is(await code(async () => await store.updateFolder(accountId, a.id, c.id, 'Alpha', null)), 'bad-parent');
  t.is(await code(async () => await store.updateFolder(accountId, a.id, a.id, 'Alpha', null)), 'bad-parent');
  t.is(await code(async () => await store.updateFolder(accountId, a.id, 9999, 'Alpha', null)), 'bad-parent');
  t.is(await code(async () => await store.updateFolder(accountId, b.id, null, 'alpha', null)), 'folder-exists');
  t.is((await store.updateFolder(accountId, a.id, null, 'ALPHA', null)).name, 'ALPHA', 'its own name in another case');
  const moved = await store.updateFolder(accountId, b.id, null, 'B', null);
  t.is(moved.parentId, null);
});

storeTest('folderChanges is a cursor over adds, changes and deletes', async (t, s) => {
  const { store, accountId } = await setup(s);
  const initial = await store.folderChanges(accountId, 0);
  t.is(initial.added.length, 10);
  t.deepEqual(initial.changed, []);
  t.deepEqual(initial.deleted, []);
  t.is(initial.head, await store.headModseq(accountId));

  const x = await store.createFolder(accountId, null, 'X', 12, null);
  const y = await store.createFolder(accountId, null, 'Y', 12, null);
  const k1 = await store.folderChanges(accountId, initial.head);
  t.deepEqual(k1.added.map((f) => f.name), ['X', 'Y']);

  // Moved under a folder created later: the parent must still come first.
  const z = await store.createFolder(accountId, null, 'Z', 12, null);
  await store.updateFolder(accountId, x.id, z.id, 'X', null);
  t.deepEqual((await store.folderChanges(accountId, k1.head)).added.map((f) => f.name), ['Z']);
  t.deepEqual((await store.folderChanges(accountId, k1.head)).changed.map((f) => f.name), ['X']);
  const names = (await store.folderChanges(accountId, initial.head)).added.map((f) => f.name);
  t.deepEqual([...names].sort(), ['X', 'Y', 'Z']);
  t.true(names.indexOf('Z') < names.indexOf('X'));

  const k2 = (await store.folderChanges(accountId, k1.head)).head;
  await store.deleteFolder(accountId, z.id, null); // takes X with it
  const k3 = await store.folderChanges(accountId, k2);
  t.deepEqual(k3.deleted.sort(), [x.id, z.id].sort());
  t.deepEqual(k3.added, []);
  t.is(await store.getFolder(accountId, x.id), null);
  // Created and deleted after the cursor: nothing.
  const fromK1 = await store.folderChanges(accountId, k1.head);
  t.deepEqual(fromK1.deleted, [x.id]);
  t.deepEqual(fromK1.added, []);
  t.deepEqual(await store.folderChanges(accountId, k3.head), { added: [], changed: [], deleted: [], head: k3.head });
  t.deepEqual((await store.listFolders(accountId)).filter((f) => !f.system).map((f) => f.id), [y.id]);
});

storeTest('deleting a folder deletes its items and frees its name', async (t, s) => {
  const { store, accountId } = await setup(s);
  const f = await store.createFolder(accountId, null, 'Old', 12, null);
  const [d] = await store.deliver([{ accountId, raw: rawOf(), folderId: f.id }], parsed());
  await store.deleteFolder(accountId, f.id, null);
  t.is(await store.getItem(accountId, d!.itemId), null);
  t.truthy(await store.createFolder(accountId, null, 'Old', 12, null));
  t.is(await code(async () => await store.deliver([{ accountId, raw: rawOf(), folderId: f.id }], parsed())), 'no-such-folder');
});

storeTest('deleteFolder returns, as they were, the items it took from the folder types asked for', async (t, s) => {
  const { store, accountId } = await setup(s);
  // A user calendar (13) under a user mail folder (12), and a calendar under the calendar.
  const mail = await store.createFolder(accountId, null, 'Projects', 12, null);
  const cal = await store.createFolder(accountId, mail.id, 'Team', 13, null);
  const subCal = await store.createFolder(accountId, cal.id, 'Offsite', 13, null);
  const event = (subject: string) => ({ data: { v: 1, props: [{ tag: 'Calendar:Subject', text: subject }] }, uid: null, windowAt: '9999-12-31T23:59:59.999Z' });
  const standup = await store.addDoc(accountId, cal.id, event('Standup'), null);
  const trip = await store.addDoc(accountId, subCal.id, event('Trip'), null);
  await store.deliver([{ accountId, raw: rawOf(), folderId: mail.id }], parsed());
  const elsewhere = await store.addDoc(accountId, (await store.folderByType(accountId, 8))!.id, event('Kept'), null);

  const taken = await store.deleteFolder(accountId, mail.id, null, [13]);
  t.deepEqual(
    taken.map((i) => i.id).sort((a, b) => a - b),
    [standup.id, trip.id],
    'the events of both calendars, not the mail, not the default calendar\'s',
  );
  t.deepEqual(taken.find((i) => i.id === standup.id), standup, 'as it was before the delete');
  t.is(await store.getItem(accountId, standup.id), null, 'and they are deleted');
  t.truthy(await store.getItem(accountId, elsewhere.id));

  // Without types it reads nothing.
  const other = await store.createFolder(accountId, null, 'Other', 13, null);
  await store.addDoc(accountId, other.id, event('Lunch'), null);
  t.deepEqual(await store.deleteFolder(accountId, other.id, null), []);
});

storeTest('emptyFolder with subfolders removes them too', async (t, s) => {
  const { store, accountId } = await setup(s);
  const deleted = (await store.folderByType(accountId, 4))!.id;
  const sub = await store.createFolder(accountId, deleted, 'Sub', 12, null);
  const subsub = await store.createFolder(accountId, sub.id, 'SubSub', 12, null);
  await store.deliver([{ accountId, raw: rawOf(), folderId: deleted }, { accountId, raw: rawOf(), folderId: subsub.id }], parsed());
  t.is(await store.emptyFolder(accountId, deleted, null, false), 1);
  t.truthy(await store.getFolder(accountId, subsub.id));
  t.is(await store.emptyFolder(accountId, deleted, null, true), 1);
  t.is(await store.getFolder(accountId, sub.id), null);
  t.is(await store.getFolder(accountId, subsub.id), null);
  t.truthy(await store.getFolder(accountId, deleted));
  t.is(await code(async () => await store.emptyFolder(accountId, 9999, null)), 'no-such-folder');
});

storeTest('another account\'s folders behave as not found', async (t, s) => {
  const { store, accountId } = await setup(s);
  const bob = (await store.createAccount('bob@example.com', 'pw')).id;
  const mine = await store.createFolder(accountId, null, 'Mine', 12, null);
  t.is(await store.getFolder(bob, mine.id), null);
  t.is(await code(async () => await store.updateFolder(bob, mine.id, null, 'Stolen', null)), 'no-such-folder');
  t.is(await code(async () => await store.deleteFolder(bob, mine.id, null)), 'no-such-folder');
  t.is(await code(async () => await store.createFolder(bob, mine.id, 'Child', 12, null)), 'bad-parent');
  t.is(await code(async () => await store.emptyFolder(bob, mine.id, null)), 'no-such-folder');
  t.is((await store.getFolder(accountId, mine.id))?.name, 'Mine');
  t.false((await store.folderChanges(bob, 0)).added.some((f) => f.id === mine.id));
});
