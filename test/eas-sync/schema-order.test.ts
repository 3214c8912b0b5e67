// Child ORDER of the Sync, GetItemEstimate and MoveItems answers, pinned to the spec: strict
// clients validate it, while our own decoder would accept any order.
//   MS-ASCMD 2.2.3.29.2 Collection (Sync response): Class, SyncKey, CollectionId, Status,
//     MoreAvailable, Commands, Responses (docs/clients.md rule 18: MoreAvailable before Commands)
//   MS-ASCMD 6.46 SyncResponse.xsd: Add{ServerId, ApplicationData}, Delete{ServerId},
//     Responses Add{ClientId, ServerId?, Status}, Change{ServerId, Status},
//     Fetch{ServerId, Status, ApplicationData}
//   MS-ASCMD 6.21 GetItemEstimateResponse.xsd: Response{Status, Collection{CollectionId, Estimate}}
//   MS-ASCMD 6.28 MoveItemsResponse.xsd: Response{SrcMsgId, Status, DstMsgId}

import test from 'ava';
import { createSyncCommand } from '../../eas/commands/sync.js';
import { getItemEstimate } from '../../eas/commands/get-item-estimate.js';
import { moveItems } from '../../eas/commands/move-items.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { bodyOf, createWorld, type World } from './harness.js';
import { bodyPreference, cmd, estimateRequest, moveRequest, onlyCollection, options, syncRequest } from './wire.js';

/** This file's Sync command, with its own request cache (the table builds one per app). */
const sync = createSyncCommand();

const names = (e: WbxmlElement | undefined) => (e?.children ?? []).map((c) => c.name);

async function primed(w: World) {
  const first = onlyCollection(bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: '0', collectionId: w.inbox }]))));
  const res = await w.run(sync, w.deviceA, syncRequest([{ syncKey: first.syncKey, collectionId: w.inbox, options: [options(0, bodyPreference(1))] }]));
  return res.kind === 'empty' ? { syncKey: first.syncKey, adds: [] } : onlyCollection(bodyOf(res));
}

test('Sync Collection with everything: SyncKey, CollectionId, Status, MoreAvailable, Commands, Responses', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Old one');
  await w.deliver('Old two');
  const page = await primed(w);
  const [one, two] = page.adds.map((a) => a.serverId);
  // A's next window (2 changes of 3): Add "New one", Delete of "Old one" (done by B), more to come.
  await w.deliver('New one');
  const b0 = onlyCollection(bodyOf(await w.run(sync, w.deviceB, syncRequest([{ syncKey: '0', collectionId: w.inbox }]))));
  const b1 = onlyCollection(bodyOf(await w.run(sync, w.deviceB, syncRequest([{ syncKey: b0.syncKey, collectionId: w.inbox }]))));
  await w.run(sync, w.deviceB, syncRequest([{ syncKey: b1.syncKey, collectionId: w.inbox, deletesAsMoves: false, commands: [cmd.delete(one!)] }]));
  await w.deliver('New two');

  const body = bodyOf(
    await w.run(
      sync,
      w.deviceA,
      syncRequest([
        {
          syncKey: page.syncKey,
          collectionId: w.inbox,
          windowSize: 2,
          // A failed Change and a Fetch: both answered in Responses.
          commands: [cmd.change(`${w.inbox}:987654`, [el('Email:Read', '1')]), cmd.fetch(two!)],
        },
      ]),
    ),
  );
  t.deepEqual(names(body), ['Collections']);
  const c = body.path('Collections', 'Collection')!;
  t.deepEqual(names(c), ['SyncKey', 'CollectionId', 'Status', 'MoreAvailable', 'Commands', 'Responses']);

  const commands = c.child('Commands')!;
  t.true(commands.children.length === 2);
  for (const command of commands.children) {
    if (command.name === 'Add') t.deepEqual(names(command), ['ServerId', 'ApplicationData']);
    else if (command.name === 'Delete') t.deepEqual(names(command), ['ServerId']);
    else t.fail(`unexpected command ${command.name}`);
  }
  t.true(commands.has('Delete'), 'the Delete from device B is in this window');

  const responses = c.child('Responses')!;
  t.deepEqual(names(responses.child('Change')), ['ServerId', 'Status']);
  t.is(responses.child('Change')?.textOf('Status'), '8');
  t.deepEqual(names(responses.child('Fetch')), ['ServerId', 'Status', 'ApplicationData']);
  const fetchedBody = responses.child('Fetch')!.path('ApplicationData', 'AirSyncBase:Body');
  t.deepEqual(names(fetchedBody), ['Type', 'EstimatedDataSize', 'Data']);
});

test('Sync Responses Add: ClientId, then ServerId when there is one, then Status', async (t) => {
  const w = await createWorld(t);
  const page = await primed(w);
  const refused = onlyCollection(
    bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: page.syncKey, collectionId: w.inbox, commands: [cmd.add('c1', [el('Email:Subject', 'nope')])] }]))),
  );
  t.deepEqual(names(refused.responses[0]), ['ClientId', 'Status']);

  const d0 = onlyCollection(bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: '0', collectionId: w.drafts }]))));
  const added = onlyCollection(
    bodyOf(
      await w.run(
        sync,
        w.deviceA,
        syncRequest([
          {
            syncKey: d0.syncKey,
            collectionId: w.drafts,
            commands: [cmd.add('c2', [el('Email:Subject', 'Draft'), el('AirSyncBase:Body', [el('AirSyncBase:Type', '1'), el('AirSyncBase:Data', 'x')])])],
          },
        ]),
      ),
    ),
  );
  t.deepEqual(names(added.responses[0]), ['ClientId', 'ServerId', 'Status']);
});

test('GetItemEstimate Response: Status, Collection{CollectionId, Estimate}', async (t) => {
  const w = await createWorld(t);
  await w.deliver('E');
  const first = onlyCollection(bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: '0', collectionId: w.inbox }]))));
  const body = bodyOf(await w.run(getItemEstimate, w.deviceA, estimateRequest([{ syncKey: first.syncKey, collectionId: w.inbox }, { syncKey: '1', collectionId: '424242' }])));
  t.deepEqual(names(body), ['Response', 'Response']);
  const [ok, bad] = body.all('Response');
  t.deepEqual(names(ok), ['Status', 'Collection']);
  t.deepEqual(names(ok!.child('Collection')), ['CollectionId', 'Estimate']);
  t.deepEqual(names(bad!.child('Collection')), ['CollectionId']);
});

test('MoveItems Response: SrcMsgId, Status, DstMsgId', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Move me');
  const page = await primed(w);
  const src = page.adds[0]!.serverId;
  const body = bodyOf(await w.run(moveItems, w.deviceA, moveRequest([{ src, srcFolder: w.inbox, dstFolder: w.trash }, { src, srcFolder: w.inbox, dstFolder: '424242' }])));
  const [moved, refused] = body.all('Response');
  t.deepEqual(names(moved), ['SrcMsgId', 'Status', 'DstMsgId']);
  t.deepEqual(names(refused), ['SrcMsgId', 'Status']);
});
