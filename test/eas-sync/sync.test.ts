// MS-ASCMD 2.2.1.21 Sync over a real store, parser and push registry (no HTTP): SyncKey
// states N and N-1, paging, client commands, retries, errors, empty and Partial requests.

import test from 'ava';
import { createSyncCommand } from '../../eas/commands/sync.js';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/index.js';
import { bodyOf, createWorld, type World } from './harness.js';
import { bodyData, bodyPreference, cmd, collectionsOf, onlyCollection, options, syncRequest, type CollectionSpec } from './wire.js';
import type { Device } from '../../store/types.js';
import { mail } from '../helpers/items.js';

/** This file's Sync command, with its own request cache (the table builds one per app). */
const sync = createSyncCommand();

/** Sync one collection as `device`; returns the collection answer (throws on an empty 200). */
async function syncOnce(w: World, device: Device, spec: CollectionSpec) {
  return onlyCollection(bodyOf(await w.run(sync, device, syncRequest([spec]))));
}

/** Key 0, then the first page: returns the key to continue with. */
async function prime(w: World, device: Device, collectionId = w.inbox, windowSize = 100) {
  const first = await syncOnce(w, device, { syncKey: '0', collectionId });
  const result = await w.run(
    sync,
    device,
    syncRequest([{ syncKey: first.syncKey, collectionId, windowSize, options: [options(0, bodyPreference(1))] }]),
  );
  return result.kind === 'empty' ? { syncKey: first.syncKey, adds: [] } : onlyCollection(bodyOf(result));
}

test('SyncKey 0 answers a new key and no items; the next Sync adds the mail', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Hello', 'First line of the body');
  const first = await syncOnce(w, w.deviceA, { syncKey: '0', collectionId: w.inbox });
  t.is(first.status, 1);
  t.not(first.syncKey, '0');
  t.is(first.adds.length, 0);
  t.false(first.order.includes('Commands'));

  const page = await syncOnce(w, w.deviceA, { syncKey: first.syncKey, collectionId: w.inbox, options: [options(0, bodyPreference(1))] });
  t.is(page.status, 1);
  t.is(page.adds.length, 1);
  const data = page.adds[0]!.data!;
  t.is(data.textOf('Email:Subject'), 'Hello');
  t.regex(data.textOf('Email:From') ?? '', /bob@example\.org/);
  t.regex(bodyData(data)?.data ?? '', /First line of the body/);
  t.is(Number(page.syncKey), Number(first.syncKey) + 1);
});

test('WindowSize pages 25 messages with MoreAvailable between Status and Commands', async (t) => {
  const w = await createWorld(t);
  for (let i = 0; i < 25; i++) await w.deliver(`Message ${i}`);
  const first = await syncOnce(w, w.deviceA, { syncKey: '0', collectionId: w.inbox });
  const seen = new Set<string>();
  let key = first.syncKey;
  const sizes: number[] = [];
  for (;;) {
    const page = await syncOnce(w, w.deviceA, { syncKey: key, collectionId: w.inbox, windowSize: 10 });
    sizes.push(page.adds.length);
    for (const a of page.adds) seen.add(a.serverId);
    t.not(page.syncKey, key, 'every answer with content carries a new SyncKey');
    key = page.syncKey;
    if (page.moreAvailable) {
      t.deepEqual(page.order.slice(0, 5), ['SyncKey', 'CollectionId', 'Status', 'MoreAvailable', 'Commands']);
    } else break;
  }
  t.deepEqual(sizes, [10, 10, 5]);
  t.is(seen.size, 25);
  // Nothing left: an empty 200, never <Sync><Collections/></Sync>.
  const after = await w.run(sync, w.deviceA, syncRequest([{ syncKey: key, collectionId: w.inbox }]));
  t.is(after.kind, 'empty');
});

