// Contacts, Tasks and Notes behind the real server over HTTP (the classes registered as a
// deployment would register them): phones add and change items with Sync and other phones get
// them in their own versions, with the Supported list, FilterType 8 and the 14.0 floor of Notes.

import { randomBytes } from 'node:crypto';
import test from 'ava';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { startTestServer } from '../helpers/server.js';
import { cmd, onlyCollection, options, syncRequest, type CollectionSpec, type SyncedCollection } from '../eas-sync/wire.js';
import { commandsOf, fixture } from './pim-harness.js';

const PASSWORD = 'correct horse battery';

async function env(t: { teardown(fn: () => Promise<void> | void): void }) {
  const srv = await startTestServer();
  t.teardown(() => srv.stop());
  await srv.addUser('alice@example.com', PASSWORD);
  return (deviceId: string, version: string) =>
    createEasClient({ port: srv.httpPort, user: 'alice@example.com', password: PASSWORD, deviceId, version });
}

async function sync(phone: EasClient, spec: CollectionSpec): Promise<SyncedCollection> {
  const res = await phone.post('Sync', syncRequest([spec]));
  if (res.status !== 200) throw new Error(`Sync answered HTTP ${res.status}`);
  // MS-ASCMD 2.2.1.21: nothing to say is an empty answer; the SyncKey stays.
  if (res.raw.length === 0) {
    return {
      syncKey: spec.syncKey, collectionId: spec.collectionId, status: 1, moreAvailable: false, order: [],
      adds: [], changes: [], deletes: [], softDeletes: [], responses: [], hasResponsesElement: false,
    };
  }
  return onlyCollection(res.body);
}

/** SyncKey 0 (with a Supported list when given), then the first page. */
async function start(phone: EasClient, collectionId: string, filter: number, supported?: string[]) {
  const zero = await sync(phone, { syncKey: '0', collectionId, options: supported ? [el('AirSync:Supported', supported.map((s) => el(s)))] : [] });
  return sync(phone, { syncKey: zero.syncKey, collectionId, options: [options(filter)] });
}

const text = (data: WbxmlElement | undefined, tag: string) => data?.textOf(tag);

test('contacts: a 14.1 phone with a Supported list adds Nine\'s full contact and a big photo; a 16.1 phone gets them; a ghosting Change reaches it', async (t) => {
  const phone = await env(t);
  const a = phone('CONTACTSA', '14.1');
  const b = phone('CONTACTSB', '16.1');
  const contacts = await a.folderIdOfType(FolderType.Contacts);
  const supported = ['Contacts:FirstName', 'Contacts:LastName', 'Contacts:Birthday', 'Contacts:Email1Address', 'Contacts:Picture'];
  let aState = await start(a, contacts, 0, supported);
  const nine = commandsOf(fixture('721-02-sync-req.wbxml'))[0]!.appData.children;
  const photo = randomBytes(60 * 1024).toString('base64');
  aState = await sync(a, {
    syncKey: aState.syncKey,
    collectionId: contacts,
    commands: [cmd.add('n1', nine), cmd.add('p1', [el('Contacts:LastName', 'Photo'), el('Contacts:Picture', photo)])],
  });
  t.deepEqual(aState.responses.map((r) => r.textOf('Status')), ['1', '1']);

  await b.folderIdOfType(FolderType.Contacts);
  const bState = await start(b, contacts, 0);
  const byLast = new Map(bState.adds.map((x) => [text(x.data, 'Contacts:LastName'), x]));
  const full = byLast.get('LastName#1')!;
  t.is(full.data!.children.filter((c) => c.ns === 'Contacts' || c.ns === 'Contacts2').length, nine.filter((c) => c.ns === 'Contacts' || c.ns === 'Contacts2').length);
  t.is(text(full.data, 'Contacts:Birthday'), '2019-01-08T11:00:00.000Z');
  t.is(text(full.data, 'Contacts2:ManagerName'), 'cheffe');
  t.is(text(byLast.get('Photo')!.data, 'Contacts:Picture'), photo);

  // A changes FirstName only: what its Supported list names and the Change lacks goes, the rest stays.
  const aServerId = aState.responses.find((r) => r.textOf('ClientId') === 'n1')!.textOf('ServerId')!;
  const changed = await sync(a, { syncKey: aState.syncKey, collectionId: contacts, commands: [cmd.change(aServerId, [el('Contacts:FirstName', 'Ada')])] });
  t.is(changed.status, 1);
  const bChanges = await sync(b, { syncKey: bState.syncKey, collectionId: contacts });
  t.is(bChanges.changes.length, 1);
  const data = bChanges.changes[0]!.data!;
  t.is(text(data, 'Contacts:FirstName'), 'Ada');
  for (const gone of ['Contacts:LastName', 'Contacts:Birthday', 'Contacts:Email1Address', 'Contacts:Picture']) t.false(data.has(gone), gone);
  t.is(text(data, 'Contacts2:NickName'), 'Nichname#1');
  t.is(text(data, 'Contacts:Anniversary'), '2019-01-04T11:00:00.000Z');
});

