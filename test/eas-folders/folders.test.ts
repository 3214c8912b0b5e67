import { readFileSync } from 'node:fs';
import test from 'ava';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import type { EasClient } from '../helpers/eas-client.js';
import { startEas } from '../eas-http/harness.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/eas-http/${name}`, import.meta.url));
const USER = { user: 'carol@example.com', password: 'carol-pw' };

async function twoDevices(t: Parameters<typeof startEas>[0]) {
  const h = await startEas(t);
  await h.addUser(USER.user, USER.password);
  const a = h.client({ ...USER, deviceId: 'device-a' });
  const b = h.client({ ...USER, deviceId: 'device-b', version: '14.1' });
  await a.folderSync();
  await b.folderSync();
  return { h, a, b };
}

const H = (name: string, content?: string | WbxmlElement[]) => el(`FolderHierarchy:${name}`, content);

async function create(c: EasClient, name: string, parentId = '0', type = '12', key = c.folderSyncKey) {
  const res = await c.post('FolderCreate', H('FolderCreate', [H('SyncKey', key), H('ParentId', parentId), H('DisplayName', name), H('Type', type)]));
  const status = res.body?.intOf('Status');
  if (status === 1) c.folderSyncKey = res.body!.textOf('SyncKey')!;
  return { status, serverId: res.body?.textOf('ServerId'), syncKey: res.body?.textOf('SyncKey'), httpStatus: res.status };
}

async function update(c: EasClient, serverId: string, name: string, parentId = '0', key = c.folderSyncKey) {
  const res = await c.post('FolderUpdate', H('FolderUpdate', [H('SyncKey', key), H('ServerId', serverId), H('ParentId', parentId), H('DisplayName', name)]));
  const status = res.body?.intOf('Status');
  if (status === 1) c.folderSyncKey = res.body!.textOf('SyncKey')!;
  return status;
}

async function remove(c: EasClient, serverId: string, key = c.folderSyncKey) {
  const res = await c.post('FolderDelete', H('FolderDelete', [H('SyncKey', key), H('ServerId', serverId)]));
  const status = res.body?.intOf('Status');
  if (status === 1) c.folderSyncKey = res.body!.textOf('SyncKey')!;
  return status;
}

test('FolderSync 0: the 10 system folders with their types, top level, unique ids', async (t) => {
  const h = await startEas(t);
  await h.addUser(USER.user, USER.password);
  const c = h.client({ ...USER, deviceId: 'd1' });
  const res = await c.folderSync('0');
  t.is(res.status, 1);
  t.is(res.syncKey, '1');
  t.is(res.response.body?.path('Changes')?.intOf('Count'), 10);
  t.deepEqual(res.added.map((f) => f.type).sort((x, y) => x - y), [2, 3, 4, 5, 6, 7, 8, 9, 10, 12]);
  t.true(res.added.every((f) => f.parentId === '0' && /^\d+$/.test(f.serverId) && f.displayName !== ''));
  t.is(new Set(res.added.map((f) => f.serverId)).size, 10);
  t.is(await c.inboxId(), res.added.find((f) => f.type === 2)!.serverId);

  // Same key again with nothing new: same key, no changes.
  const again = await c.folderSync();
  t.is(again.syncKey, '1');
  t.is(again.response.body?.path('Changes')?.intOf('Count'), 0);

  // Gmail-style SyncKey 0 again: the same ids.
  const refresh = await c.folderSync('0');
  t.deepEqual(refresh.added.map((f) => f.serverId).sort(), res.added.map((f) => f.serverId).sort());
});

test('the Nine FolderSync capture (754/09) gets the hierarchy', async (t) => {
  const h = await startEas(t);
  await h.addUser('t1@dev.fd', 'pw');
  const res = await h.client({ user: 't1@dev.fd', password: 'pw', deviceId: 'Nine45069EA34A52' }).post('FolderSync', fixture('nine-754-09-foldersync.req.wbxml'));
  t.is(res.body?.intOf('Status'), 1);
  t.is(res.body?.textOf('SyncKey'), '1');
  t.is(res.body?.path('Changes')?.all('Add').length, 10);
});

test('FolderSync statuses: unknown key 9, non-numeric key 9, missing key 10, wrong body 10', async (t) => {
  const { a } = await twoDevices(t);
  t.is((await a.folderSync('77')).status, 9);
  t.is((await a.folderSync('{abc}')).status, 9);
  t.is((await a.post('FolderSync', H('FolderSync'))).body?.intOf('Status'), 10);
  t.is((await a.post('FolderSync', el('Settings:Settings'))).body?.intOf('Status'), 10);
  t.is((await a.post('FolderSync', null)).body?.intOf('Status'), 10);
});

