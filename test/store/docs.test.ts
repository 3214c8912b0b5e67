// Document items (calendar events, contacts, tasks, notes: docs/store.md) live in the same
// machinery as mail: journal and modseq, the change feed, tombstones and their purge, moves,
// account isolation, FilterType windows by their window time; and migration 5 keeps old data.
import test from 'ava';
import Database from 'better-sqlite3';
import { openStore } from '../../store/index.js';
import { MIGRATIONS, migrate } from '../../store/migrations.js';
import { FolderType, type ChangeKind, type DocInput } from '../../store/types.js';
import { parsed, rawOf, tempStore } from './helpers.js';

const FAR = '9999-12-31T23:59:59.999Z';

function doc(subject: string, uid: string | null = null, windowAt = FAR): DocInput {
  return { data: { v: 1, props: [{ tag: 'Calendar:Subject', text: subject }] }, uid, windowAt };
}

async function setup(t: Parameters<typeof tempStore>[0]) {
  const { store, file } = tempStore(t);
  const alice = await store.createAccount('alice@example.com', 'pw');
  const calendar = (await store.folderByType(alice.id, FolderType.Calendar))!.id;
  const phone = await store.touchDevice(alice.id, 'PHONE', { deviceType: 'x', userAgent: null, protocolVersion: '16.1' });
  const tablet = await store.touchDevice(alice.id, 'TABLET', { deviceType: 'x', userAgent: null, protocolVersion: '16.1' });
  return { store, file, alice, calendar, phone, tablet };
}

test('a document is added, read back as it was given, and journaled with the next modseq', async (t) => {
  const { store, alice, calendar } = await setup(t);
  const before = await store.headModseq(alice.id);
  const item = await store.addDoc(alice.id, calendar, doc('Dentist', 'uid-1', '2026-03-01T10:00:00Z'), null);
  t.is(item.kind, 'doc');
  t.deepEqual(item.data, { v: 1, props: [{ tag: 'Calendar:Subject', text: 'Dentist' }] });
  t.is(item.uid, 'uid-1');
  t.is(item.receivedAt, '2026-03-01T10:00:00.000Z');
  t.is(item.createdModseq, before + 1);
  t.deepEqual(await store.getItem(alice.id, item.id), item);
  t.deepEqual(await store.findDocByUid(alice.id, calendar, 'uid-1'), item);
  t.deepEqual(await store.findDocByUid(alice.id, null, 'uid-1'), item);
  t.is(await store.findDocByUid(alice.id, calendar, 'uid-2'), null);
  t.is(await store.getBody(alice.id, item.id), null, 'a document has no message body');
  t.is(await store.countItems(alice.id, calendar), 1);
});

test('the change feed fires after the commit: add for an added document, change for a replaced one, nothing for a no-op', async (t) => {
  const { store, alice, calendar } = await setup(t);
  const seen: ChangeKind[] = [];
  const off = store.feed.subscribe(alice.id, [calendar], (_folder, kind) => seen.push(kind));
  t.teardown(off);
  const item = await store.addDoc(alice.id, calendar, doc('A', 'u'), null);
  await store.replaceDoc(alice.id, item.id, doc('B', 'u'), null);
  const modseq = (await store.getItem(alice.id, item.id))!.modseq;
  await store.replaceDoc(alice.id, item.id, doc('B', 'u'), null);
  t.is((await store.getItem(alice.id, item.id))!.modseq, modseq, 'the same content is no change');
  t.deepEqual(seen, ['add', 'change']);
});

test('devices see adds, changes and deletes of documents; their own are skipped', async (t) => {
  const { store, alice, calendar, phone, tablet } = await setup(t);
  const cursor = { modseq: await store.headModseq(alice.id), itemId: 0 };
  const ownAfter = await store.headModseq(alice.id);
  const a = await store.addDoc(alice.id, calendar, doc('A'), phone.id);
  const b = await store.addDoc(alice.id, calendar, doc('B'), null);
  const query = (deviceRowId: number) => ({ accountId: alice.id, folderId: calendar, deviceRowId, cursor, limit: 50, since: null, ownAfter });
  t.deepEqual(
    (await store.changes(query(tablet.id))).changes.map((c) => [c.kind, 'item' in c ? c.item.id : c.itemId]),
    [
      ['add', a.id],
      ['add', b.id],
    ],
  );
  t.deepEqual((await store.changes(query(phone.id))).changes.map((c) => ('item' in c ? c.item.id : c.itemId)), [b.id]);

  const after = (await store.changes(query(tablet.id))).next;
  await store.replaceDoc(alice.id, b.id, doc('B2'), phone.id);
  await store.deleteItem(alice.id, a.id, phone.id);
  const next = (await store.changes({ ...query(tablet.id), cursor: after })).changes;
  t.deepEqual(
    next.map((c) => [c.kind, 'item' in c ? c.item.id : c.itemId]),
    [
      ['change', b.id],
      ['delete', a.id],
    ],
  );
  const changed = next[0]!;
  t.true(changed.kind === 'change' && JSON.stringify(changed.item.kind === 'doc' && changed.item.data).includes('B2'));
  t.is((await store.changes({ ...query(phone.id), cursor: after })).changes.length, 0, 'the phone made them');
});