test('WindowSize 0 and over 512 mean 512; missing means 100', async (t) => {
  const w = await createWorld(t);
  for (let i = 0; i < 101; i++) await w.deliver(`Bulk ${i}`);
  const first = await syncOnce(w, w.deviceA, { syncKey: '0', collectionId: w.inbox });
  const missing = await syncOnce(w, w.deviceA, { syncKey: first.syncKey, collectionId: w.inbox });
  t.is(missing.adds.length, 100);
  t.true(missing.moreAvailable);
  const firstB = await syncOnce(w, w.deviceB, { syncKey: '0', collectionId: w.inbox });
  const zero = await syncOnce(w, w.deviceB, { syncKey: firstB.syncKey, collectionId: w.inbox, windowSize: 0 });
  t.is(zero.adds.length, 101);
  t.false(zero.moreAvailable);
});

test('read, flag and delete on device A reach device B; A hears nothing back', async (t) => {
  const w = await createWorld(t);
  await w.deliver('One');
  await w.deliver('Two');
  const a = await prime(w, w.deviceA);
  const b = await prime(w, w.deviceB);
  const [one, two] = a.adds.map((x) => x.serverId);

  const changed = await syncOnce(w, w.deviceA, {
    syncKey: a.syncKey,
    collectionId: w.inbox,
    commands: [
      cmd.change(one!, [el('Email:Read', '1'), el('Email:Flag', [el('Email:Status', '2'), el('Email:FlagType', 'Follow up')])]),
      cmd.delete(two!),
    ],
  });
  t.is(changed.status, 1);
  t.deepEqual(changed.adds, []);
  t.deepEqual(changed.changes, []);
  t.false(changed.hasResponsesElement, 'successful Change/Delete get no Responses (and never an empty one)');

  const echo = await w.run(sync, w.deviceA, syncRequest([{ syncKey: changed.syncKey, collectionId: w.inbox }]));
  t.is(echo.kind, 'empty', 'A does not hear its own changes');

  const seenByB = await syncOnce(w, w.deviceB, { syncKey: b.syncKey, collectionId: w.inbox });
  t.deepEqual(seenByB.changes.map((c) => c.serverId), [one]);
  t.is(seenByB.changes[0]!.data!.textOf('Email:Read'), '1');
  t.is(seenByB.changes[0]!.data!.child('Email:Flag')?.textOf('Email:Status'), '2');
  t.deepEqual(seenByB.deletes, [two]);

  // DeletesAsMoves (default true): the message now lives in Deleted Items.
  const trash = await w.store.listItems(w.alice.id, Number(w.trash));
  t.deepEqual(trash.map((i) => mail(i).summary.subject), ['Two']);
});

test('DeletesAsMoves false, or a delete inside Deleted Items, deletes for good', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Gone');
  const a = await prime(w, w.deviceA);
  const res = await syncOnce(w, w.deviceA, {
    syncKey: a.syncKey,
    collectionId: w.inbox,
    deletesAsMoves: false,
    commands: [cmd.delete(a.adds[0]!.serverId)],
  });
  t.is(res.status, 1);
  t.is(await w.store.countItems(w.alice.id, Number(w.trash)), 0);
  t.is(await w.store.countItems(w.alice.id, Number(w.inbox)), 0);
});

test('a retried request (N-1) gets the same answer and applies nothing twice', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Keep');
  await w.deliver('Trash me');
  const a = await prime(w, w.deviceA);
  const [keep, trashMe] = a.adds.map((x) => x.serverId);
  const request = syncRequest([
    {
      syncKey: a.syncKey,
      collectionId: w.inbox,
      commands: [cmd.delete(trashMe!), cmd.change('999999:1', [el('Email:Read', '1')]), cmd.fetch(keep!)],
    },
  ]);
  const first = onlyCollection(bodyOf(await w.run(sync, w.deviceA, request)));
  await w.deliver('Arrived in between');
  const retry = onlyCollection(bodyOf(await w.run(sync, w.deviceA, request)));

  t.is(retry.syncKey, first.syncKey, 'the retry answers with the same new key');
  const shape = (c: typeof first) => c.responses.map((r) => `${r.name}:${r.textOf('ServerId')}:${r.textOf('Status')}`);
  t.deepEqual(shape(retry), shape(first));
  t.deepEqual(shape(first), [`Change:999999:1:8`, `Fetch:${keep}:1`]);
  t.is(await w.store.countItems(w.alice.id, Number(w.trash)), 1, 'the delete was applied once');
  // Changes are recomputed from N-1: the new mail is in the retry's answer.
  t.deepEqual(retry.adds.map((x) => x.data?.textOf('Email:Subject')), ['Arrived in between']);

  // The key of the retry's answer works; the one before N-1 no longer does.
  const next = await w.run(sync, w.deviceA, syncRequest([{ syncKey: retry.syncKey, collectionId: w.inbox }]));
  t.is(next.kind, 'empty');
});

