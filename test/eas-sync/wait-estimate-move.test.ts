// Sync with Wait / HeartbeatInterval (docs/push.md rule 7), GetItemEstimate (MS-ASCMD 2.2.1.9) and
// MoveItems (2.2.1.12) over a real store, parser and push registry (no HTTP).

import test from 'ava';
import Database from 'better-sqlite3';
import { createSyncCommand } from '../../eas/commands/sync.js';
import { getItemEstimate } from '../../eas/commands/get-item-estimate.js';
import { moveItems } from '../../eas/commands/move-items.js';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/index.js';
import { bodyOf, createWorld, type World } from './harness.js';
import { bodyPreference, cmd, estimateRequest, estimatesOf, moveRequest, movesOf, onlyCollection, options, syncRequest } from './wire.js';
import type { Device } from '../../store/types.js';

/** This file's Sync command, with its own request cache (the table builds one per app). */
const sync = createSyncCommand();

async function primed(w: World, device: Device, collectionId = w.inbox) {
  const first = onlyCollection(bodyOf(await w.run(sync, device, syncRequest([{ syncKey: '0', collectionId }]))));
  const res = await w.run(sync, device, syncRequest([{ syncKey: first.syncKey, collectionId, options: [options(0, bodyPreference(1))] }]));
  return res.kind === 'empty' ? { syncKey: first.syncKey, adds: [] } : onlyCollection(bodyOf(res));
}

test('Wait and HeartbeatInterval out of range answer Status 14 with Limit; both together Status 4', async (t) => {
  const w = await createWorld(t, { heartbeatMin: 60, heartbeatMax: 3540 });
  const first = await primed(w, w.deviceA);
  const ask = async (extra: Parameters<typeof syncRequest>[1]) =>
    bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: first.syncKey, collectionId: w.inbox }], extra)));
  const low = await ask({ heartbeatInterval: 10 });
  t.is(low.intOf('Status'), 14);
  t.is(low.intOf('Limit'), 60);
  const high = await ask({ wait: 60 });
  t.is(high.intOf('Status'), 14);
  t.is(high.intOf('Limit'), 59);
  t.is((await ask({ wait: 5, heartbeatInterval: 300 })).intOf('Status'), 4);
});

test('Sync with HeartbeatInterval parks and answers when mail arrives', async (t) => {
  const w = await createWorld(t);
  const first = await primed(w, w.deviceA);
  const parked = w.run(sync, w.deviceA, syncRequest([{ syncKey: first.syncKey, collectionId: w.inbox }], { heartbeatInterval: 300 }));
  // The handler hands the quiet Sync over as a long poll, held by the registry: wait until it is.
  while (!w.deps.push.isParked(w.alice.id, w.deviceA.id)) await new Promise((r) => setImmediate(r));
  await w.deliver('Pushed');
  const res = onlyCollection(bodyOf(await parked));
  t.is(res.status, 1);
  t.deepEqual(res.adds.map((a) => a.data?.textOf('Email:Subject')), ['Pushed']);
  t.is(w.deps.push.size(), 0);
});

test('Sync with Wait answers at once when changes are already there', async (t) => {
  const w = await createWorld(t);
  const first = await primed(w, w.deviceA);
  await w.deliver('Already here');
  const res = onlyCollection(bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: first.syncKey, collectionId: w.inbox }], { wait: 5 }))));
  t.is(res.adds.length, 1);
});

test('Sync with HeartbeatInterval expiring with nothing answers an empty 200', async (t) => {
  const w = await createWorld(t);
  const first = await primed(w, w.deviceA);
  const res = await w.run(sync, w.deviceA, syncRequest([{ syncKey: first.syncKey, collectionId: w.inbox }], { heartbeatInterval: 1 }));
  t.is(res.kind, 'empty');
  t.is(w.deps.push.size(), 0);
});