test('create, rename, move, delete on one device show up on the other, never echoed back', async (t) => {
  const { a, b } = await twoDevices(t);
  const inbox = await a.inboxId();

  const made = await create(a, 'Projects');
  t.is(made.status, 1);
  t.truthy(made.serverId);
  const sub = await create(a, 'Archive 2024', inbox);
  t.is(sub.status, 1);

  const seen = await b.folderSync();
  t.is(seen.status, 1);
  t.deepEqual(
    seen.added.map((f) => [f.displayName, f.parentId, f.type]),
    [['Projects', '0', 12], ['Archive 2024', inbox, 12]],
  );
  const own = await a.folderSync();
  t.is(own.added.length + own.updated.length + own.deleted.length, 0, 'the creator is not told about its own folders');

  t.is(await update(a, made.serverId!, 'Projects (old)', sub.serverId!), 1);
  const renamed = await b.folderSync();
  t.deepEqual(renamed.updated.map((f) => [f.serverId, f.displayName, f.parentId]), [[made.serverId, 'Projects (old)', sub.serverId]]);
  t.is(renamed.added.length, 0);

  t.is(await remove(a, sub.serverId!), 1);
  const gone = await b.folderSync();
  t.deepEqual(gone.deleted.sort(), [made.serverId!, sub.serverId!].sort(), 'subfolders go with their parent');
  const quiet = await a.folderSync();
  t.is(quiet.added.length + quiet.updated.length + quiet.deleted.length, 0);
  t.false(a.folders.has(made.serverId!));
  t.false(b.folders.has(made.serverId!));
});

test('FolderSync answer order: Status, SyncKey, Changes{Count, Update*, Delete*, Add*} (MS-ASCMD 6.15)', async (t) => {
  const { a, b } = await twoDevices(t);
  const keep = await create(a, 'Keep');
  const drop = await create(a, 'Drop');
  await b.folderSync();
  // One delta with all three kinds, made in the order Add, Delete, Update.
  const made = await create(a, 'New');
  t.is(await remove(a, drop.serverId!), 1);
  t.is(await update(a, keep.serverId!, 'Kept'), 1);

  const res = await b.folderSync();
  const root = res.response.body!;
  t.deepEqual(root.children.map((c) => c.tag), ['FolderHierarchy:Status', 'FolderHierarchy:SyncKey', 'FolderHierarchy:Changes']);
  t.deepEqual(root.child('Changes')!.children.map((c) => c.name), ['Count', 'Update', 'Delete', 'Add']);
  t.deepEqual(root.child('Changes')!.child('Update')!.children.map((c) => c.name), ['ServerId', 'ParentId', 'DisplayName', 'Type']);
  t.deepEqual(root.child('Changes')!.child('Add')!.children.map((c) => c.name), ['ServerId', 'ParentId', 'DisplayName', 'Type']);
  t.deepEqual([res.updated[0]?.serverId, res.deleted[0], res.added[0]?.serverId], [keep.serverId, drop.serverId, made.serverId]);

  // FolderCreate (6.9): Status, SyncKey, ServerId; FolderUpdate/FolderDelete: Status, SyncKey.
  const createRes = await a.post('FolderCreate', H('FolderCreate', [H('SyncKey', a.folderSyncKey), H('ParentId', '0'), H('DisplayName', 'Order'), H('Type', '12')]));
  t.deepEqual(createRes.body!.children.map((c) => c.name), ['Status', 'SyncKey', 'ServerId']);
  const serverId = createRes.body!.textOf('ServerId')!;
  const updateRes = await a.post('FolderUpdate', H('FolderUpdate', [H('SyncKey', createRes.body!.textOf('SyncKey')!), H('ServerId', serverId), H('ParentId', '0'), H('DisplayName', 'Order 2')]));
  t.deepEqual(updateRes.body!.children.map((c) => c.name), ['Status', 'SyncKey']);
  const deleteRes = await a.post('FolderDelete', H('FolderDelete', [H('SyncKey', updateRes.body!.textOf('SyncKey')!), H('ServerId', serverId)]));
  t.deepEqual(deleteRes.body!.children.map((c) => c.name), ['Status', 'SyncKey']);
});