test('Fetch answers in Responses with the whole body; an unknown id is Status 8', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Long', 'x'.repeat(5000));
  const first = await syncOnce(w, w.deviceA, { syncKey: '0', collectionId: w.inbox });
  const page = await syncOnce(w, w.deviceA, {
    syncKey: first.syncKey,
    collectionId: w.inbox,
    options: [options(0, bodyPreference(1, 100))],
  });
  t.is(bodyData(page.adds[0]!.data)?.data.length, 100);
  const fetched = await syncOnce(w, w.deviceA, {
    syncKey: page.syncKey,
    collectionId: w.inbox,
    getChanges: false,
    commands: [cmd.fetch(page.adds[0]!.serverId), cmd.fetch(`${w.inbox}:424242`)],
  });
  const [ok, missing] = fetched.responses;
  t.is(ok!.name, 'Fetch');
  t.is(ok!.intOf('Status'), 1);
  t.true((bodyData(ok!.child('ApplicationData'))?.data.length ?? 0) >= 5000);
  t.is(missing!.intOf('Status'), 8);
});

test('unknown SyncKey is Status 3; unknown collection is Status 12; the next valid request works', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Hi');
  const first = await syncOnce(w, w.deviceA, { syncKey: '0', collectionId: w.inbox });
  const bad = await syncOnce(w, w.deviceA, { syncKey: '987654', collectionId: w.inbox });
  t.is(bad.status, 3);
  t.is(bad.syncKey, '0');
  const notNumber = await syncOnce(w, w.deviceA, { syncKey: '{abc}1', collectionId: w.inbox });
  t.is(notNumber.status, 3);
  const unknownFolder = await syncOnce(w, w.deviceA, { syncKey: '5', collectionId: '424242' });
  t.is(unknownFolder.status, 12);
  const otherAccount = await w.store.createAccount('mallory@example.com', 'pw-pw-pw-pw');
  const foreign = String((await w.store.folderByType(otherAccount.id, FolderType.Inbox))!.id);
  t.is((await syncOnce(w, w.deviceA, { syncKey: '0', collectionId: foreign })).status, 12);
  const ok = await syncOnce(w, w.deviceA, { syncKey: first.syncKey, collectionId: w.inbox });
  t.is(ok.status, 1);
  t.is(ok.adds.length, 1);
});