test('GetItemEstimate counts pending changes; statuses for unprimed, bad key and unknown collection', async (t) => {
  const w = await createWorld(t);
  for (let i = 0; i < 4; i++) await w.deliver(`E${i}`);
  const estimate = async (collections: { syncKey: string; collectionId: string }[]) =>
    estimatesOf(bodyOf(await w.run(getItemEstimate, w.deviceA, estimateRequest(collections))));

  t.deepEqual(await estimate([{ syncKey: '0', collectionId: w.inbox }]), [{ status: 3, collectionId: w.inbox, estimate: null }]);
  const first = onlyCollection(bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: '0', collectionId: w.inbox }]))));
  const counted = await estimate([
    { syncKey: first.syncKey, collectionId: w.inbox },
    { syncKey: '77', collectionId: w.inbox },
    { syncKey: '1', collectionId: '424242' },
  ]);
  t.deepEqual(counted, [
    { status: 1, collectionId: w.inbox, estimate: 4 },
    { status: 4, collectionId: w.inbox, estimate: null },
    { status: 2, collectionId: '424242', estimate: null },
  ]);
  const page = onlyCollection(bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: first.syncKey, collectionId: w.inbox, windowSize: 3 }]))));
  t.deepEqual(await estimate([{ syncKey: page.syncKey, collectionId: w.inbox }]), [{ status: 1, collectionId: w.inbox, estimate: 1 }]);
  // The device's own change is not counted for it; it is for the other device.
  const firstB = onlyCollection(bodyOf(await w.run(sync, w.deviceB, syncRequest([{ syncKey: '0', collectionId: w.inbox }]))));
  const allB = onlyCollection(bodyOf(await w.run(sync, w.deviceB, syncRequest([{ syncKey: firstB.syncKey, collectionId: w.inbox }]))));
  const changed = onlyCollection(
    bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: page.syncKey, collectionId: w.inbox, commands: [cmd.change(page.adds[0]!.serverId, [el('Email:Read', '1')])] }]))),
  );
  t.deepEqual(await estimate([{ syncKey: changed.syncKey, collectionId: w.inbox }]), [{ status: 1, collectionId: w.inbox, estimate: 0 }]);
  const estimateB = estimatesOf(bodyOf(await w.run(getItemEstimate, w.deviceB, estimateRequest([{ syncKey: allB.syncKey, collectionId: w.inbox }]))));
  t.is(estimateB[0]!.estimate, 1);
});

test('GetItemEstimate with an Options block for another class only (SMS) keeps the mail FilterType', async (t) => {
  const w = await createWorld(t);
  // Mail that arrived two days ago: outside a one-day window (FilterType 1).
  for (let i = 0; i < 3; i++) await w.deliver(`Old${i}`);
  const db = new Database(w.file);
  db.prepare('UPDATE items SET received_at = ?').run(new Date(Date.now() - 2 * 86_400_000).toISOString());
  db.close();
  const oneDay = el('AirSync:Options', [el('AirSync:FilterType', 1)]);
  const first = onlyCollection(bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: '0', collectionId: w.inbox, options: [oneDay] }]))));
  const estimate = async (blocks: ReturnType<typeof el>[]) => {
    const request = estimateRequest([{ syncKey: first.syncKey, collectionId: w.inbox }]);
    request.path('Collections', 'Collection')!.children.push(...blocks);
    return estimatesOf(bodyOf(await w.run(getItemEstimate, w.deviceA, request)))[0]!.estimate;
  };
  const smsOnly = el('AirSync:Options', [el('AirSync:Class', 'SMS'), el('AirSync:FilterType', 0)]);
  t.is(await estimate([smsOnly]), 0, 'the SMS block sets no mail window: the sticky one-day window counts');
  t.is(await estimate([]), 0, 'no Options: the sticky window');
  t.is(await estimate([el('AirSync:Options', [el('AirSync:FilterType', 0)])]), 3, 'a mail block of its own sets the window for this estimate');
});

test('GetItemEstimate with a body that is not a GetItemEstimate answers a Status', async (t) => {
  const w = await createWorld(t);
  const res = bodyOf(await w.run(getItemEstimate, w.deviceA, el('AirSync:Sync')));
  t.is(res.tag, 'GetItemEstimate:GetItemEstimate');
  t.is(res.intOf('Status'), 103);
});