test('tasks: a phone syncing FilterType 8 gets the incomplete task only, one syncing 0 gets both', async (t) => {
  const phone = await env(t);
  const a = phone('TASKSA', '14.1');
  const tasks = await a.folderIdOfType(FolderType.Tasks);
  const aState = await start(a, tasks, 0);
  const added = await sync(a, {
    syncKey: aState.syncKey,
    collectionId: tasks,
    commands: [
      cmd.add('t1', [el('Tasks:Subject', 'still to do'), el('Tasks:Complete', 0)]),
      cmd.add('t2', [el('Tasks:Subject', 'done already'), el('Tasks:Complete', 1), el('Tasks:DateCompleted', '2024-05-01T10:00:00.000Z')]),
      cmd.add('t3', [el('Tasks:Subject', 'bad'), el('Tasks:Complete', 1)]),
    ],
  });
  t.deepEqual(added.responses.map((r) => r.textOf('Status')), ['1', '1', '6']);
  for (const [id, filter, subjects] of [['INCOMPLETE', 8, ['still to do']], ['ALL', 0, ['done already', 'still to do']]] as const) {
    const other = phone(id, '16.1');
    await other.folderIdOfType(FolderType.Tasks);
    const got = (await start(other, tasks, filter)).adds.map((x) => text(x.data, 'Tasks:Subject')).sort();
    t.deepEqual(got, [...subjects], `FilterType ${filter}`);
  }
});

test('notes: a 16.1 phone adds a note a 14.1 phone reads; a 12.1 phone syncing Notes gets Status 4', async (t) => {
  const phone = await env(t);
  const a = phone('NOTESA', '16.1');
  const notes = await a.folderIdOfType(FolderType.Notes);
  const aState = await start(a, notes, 0);
  const add = commandsOf(fixture('783-02-sync-req.wbxml'))[0]!.appData.children;
  const added = await sync(a, { syncKey: aState.syncKey, collectionId: notes, commands: [cmd.add('n1', add)] });
  t.is(added.responses[0]?.textOf('Status'), '1');

  const b = phone('NOTESB', '14.1');
  await b.folderIdOfType(FolderType.Notes);
  const bState = await start(b, notes, 0);
  t.is(bState.adds.length, 1);
  t.is(text(bState.adds[0]!.data, 'Notes:Subject'), 'Device');
  t.is(text(bState.adds[0]!.data, 'Notes:MessageClass'), 'IPM.StickyNote');
  t.regex(text(bState.adds[0]!.data, 'Notes:LastModifiedDate') ?? '', /^\d{8}T\d{6}Z$/);

  const old = phone('NOTESOLD', '12.1');
  await old.folderIdOfType(FolderType.Notes);
  t.is((await sync(old, { syncKey: '0', collectionId: notes })).status, 4);
});