test('malformed requests answer Status 4, never an exception', async (t) => {
  const w = await createWorld(t);
  const status = async (body: ReturnType<typeof el>) => bodyOf(await w.run(sync, w.deviceA, body)).intOf('Status');
  t.is(await status(el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', '0')])), 4);
  t.is(await status(el('AirSync:Sync', [el('AirSync:Collections', [el('AirSync:Collection', [el('AirSync:SyncKey', '0')])])])), 4);
  t.is(await status(el('AirSync:Sync', [el('AirSync:WindowSize', 'lots')])), 4);
  t.is(await status(el('AirSync:Sync', [])), 4);
  const first = await syncOnce(w, w.deviceA, { syncKey: '0', collectionId: w.inbox });
  const badWindow = await syncOnce(w, w.deviceA, { syncKey: first.syncKey, collectionId: w.inbox, options: [], commands: [el('AirSync:Bogus')] });
  t.is(badWindow.status, 4);
  const badOptions = await syncOnce(w, w.deviceA, { syncKey: first.syncKey, collectionId: w.inbox, options: [options(99)] });
  t.is(badOptions.status, 4);
  await w.deliver('Still fine');
  const ok = await syncOnce(w, w.deviceA, { syncKey: first.syncKey, collectionId: w.inbox });
  t.is(ok.adds.length, 1);
});

test('several collections in one request, each with its own key and status', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Inbox mail');
  const res = collectionsOf(
    bodyOf(
      await w.run(
        sync,
        w.deviceA,
        syncRequest([
          { syncKey: '0', collectionId: w.inbox },
          { syncKey: '0', collectionId: w.drafts },
          { syncKey: '0', collectionId: w.trash },
        ]),
      ),
    ),
  );
  t.deepEqual(res.map((c) => [c.collectionId, c.status]), [[w.inbox, 1], [w.drafts, 1], [w.trash, 1]]);
  const next = collectionsOf(
    bodyOf(
      await w.run(
        sync,
        w.deviceA,
        syncRequest(res.map((c) => ({ syncKey: c.syncKey, collectionId: c.collectionId }))),
      ),
    ),
  );
  t.is(next.find((c) => c.collectionId === w.inbox)!.adds.length, 1);
  t.is(next.find((c) => c.collectionId === w.drafts)!.adds.length, 0);
});

test('an overall WindowSize spreads over the collections', async (t) => {
  const w = await createWorld(t);
  for (let i = 0; i < 3; i++) await w.deliver(`m${i}`);
  const first = await syncOnce(w, w.deviceA, { syncKey: '0', collectionId: w.inbox });
  const res = onlyCollection(
    bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: first.syncKey, collectionId: w.inbox }], { windowSize: 2 }))),
  );
  t.is(res.adds.length, 2);
  t.true(res.moreAvailable);
});

test('GetChanges false sends nothing and keeps the changes for later', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Later');
  const first = await syncOnce(w, w.deviceA, { syncKey: '0', collectionId: w.inbox });
  const none = await w.run(sync, w.deviceA, syncRequest([{ syncKey: first.syncKey, collectionId: w.inbox, getChanges: false }]));
  t.is(none.kind, 'empty');
  const later = await syncOnce(w, w.deviceA, { syncKey: first.syncKey, collectionId: w.inbox });
  t.is(later.adds.length, 1);
});

test('an empty request reuses the last one; without one it is Status 13', async (t) => {
  const w = await createWorld(t);
  const none = bodyOf(await w.run(sync, w.deviceA, null));
  t.is(none.intOf('Status'), 13);
  const first = await syncOnce(w, w.deviceA, { syncKey: '0', collectionId: w.inbox });
  t.is((await w.run(sync, w.deviceA, syncRequest([{ syncKey: first.syncKey, collectionId: w.inbox }]))).kind, 'empty');
  await w.deliver('New');
  const reused = onlyCollection(bodyOf(await w.run(sync, w.deviceA, null)));
  t.is(reused.collectionId, w.inbox);
  t.is(reused.adds.length, 1);
  t.is(Number(reused.syncKey), Number(first.syncKey) + 1);
  // Again empty: the cached request now carries the newest key.
  t.is((await w.run(sync, w.deviceA, null)).kind, 'empty');
});

test('Partial completes the request with the cached collections', async (t) => {
  const w = await createWorld(t);
  const both = collectionsOf(
    bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: '0', collectionId: w.inbox }, { syncKey: '0', collectionId: w.trash }]))),
  );
  await w.deliver('Via partial');
  const trash = both.find((c) => c.collectionId === w.trash)!;
  const res = collectionsOf(
    bodyOf(await w.run(sync, w.deviceA, syncRequest([{ syncKey: trash.syncKey, collectionId: w.trash }], { partial: true }))),
  );
  t.deepEqual(res.map((c) => c.collectionId).sort(), [w.inbox, w.trash].sort());
  t.is(res.find((c) => c.collectionId === w.inbox)!.adds.length, 1);
});

test('Options are sticky; a changed FilterType answers Status 3', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Html please');
  const first = await syncOnce(w, w.deviceA, { syncKey: '0', collectionId: w.inbox });
  const page = await syncOnce(w, w.deviceA, { syncKey: first.syncKey, collectionId: w.inbox, options: [options(0, bodyPreference(2))] });
  t.is(bodyData(page.adds[0]!.data)?.type, 1, 'text-only mail answers Type 1 even when HTML was asked');
  const changed = await syncOnce(w, w.deviceA, { syncKey: page.syncKey, collectionId: w.inbox, options: [options(3, bodyPreference(2))] });
  t.is(changed.status, 3);
  const same = await w.run(sync, w.deviceA, syncRequest([{ syncKey: page.syncKey, collectionId: w.inbox, options: [options(0, bodyPreference(2))] }]));
  t.is(same.kind, 'empty');
});

