// SQLite: a delivery's full-text entry is written after its commit (store/messages.ts IndexWhen,
// docs/store.md "Full-text entries after the commit"), by Store.indexPending or, for what is still
// waiting, by the next search. What a user sees: Search finds every delivered message, whatever
// happened in between (a stop before the entry was written, a message removed meanwhile).

import Database from 'better-sqlite3';
import test from 'ava';
import { FolderType } from '../../store/index.js';
import { parsed, rawOf, tempStore } from './helpers.js';

/** The backlog and the entries as the file holds them, read over a connection of its own. */
function onDisk(file: string): { pending: number[]; indexed: number[] } {
  const db = new Database(file, { readonly: true });
  try {
    const ids = (sql: string) => (db.prepare(sql).all() as { id: number }[]).map((r) => r.id);
    return {
      pending: ids('SELECT message_id AS id FROM messages_fts_pending ORDER BY 1'),
      indexed: ids('SELECT id FROM messages_fts_docsize ORDER BY 1'),
    };
  } finally {
    db.close();
  }
}

const searchFor = (accountId: number, text: string) => ({ accountId, text, rangeStart: 0, rangeEnd: 9 });

test('a delivery commits without its full-text entry; indexPending writes it once, and search finds it', async (t) => {
  const { store, file } = tempStore(t);
  const alice = await store.createAccount('alice@example.com', 'pw');
  const [item] = await store.deliver([{ accountId: alice.id, raw: rawOf() }], parsed({ subject: 'Quarterly figures', text: 'see the attached table' }));
  const before = onDisk(file);
  t.is(before.pending.length, 1);
  t.deepEqual(before.indexed, []);

  t.is(await store.indexPending(), 1);
  t.deepEqual(onDisk(file), { pending: [], indexed: before.pending });
  t.is(await store.indexPending(), 0);
  const found = await store.search(searchFor(alice.id, 'quarterly table'));
  t.deepEqual(found.items.map((i) => i.id), [item!.itemId]);
});

test('entries a stopped process left unwritten are written by the next search, in any process', async (t) => {
  const { store, file, reopen } = tempStore(t);
  const alice = await store.createAccount('alice@example.com', 'pw');
  const inbox = (await store.folderByType(alice.id, FolderType.Inbox))!.id;
  for (const subject of ['Invoice 1', 'Invoice 2', 'Invoice 3']) {
    await store.deliver([{ accountId: alice.id, raw: rawOf(subject), folderId: inbox }], parsed({ subject }));
  }
  await store.close();
  t.is(onDisk(file).pending.length, 3);

  const next = reopen();
  const found = await next.search(searchFor(alice.id, 'invoice'));
  t.is(found.total, 3);
  t.deepEqual(onDisk(file).pending, []);
  t.is(onDisk(file).indexed.length, 3);
});

test('a message removed before its entry was written leaves nothing waiting', async (t) => {
  const { store, file } = tempStore(t);
  const bob = await store.createAccount('bob@example.com', 'pw');
  await store.deliver([{ accountId: bob.id, raw: rawOf() }], parsed({ subject: 'Gone soon' }));
  t.is(onDisk(file).pending.length, 1);
  await store.removeAccount('bob@example.com');
  t.deepEqual(onDisk(file), { pending: [], indexed: [] });
  t.is(await store.indexPending(), 0);
});

test('a message a client adds (Sent Items, Drafts) is indexed in its own commit, as before', async (t) => {
  const { store, file } = tempStore(t);
  const alice = await store.createAccount('alice@example.com', 'pw');
  const sent = (await store.folderByType(alice.id, FolderType.SentItems))!.id;
  const item = await store.addItem(alice.id, sent, rawOf('Sent'), parsed({ subject: 'Sent report' }), null, true);
  const disk = onDisk(file);
  t.deepEqual(disk.pending, []);
  t.is(disk.indexed.length, 1);
  t.deepEqual((await store.search(searchFor(alice.id, 'report'))).items.map((i) => i.id), [item.id]);
});