test('MoveItems: the mover gets DstMsgId and no Add; another device gets Delete and Add', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Move me');
  const archive = String((await w.store.createFolder(w.alice.id, null, 'Archive', FolderType.UserMail, null)).id);
  const a = await primed(w, w.deviceA);
  const aArchive = await primed(w, w.deviceA, archive);
  const b = await primed(w, w.deviceB);
  const bArchive = await primed(w, w.deviceB, archive);
  const src = a.adds[0]!.serverId;

  const moved = movesOf(bodyOf(await w.run(moveItems, w.deviceA, moveRequest([{ src, srcFolder: w.inbox, dstFolder: archive }]))));
  t.is(moved.length, 1);
  t.is(moved[0]!.status, 3);
  t.regex(moved[0]!.dst ?? '', new RegExp(`^${archive}:\\d+$`));

  // The mover: neither the Delete in the source nor the Add in the destination.
  t.is((await w.run(sync, w.deviceA, syncRequest([{ syncKey: a.syncKey, collectionId: w.inbox }]))).kind, 'empty');
  t.is((await w.run(sync, w.deviceA, syncRequest([{ syncKey: aArchive.syncKey, collectionId: archive }]))).kind, 'empty');
  // Another device: both.
  const bInbox = onlyCollection(bodyOf(await w.run(sync, w.deviceB, syncRequest([{ syncKey: b.syncKey, collectionId: w.inbox }]))));
  t.deepEqual(bInbox.deletes, [src]);
  const bArch = onlyCollection(bodyOf(await w.run(sync, w.deviceB, syncRequest([{ syncKey: bArchive.syncKey, collectionId: archive }]))));
  t.deepEqual(bArch.adds.map((x) => x.serverId), [moved[0]!.dst]);
  t.is(bArch.adds[0]!.data?.textOf('Email:Subject'), 'Move me');
});

test('MoveItems statuses: bad source, bad destination, same folder, several moves at once', async (t) => {
  const w = await createWorld(t);
  await w.deliver('One');
  await w.deliver('Two');
  const a = await primed(w, w.deviceA);
  const [one, two] = a.adds.map((x) => x.serverId);
  const other = await w.store.createAccount('mallory@example.com', 'pw-pw-pw-pw');
  const foreign = String((await w.store.folderByType(other.id, FolderType.Inbox))!.id);
  const res = movesOf(
    bodyOf(
      await w.run(
        moveItems,
        w.deviceA,
        moveRequest([
          { src: `${w.inbox}:999999`, srcFolder: w.inbox, dstFolder: w.trash },
          { src: one!, srcFolder: w.inbox, dstFolder: '424242' },
          { src: one!, srcFolder: w.inbox, dstFolder: foreign },
          { src: one!, srcFolder: w.inbox, dstFolder: w.inbox },
          { src: one!, srcFolder: w.trash, dstFolder: w.drafts },
          { src: one!, srcFolder: w.inbox, dstFolder: w.trash },
          { src: two!, srcFolder: w.inbox, dstFolder: w.trash },
        ]),
      ),
    ),
  );
  t.deepEqual(
    res.map((r) => r.status),
    [1, 2, 2, 4, 1, 3, 3],
  );
  t.is(res[5]!.src, one!);
  t.is(await w.store.countItems(w.alice.id, Number(w.trash)), 2);
  const empty = bodyOf(await w.run(moveItems, w.deviceA, el('Move:MoveItems')));
  t.is(empty.child('Response')?.intOf('Status'), 5);
});

// The own-origin rules apply only to what the device did after its SyncKey 0 (SyncState.ownAfter):
// on a resync, every page still carries the items it moved there earlier.
test('a device that resyncs a folder from SyncKey 0 gets back the items it moved there, on every page', async (t) => {
  const w = await createWorld(t);
  for (let i = 0; i < 4; i++) await w.deliver(`Moved ${i}`);
  const archive = String((await w.store.createFolder(w.alice.id, null, 'Archive', FolderType.UserMail, null)).id);
  const a = await primed(w, w.deviceA);
  for (const add of a.adds) {
    await w.run(moveItems, w.deviceA, moveRequest([{ src: add.serverId, srcFolder: w.inbox, dstFolder: archive }]));
  }
  // Start over (e.g. after a Status 3) with a small window.
  let key = onlyCollection(bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: '0', collectionId: archive }])))).syncKey;
  const seen: string[] = [];
  for (;;) {
    const result = await w.run(sync, w.deviceA, syncRequest([{ syncKey: key, collectionId: archive, windowSize: 2 }]));
    if (result.kind === 'empty') break;
    const page = onlyCollection(bodyOf(result));
    seen.push(...page.adds.map((x) => x.data?.textOf('Email:Subject') ?? ''));
    key = page.syncKey;
    if (!page.moreAvailable) break;
  }
  t.is(seen.length, 4);
});