test('a document moves to another folder of its kind with its content and UID; the old id is a tombstone', async (t) => {
  const { store, alice, calendar } = await setup(t);
  const other = (await store.createFolder(alice.id, null, 'Work', FolderType.UserCalendar, null)).id;
  const item = await store.addDoc(alice.id, calendar, doc('Meet', 'uid-m', '2026-01-01T00:00:00Z'), null);
  const moved = await store.moveItem(alice.id, item.id, other, null);
  t.truthy(moved);
  t.is(moved!.kind, 'doc');
  t.not(moved!.id, item.id);
  t.deepEqual(moved!.kind === 'doc' && moved!.data, item.data);
  t.is(moved!.kind === 'doc' && moved!.uid, 'uid-m');
  t.is(moved!.receivedAt, item.receivedAt);
  t.is(await store.getItem(alice.id, item.id), null);
  t.is((await store.findDocByUid(alice.id, null, 'uid-m'))?.id, moved!.id);
});

test('the window time orders FilterType windows like a received time: documents before `since` are outside', async (t) => {
  const { store, alice, calendar, tablet } = await setup(t);
  await store.addDoc(alice.id, calendar, doc('old', null, '2020-01-01T00:00:00Z'), null);
  const recent = await store.addDoc(alice.id, calendar, doc('recent', null, '2026-06-01T00:00:00Z'), null);
  const endless = await store.addDoc(alice.id, calendar, doc('endless', null, FAR), null);
  const page = await store.changes({
    accountId: alice.id,
    folderId: calendar,
    deviceRowId: tablet.id,
    cursor: { modseq: 0, itemId: 0 },
    limit: 50,
    since: '2026-01-01T00:00:00.000Z',
  });
  t.deepEqual(page.changes.map((c) => ('item' in c ? c.item.id : c.itemId)), [recent.id, endless.id]);
});

test('upsertDocs adds, updates by UID and counts the unchanged, in one transaction: a bad entry writes nothing', async (t) => {
  const { store, alice, calendar } = await setup(t);
  t.deepEqual(await store.upsertDocs(alice.id, calendar, [doc('A', 'a'), doc('B', 'b'), doc('no uid')], null), { added: 3, updated: 0, unchanged: 0 });
  t.deepEqual(await store.upsertDocs(alice.id, calendar, [doc('A', 'a'), doc('B changed', 'b'), doc('C', 'c')], null), {
    added: 1,
    updated: 1,
    unchanged: 1,
  });
  t.is(await store.countItems(alice.id, calendar), 4);
  const head = await store.headModseq(alice.id);
  await t.throwsAsync(async () => await store.upsertDocs(alice.id, calendar, [doc('D', 'd'), { ...doc('bad', 'e'), windowAt: 'not a date' }], null));
  t.is(await store.countItems(alice.id, calendar), 4, 'nothing of the failed batch was written');
  t.is(await store.findDocByUid(alice.id, calendar, 'd'), null);
  t.is(await store.headModseq(alice.id), head);
});

test("documents are the account's own: another account's id or UID is not found", async (t) => {
  const { store, alice, calendar } = await setup(t);
  const bob = await store.createAccount('bob@example.com', 'pw');
  const item = await store.addDoc(alice.id, calendar, doc('private', 'uid-p'), null);
  t.is(await store.getItem(bob.id, item.id), null);
  t.is(await store.replaceDoc(bob.id, item.id, doc('hijack'), null), null);
  t.is(await store.findDocByUid(bob.id, null, 'uid-p'), null);
  t.false(await store.deleteItem(bob.id, item.id, null));
  await t.throwsAsync(async () => await store.addDoc(bob.id, calendar, doc('x'), null), { message: /no folder/ });
});

test('maintenance purges document tombstones every device is past, as for mail', async (t) => {
  const { store, alice, calendar } = await setup(t);
  const item = await store.addDoc(alice.id, calendar, doc('gone'), null);
  await store.deleteItem(alice.id, item.id, null);
  const result = await store.maintenance({ retentionDays: 0, now: new Date(Date.now() + 86_400_000) });
  t.true(result.tombstones >= 1);
  t.is(await store.getItem(alice.id, item.id), null);
});