test('FilterType keeps old mail out of an initial sync', async (t) => {
  const w = await createWorld(t);
  await w.deliver('Fresh');
  const old = await w.deps.parse(Buffer.from('From: a@b.c\r\nSubject: Old\r\n\r\nold\r\n'));
  const item = (await w.store.deliver([{ accountId: w.alice.id, raw: Buffer.from('From: a@b.c\r\nSubject: Old\r\n\r\nold\r\n') }], old))[0]!;
  t.truthy(item);
  const first = await syncOnce(w, w.deviceA, { syncKey: '0', collectionId: w.inbox, options: [options(1, bodyPreference(1))] });
  const page = await syncOnce(w, w.deviceA, { syncKey: first.syncKey, collectionId: w.inbox });
  // Both were received just now: both are inside a one-day window.
  t.is(page.adds.length, 2);
});

test('a draft added with Sync (16.x) gets a ServerId; other devices see it, the author does not', async (t) => {
  const w = await createWorld(t);
  const a = await prime(w, w.deviceA, w.drafts);
  const b = await prime(w, w.deviceB, w.drafts);
  const res = await syncOnce(w, w.deviceA, {
    syncKey: a.syncKey,
    collectionId: w.drafts,
    commands: [
      cmd.add('client-1', [
        el('Email:To', 'Carol <carol@example.net>'),
        el('Email:Subject', 'Draft subject'),
        el('AirSyncBase:Body', [el('AirSyncBase:Type', '1'), el('AirSyncBase:Data', 'Draft body text')]),
        el('Email:Importance', '2'),
      ]),
    ],
  });
  const added = res.responses.find((r) => r.name === 'Add')!;
  t.is(added.textOf('ClientId'), 'client-1');
  t.is(added.intOf('Status'), 1);
  const serverId = added.textOf('ServerId')!;
  t.regex(serverId, new RegExp(`^${w.drafts}:\\d+$`));
  t.deepEqual(res.adds, []);

  const seenByB = await syncOnce(w, w.deviceB, { syncKey: b.syncKey, collectionId: w.drafts });
  t.deepEqual(seenByB.adds.map((x) => x.serverId), [serverId]);
  const data = seenByB.adds[0]!.data!;
  t.is(data.textOf('Email:Subject'), 'Draft subject');
  t.regex(data.textOf('Email:To') ?? '', /carol@example\.net/);
  t.regex(bodyData(data)?.data ?? '', /Draft body text/);
  t.is(data.textOf('Email:Importance'), '2');
});

test('an Add outside Drafts, or below 16.0, is Status 6', async (t) => {
  const w = await createWorld(t);
  const a = await prime(w, w.deviceA);
  const res = await syncOnce(w, w.deviceA, {
    syncKey: a.syncKey,
    collectionId: w.inbox,
    commands: [cmd.add('c1', [el('Email:Subject', 'nope')])],
  });
  t.is(res.responses[0]!.intOf('Status'), 6);
  t.is(await w.store.countItems(w.alice.id, Number(w.inbox)), 0);
});

test('12.1: Class is echoed in the collection answer', async (t) => {
  const w = await createWorld(t);
  const req = el('AirSync:Sync', [
    el('AirSync:Collections', [
      el('AirSync:Collection', [el('AirSync:Class', 'Email'), el('AirSync:SyncKey', '0'), el('AirSync:CollectionId', w.inbox), el('AirSync:DeletesAsMoves')]),
    ]),
  ]);
  const res = bodyOf(await w.run(sync, w.deviceA, req, { version: '12.1' }));
  const c = res.path('Collections', 'Collection')!;
  t.is(c.children[0]!.name, 'Class');
  t.is(c.intOf('Status'), 1);
});
