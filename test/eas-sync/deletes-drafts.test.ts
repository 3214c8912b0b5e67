// Sync Delete with DeletesAsMoves (MS-ASCMD 2.2.3.43) and draft edits with Sync Change in
// Drafts (MS-ASEMAIL 16.0), over a real store, parser and push registry (no HTTP).

import test from 'ava';
import { createSyncCommand } from '../../eas/commands/sync.js';
import { el } from '../../eas/wbxml/tree.js';
import { bodyOf, createWorld, type World } from './harness.js';
import { bodyData, bodyPreference, cmd, onlyCollection, options, syncRequest, type CollectionSpec } from './wire.js';
import type { Device } from '../../store/types.js';
import { mail } from '../helpers/items.js';

/** This file's Sync command, with its own request cache (the table builds one per app). */
const sync = createSyncCommand();

async function syncOnce(w: World, device: Device, spec: CollectionSpec) {
  return onlyCollection(bodyOf(await w.run(sync, device, syncRequest([spec]))));
}

async function prime(w: World, device: Device, collectionId: string) {
  const first = await syncOnce(w, device, { syncKey: '0', collectionId });
  const result = await w.run(sync, device, syncRequest([{ syncKey: first.syncKey, collectionId, options: [options(0, bodyPreference(1))] }]));
  return result.kind === 'empty' ? { syncKey: first.syncKey, adds: [] } : onlyCollection(bodyOf(result));
}

test('a Sync Delete moved to Deleted Items reaches the deleting device as an Add there, and the others', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Bin me');
  const a = await prime(w, w.deviceA, w.inbox);
  const aTrash = await prime(w, w.deviceA, w.trash);
  const bTrash = await prime(w, w.deviceB, w.trash);
  const deleted = await syncOnce(w, w.deviceA, { syncKey: a.syncKey, collectionId: w.inbox, commands: [cmd.delete(a.adds[0]!.serverId)] });
  t.is(deleted.status, 1);
  // No Delete echoed in the Inbox…
  t.is((await w.run(sync, w.deviceA, syncRequest([{ syncKey: deleted.syncKey, collectionId: w.inbox }]))).kind, 'empty');
  // …but the copy in Deleted Items is new to A: it was never told its ServerId.
  const inTrashA = await syncOnce(w, w.deviceA, { syncKey: aTrash.syncKey, collectionId: w.trash });
  t.deepEqual(inTrashA.adds.map((x) => x.data?.textOf('Email:Subject')), ['Bin me']);
  const inTrashB = await syncOnce(w, w.deviceB, { syncKey: bTrash.syncKey, collectionId: w.trash });
  t.deepEqual(inTrashB.adds.map((x) => x.serverId), inTrashA.adds.map((x) => x.serverId));
});

test('a draft edited with Sync Change (16.x) keeps its ServerId and reaches another device as a Change', async (t) => {
  const w = await createWorld(t);
  const a = await prime(w, w.deviceA, w.drafts);
  const b = await prime(w, w.deviceB, w.drafts);
  const created = await syncOnce(w, w.deviceA, {
    syncKey: a.syncKey,
    collectionId: w.drafts,
    commands: [
      cmd.add('c1', [
        el('Email:To', 'Carol <carol@example.net>'),
        el('Email:Subject', 'First title'),
        el('AirSyncBase:Body', [el('AirSyncBase:Type', '1'), el('AirSyncBase:Data', 'First words')]),
      ]),
    ],
  });
  const serverId = created.responses[0]!.textOf('ServerId')!;
  const bSeen = await syncOnce(w, w.deviceB, { syncKey: b.syncKey, collectionId: w.drafts });
  t.deepEqual(bSeen.adds.map((x) => x.serverId), [serverId]);
  t.is(bSeen.adds[0]!.data?.textOf('Email2:IsDraft'), '1', 'clients list drafts by IsDraft (MS-ASEMAIL 2.2.2.42)');

  const edited = await syncOnce(w, w.deviceA, {
    syncKey: created.syncKey,
    collectionId: w.drafts,
    commands: [
      cmd.change(serverId, [
        el('Email:Subject', 'Second title'),
        el('AirSyncBase:Body', [el('AirSyncBase:Type', '1'), el('AirSyncBase:Data', 'Second words')]),
      ]),
    ],
  });
  t.is(edited.status, 1);
  t.false(edited.hasResponsesElement, 'a successful Change has no Response');
  t.is((await w.run(sync, w.deviceA, syncRequest([{ syncKey: edited.syncKey, collectionId: w.drafts }]))).kind, 'empty');

  const bChange = await syncOnce(w, w.deviceB, { syncKey: bSeen.syncKey, collectionId: w.drafts });
  t.deepEqual(bChange.adds, []);
  t.deepEqual(bChange.changes.map((x) => x.serverId), [serverId]);
  const data = bChange.changes[0]!.data!;
  t.is(data.textOf('Email:Subject'), 'Second title');
  t.is(data.textOf('Email2:IsDraft'), '1');
  t.regex(bodyData(data)?.data ?? '', /Second words/);
  // What the Change left out is kept.
  t.regex(data.textOf('Email:To') ?? '', /carol@example\.net/);
});

test('below 16.0 a draft content edit is Status 6 and changes nothing', async (t) => {
  const w = await createWorld(t);
  const a = await prime(w, w.deviceA, w.drafts);
  const created = await syncOnce(w, w.deviceA, {
    syncKey: a.syncKey,
    collectionId: w.drafts,
    commands: [cmd.add('c1', [el('Email:Subject', 'Kept'), el('AirSyncBase:Body', [el('AirSyncBase:Type', '1'), el('AirSyncBase:Data', 'x')])])],
  });
  const serverId = created.responses[0]!.textOf('ServerId')!;
  const old = onlyCollection(
    bodyOf(
      await w.run(
        sync,
        w.deviceA,
        syncRequest([{ syncKey: created.syncKey, collectionId: w.drafts, commands: [cmd.change(serverId, [el('Email:Subject', 'Nope')])] }]),
        { version: '14.1' },
      ),
    ),
  );
  t.is(old.responses[0]?.intOf('Status'), 6);
  const item = mail((await w.store.listItems(w.alice.id, Number(w.drafts)))[0]);
  t.is(item.summary.subject, 'Kept');
});
