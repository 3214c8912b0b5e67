// The proof that item classes plug in (docs/classes.md): a class this test defines itself, on a
// folder type no built-in class serves (UserJournal), registered through the contract and
// synced end to end over HTTP — Add on one device, seen by another's Sync, its parked Ping
// woken — without any command file knowing about it.

import test, { type ExecutionContext } from 'ava';
import { createDocClass, DocConversionError } from '../../eas/classes/doc/doc-class.js';
import { textOfNode, type PropNode } from '../../eas/classes/doc/nodes.js';
import type { ItemClass } from '../../eas/classes/types.js';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { until, waitParked, type PushWorld } from '../push/helpers.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { startTestServer } from '../helpers/server.js';
import { cmd, collectionsOf, onlyCollection, syncRequest } from '../eas-sync/wire.js';

/** A memo: a subject (Notes:Subject) and nothing else; an empty subject is refused. */
function createMemoClass(): ItemClass {
  const FAR = '9999-12-31T23:59:59.999Z';
  return createDocClass({
    name: 'Memo',
    folderTypes: [FolderType.UserJournal],
    minVersion: '14.0',
    windowSince: () => null,
    fromClient(sent: PropNode[]) {
      if (!textOfNode(sent, 'Notes:Subject')?.trim()) throw new DocConversionError('a memo needs a subject');
      return sent;
    },
    ghosting: () => 'unchanged',
    toClient: (props) => [...props],
    windowAt: () => FAR,
    uid: () => null,
  });
}

async function world(t: ExecutionContext) {
  const ts = await startTestServer({ heartbeatMin: 1, extraClasses: [createMemoClass()] });
  t.teardown(() => ts.stop());
  const alice = await ts.addUser('alice@example.com', 'secret');
  const memos = await ts.store.createFolder(alice.id, null, 'Memos', FolderType.UserJournal, null);
  const client = (deviceId: string): EasClient =>
    createEasClient({ port: ts.httpPort, user: 'alice@example.com', password: 'secret', deviceId });
  return { ts, alice, memos: String(memos.id), phone: client('PHONE0001'), tablet: client('TABLET0001') };
}

/** SyncKey 0, then one Sync of the (empty) folder: a quiet folder answers an empty 200, the key stays. */
async function primed(client: EasClient, collectionId: string): Promise<string> {
  const first = onlyCollection((await client.post('Sync', syncRequest([{ syncKey: '0', collectionId }]))).body);
  const second = await client.post('Sync', syncRequest([{ syncKey: first.syncKey, collectionId }]));
  return second.raw.length === 0 ? first.syncKey : onlyCollection(second.body).syncKey;
}

test('a class registered by a test syncs end to end and wakes a parked Ping on its folder', async (t) => {
  const w = await world(t);
  await w.phone.folderSync();
  await w.tablet.folderSync();
  const phoneKey = await primed(w.phone, w.memos);
  const tabletKey = await primed(w.tablet, w.memos);

  // The tablet parks a Ping on the memo folder.
  const pinged = w.tablet.post(
    'Ping',
    el('Ping:Ping', [
      el('Ping:HeartbeatInterval', 60),
      el('Ping:Folders', [el('Ping:Folder', [el('Ping:Id', w.memos), el('Ping:Class', 'Memo')])]),
    ]),
  );
  await waitParked({ ts: w.ts, alice: w.alice } as PushWorld, w.tablet);

  // The phone adds a memo; an empty one is refused with Status 6 by the class.
  const added = onlyCollection(
    (
      await w.phone.post(
        'Sync',
        syncRequest([
          {
            syncKey: phoneKey,
            collectionId: w.memos,
            commands: [
              cmd.add('c1', [el('Notes:Subject', 'Buy milk'), el('Notes:Categories', [el('Notes:Category', 'Home')])]),
              cmd.add('c2', [el('Notes:Subject', '  ')]),
            ],
          },
        ]),
      )
    ).body,
  );
  const statuses = added.responses.map((r) => [r.textOf('ClientId'), r.intOf('Status')]);
  t.deepEqual(statuses, [
    ['c1', 1],
    ['c2', 6],
  ]);
  const serverId = added.responses[0]!.textOf('ServerId');
  if (!serverId) return t.fail('no ServerId for the added memo');

  // The Add wakes the tablet's Ping at once, on that folder.
  const ping = await pinged;
  t.is(ping.body?.intOf('Status'), 2);
  t.deepEqual(ping.body?.child('Folders')?.all('Folder').map((f) => f.text), [w.memos]);

  // The tablet's Sync sees the memo as the phone sent it.
  const seen = onlyCollection((await w.tablet.post('Sync', syncRequest([{ syncKey: tabletKey, collectionId: w.memos }]))).body);
  t.is(seen.adds.length, 1);
  t.is(seen.adds[0]!.serverId, serverId);
  t.is(seen.adds[0]!.data?.textOf('Notes:Subject'), 'Buy milk');
  t.deepEqual(seen.adds[0]!.data?.child('Notes:Categories')?.all('Notes:Category').map((c) => c.text), ['Home']);

  // A Change on the tablet (ghosting 'unchanged': Categories kept) reaches the phone as a Change.
  const changed = onlyCollection(
    (
      await w.tablet.post(
        'Sync',
        syncRequest([{ syncKey: seen.syncKey, collectionId: w.memos, commands: [cmd.change(serverId, [el('Notes:Subject', 'Buy oat milk')])] }]),
      )
    ).body,
  );
  t.is(changed.status, 1);
  const phoneSees = collectionsOf((await w.phone.post('Sync', syncRequest([{ syncKey: added.syncKey, collectionId: w.memos }]))).body)[0]!;
  t.is(phoneSees.changes.length, 1);
  t.is(phoneSees.changes[0]!.data?.textOf('Notes:Subject'), 'Buy oat milk');
  t.deepEqual(phoneSees.changes[0]!.data?.child('Notes:Categories')?.all('Notes:Category').map((c) => c.text), ['Home']);

  // And a Delete on the phone reaches the tablet.
  const deleted = onlyCollection(
    (await w.phone.post('Sync', syncRequest([{ syncKey: phoneSees.syncKey, collectionId: w.memos, commands: [cmd.delete(serverId)] }]))).body,
  );
  t.is(deleted.status, 1);
  const gone = onlyCollection((await w.tablet.post('Sync', syncRequest([{ syncKey: changed.syncKey, collectionId: w.memos }]))).body);
  t.deepEqual(gone.deletes, [serverId]);
  await until(async () => await w.ts.store.countItems(w.alice.id, Number(w.memos)) === 0, 'memo folder empty');
});

test('the Memo class is not served where it is not registered: Adds there are refused', async (t) => {
  const ts = await startTestServer();
  t.teardown(() => ts.stop());
  const alice = await ts.addUser('alice@example.com', 'secret');
  const memos = String((await ts.store.createFolder(alice.id, null, 'Memos', FolderType.UserJournal, null)).id);
  const phone = createEasClient({ port: ts.httpPort, user: 'alice@example.com', password: 'secret', deviceId: 'PHONE0001' });
  await phone.folderSync();
  const key = await primed(phone, memos);
  const added = onlyCollection(
    (await phone.post('Sync', syncRequest([{ syncKey: key, collectionId: memos, commands: [cmd.add('c1', [el('Notes:Subject', 'x')])] }])))
      .body,
  );
  t.is(added.responses[0]?.intOf('Status'), 6);
});
