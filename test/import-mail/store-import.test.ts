// store.importMail on its own: one batch is one transaction with one modseq, the items carry the
// given received time and flags and are Adds for a device's cursor; the digest record goes with
// its folder when the folder is deleted and purged, and with the account.

import test from 'ava';
import { createHash } from 'node:crypto';
import { parseMessage } from '../../plugin/parse.js';
import { FolderType, type ImportedMessage } from '../../store/index.js';
import { message, place } from './harness.js';

async function imported(subject: string, read = false, flagged = false): Promise<ImportedMessage> {
  const raw = message(subject);
  return { raw, parsed: await parseMessage(raw), receivedAt: '2020-01-02T03:04:05.000Z', read, flagged, digest: createHash('sha256').update(raw).digest() };
}

test('a batch is one transaction: one modseq, received time and flags kept, nothing twice', async (t) => {
  const p = await place(t);
  const store = p.open();
  const alice = (await store.findAccount('alice@example.com'))!;
  const folder = await store.createFolder(alice.id, null, 'Old', FolderType.UserMail, null);
  const head = await store.headModseq(alice.id);
  const batch = [await imported('a', true, true), await imported('b'), await imported('a', true, true)];
  const done = await store.importMail(alice.id, folder.id, batch, { push: false });
  t.is(done.itemIds.length, 2);
  t.is(done.skipped, 1, 'the same bytes twice in one batch go in once');
  t.is(await store.headModseq(alice.id), head + 1);
  const items = await store.listItems(alice.id, folder.id);
  t.deepEqual(items.map((i) => [i.receivedAt, i.read, i.flag?.status ?? 0, i.createdModseq]).sort(), [
    ['2020-01-02T03:04:05.000Z', false, 0, head + 1],
    ['2020-01-02T03:04:05.000Z', true, 2, head + 1],
  ]);
  t.true(await store.isImported(folder.id, batch[1]!.digest));
  t.false(await store.isImported((await store.folderByType(alice.id, FolderType.Inbox))!.id, batch[1]!.digest), 'recorded per folder');
  const again = await store.importMail(alice.id, folder.id, batch, { push: true });
  t.deepEqual(again, { itemIds: [], skipped: 3 });
  t.is(await store.headModseq(alice.id), head + 1, 'a batch with nothing new takes no modseq');
});

test('a deleted folder takes its import records along when purged; so does a removed account', async (t) => {
  const p = await place(t);
  const store = p.open();
  const alice = (await store.findAccount('alice@example.com'))!;
  const folder = await store.createFolder(alice.id, null, 'Old', FolderType.UserMail, null);
  const one = await imported('x');
  await store.importMail(alice.id, folder.id, [one], { push: false });
  await store.deleteFolder(alice.id, folder.id, null);
  const result = await store.maintenance({ retentionDays: 0, now: new Date(Date.now() + 24 * 3600 * 1000) });
  t.is(result.folders, 1, 'the folder row is purged');
  t.false(await store.isImported(folder.id, one.digest));

  const inbox = (await store.folderByType(alice.id, FolderType.Inbox))!;
  await store.importMail(alice.id, inbox.id, [one], { push: false });
  t.true(await store.isImported(inbox.id, one.digest));
  await store.removeAccount('alice@example.com');
  t.false(await store.isImported(inbox.id, one.digest));
});