test('migration 5 keeps every item, its id and the AUTOINCREMENT high-water mark of a version-4 database', async (t) => {
  const { store, file } = tempStore(t);
  await store.close();
  const v4 = file.replace(/mail\.sqlite$/, 'v4.sqlite');
  const db = new Database(v4);
  migrate(db, MIGRATIONS.filter((m) => m.version <= 4));
  db.close();
  // Fill it with the version-4 code path's shape: two messages, the second deleted and purged.
  {
    const old = new Database(v4);
    old.exec(`
      INSERT INTO accounts (id, address, password_hash, modseq, created_at) VALUES (1, 'a@x', 'h', 3, '2024-01-01');
      INSERT INTO folders (id, account_id, name, type, system, created_modseq, modseq) VALUES (1, 1, 'Inbox', 2, 1, 1, 1);
      INSERT INTO messages (id, account_id, raw, size, subject, from_json, to_json, cc_json, reply_to_json, date,
        references_json, importance, has_attachments, attachment_count, preview, malformed)
        VALUES (1, 1, x'41', 1, 'kept', '[]', '[]', '[]', '[]', '2024-01-01', '[]', 1, 0, 0, '', 0);
      INSERT INTO items (id, account_id, folder_id, message_id, read, received_at, created_modseq, modseq)
        VALUES (7, 1, 1, 1, 1, '2024-01-01T00:00:00.000Z', 2, 2);
      UPDATE sqlite_sequence SET seq = 42 WHERE name = 'items';`);
    old.close();
  }
  const again = openStore(v4);
  t.teardown(async () => await again.close());
  const kept = await again.getItem(1, 7);
  t.is(kept?.kind, 'mail');
  t.is(kept?.kind === 'mail' && kept.summary.subject, 'kept');
  t.true(kept?.read);
  // The next id is above the old high-water mark: a purged item's ServerId is never reused.
  const next = await again.addItem(1, 1, rawOf('new'), parsed({ subject: 'new' }), null);
  t.is(next.id, 43);
});

test('a delivery writes its meeting and its documents in the same transaction, and wakes both folders', async (t) => {
  const { store, alice, calendar } = await setup(t);
  const inbox = (await store.folderByType(alice.id, FolderType.Inbox))!.id;
  const woken: [number, ChangeKind][] = [];
  const off = store.feed.subscribe(alice.id, [inbox, calendar], (folder, kind) => woken.push([folder, kind]));
  t.teardown(off);
  const meeting = { messageClass: 'IPM.Schedule.Meeting.Request', props: [] };
  const [d] = await store.deliver([{ accountId: alice.id, raw: rawOf('Invite'), meeting, docs: [{ folderId: calendar, itemId: null, doc: doc('Invite', 'uid-i') }] }], parsed({ subject: 'Invite' }));
  const mail = await store.getItem(alice.id, d!.itemId);
  t.deepEqual(mail?.kind === 'mail' && mail.meeting, meeting);
  const event = await store.findDocByUid(alice.id, calendar, 'uid-i');
  t.truthy(event);
  t.is(event!.createdModseq, mail!.createdModseq, 'one commit, one modseq');
  t.deepEqual(woken.sort(), [
    [inbox, 'add'],
    [calendar, 'add'],
  ].sort());

  // An update replaces the event named; a write to a folder that is gone fails the whole delivery.
  await store.deliver([{ accountId: alice.id, raw: rawOf('Update'), docs: [{ folderId: calendar, itemId: event!.id, doc: doc('Moved', 'uid-i') }] }], parsed({ subject: 'Update' }));
  t.is(await store.countItems(alice.id, calendar), 1);
  t.regex(JSON.stringify((await store.getItem(alice.id, event!.id))?.kind === 'doc' && await store.getItem(alice.id, event!.id)), /Moved/);
  const before = await store.countItems(alice.id, inbox);
  await t.throwsAsync(async () => await store.deliver([{ accountId: alice.id, raw: rawOf('Bad'), docs: [{ folderId: 9999, itemId: null, doc: doc('x') }] }], parsed({ subject: 'Bad' })));
  t.is(await store.countItems(alice.id, inbox), before, 'the message was not stored either');
  const plain = await store.getItem(alice.id, (await store.deliver([{ accountId: alice.id, raw: rawOf('Plain') }], parsed({ subject: 'Plain' })))[0]!.itemId);
  t.is(plain?.kind === 'mail' ? plain.meeting : 'not mail', null);
});