test('own change after someone else\'s: the other change still arrives, the own one does not', async (t) => {
  const { a, b } = await twoDevices(t);
  const fromB = await create(b, 'From B');
  const fromA = await create(a, 'From A');
  t.is(fromA.status, 1);
  const res = await a.folderSync();
  t.deepEqual(res.added.map((f) => f.displayName), ['From B']);
  t.deepEqual(res.updated, []);
  // B renames A's folder: A gets an Update, never a second Add.
  await b.folderSync();
  t.is(await update(b, fromA.serverId!, 'From A, renamed by B'), 1);
  const res2 = await a.folderSync();
  t.deepEqual(res2.added, []);
  t.deepEqual(res2.updated.map((f) => f.displayName), ['From A, renamed by B']);
  t.truthy(fromB.serverId);
});

test('a retried FolderSync (key N-1) gets the same changes again', async (t) => {
  const { a, b } = await twoDevices(t);
  const before = b.folderSyncKey;
  await create(a, 'Retry me');
  const first = await b.folderSync();
  const retry = await b.folderSync(before);
  t.is(retry.syncKey, first.syncKey);
  t.deepEqual(retry.added.map((f) => f.serverId), first.added.map((f) => f.serverId));
});

test('FolderCreate statuses: exists 2, parent not found 5, bad key 9, malformed 10', async (t) => {
  const { a } = await twoDevices(t);
  t.is((await create(a, 'Dup')).status, 1);
  t.is((await create(a, 'dup')).status, 2, 'names compare case-insensitively');
  t.is((await create(a, 'Orphan', '999999')).status, 5);
  t.is((await create(a, 'Orphan', 'abc')).status, 5);
  t.is((await create(a, 'Stale', '0', '12', '999')).status, 9);
  t.is((await create(a, 'Zero', '0', '12', '0')).status, 9);
  t.is((await create(a, 'Inbox2', '0', '2')).status, 10, 'system types cannot be created');
  t.is((await create(a, '   ')).status, 10);
  const noName = await a.post('FolderCreate', H('FolderCreate', [H('SyncKey', a.folderSyncKey), H('ParentId', '0'), H('Type', '12')]));
  t.is(noName.body?.intOf('Status'), 10);
  t.is((await a.post('FolderCreate', null)).body?.intOf('Status'), 10);
});

test('FolderUpdate statuses: special 2, clash 2, not found 4, parent not found 5, own subtree 5, key 9, malformed 10', async (t) => {
  const { a } = await twoDevices(t);
  const inbox = await a.inboxId();
  const x = await create(a, 'X');
  const y = await create(a, 'Y', x.serverId!);
  await create(a, 'Z');
  t.is(await update(a, inbox, 'My Inbox'), 2);
  t.is(await update(a, x.serverId!, 'Z'), 2);
  t.is(await update(a, '999999', 'Nope'), 4);
  t.is(await update(a, x.serverId!, 'X', '999999'), 5);
  t.is(await update(a, x.serverId!, 'X', y.serverId!), 5);
  t.is(await update(a, x.serverId!, 'X2', '0', '999'), 9);
  const noName = await a.post('FolderUpdate', H('FolderUpdate', [H('SyncKey', a.folderSyncKey), H('ServerId', x.serverId!), H('ParentId', '0')]));
  t.is(noName.body?.intOf('Status'), 10);
  t.is(await update(a, x.serverId!, 'X renamed'), 1);
});

test('FolderDelete statuses: system 3, not found 4, key 9, malformed 10', async (t) => {
  const { a } = await twoDevices(t);
  const inbox = await a.inboxId();
  const x = await create(a, 'Doomed');
  t.is(await remove(a, inbox), 3);
  t.is(await remove(a, '999999'), 4);
  t.is(await remove(a, x.serverId!, '999'), 9);
  t.is((await a.post('FolderDelete', H('FolderDelete', [H('SyncKey', a.folderSyncKey)]))).body?.intOf('Status'), 10);
  t.is(await remove(a, x.serverId!), 1);
  t.is(await remove(a, x.serverId!), 4);
});

test('garbage bodies to folder commands: a Status, never a 500, and the next request works', async (t) => {
  const { a } = await twoDevices(t);
  for (const cmd of ['FolderSync', 'FolderCreate', 'FolderUpdate', 'FolderDelete']) {
    const res = await a.post(cmd, Buffer.from([0x03, 0x01, 0x6a, 0x00, 0x00, 0x07, 0x7f]));
    t.is(res.status, 200, cmd);
    t.is(res.body?.intOf('Status'), 102, cmd);
    const wrong = await a.post(cmd, el('Settings:Settings'));
    t.is(wrong.body?.intOf('Status'), 10, cmd);
  }
  t.is((await a.folderSync()).status, 1);
});
