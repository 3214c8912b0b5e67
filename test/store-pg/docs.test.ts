// Document items on PostgreSQL (store/postgres/docs.ts): the expectations of
// test/store/docs.test.ts for addDoc, replaceDoc, findDocByUid, upsertDocs and moves, and one
// only concurrent writers can show: two imports of one calendar at once (two nodes) add each
// UID once, because upsertDocs reads the UIDs under the account's lock.
import type { ChangeKind, DocInput } from '../../store/types.js';
import { pgTest as test } from '../helpers/postgres.js';
import { itemsFixture } from './items-fixture.js';

const FAR = '9999-12-31T23:59:59.999Z';

function doc(subject: string, uid: string | null = null, windowAt = FAR): DocInput {
  return { data: { v: 1, props: [{ tag: 'Calendar:Subject', text: subject }] }, uid, windowAt };
}

test('a document is added, read back as it was given, and journaled with the next modseq', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const before = await f.head(a.id);
  const item = await f.store.addDoc(a.id, a.calendar, doc('Dentist', 'uid-1', '2026-03-01T10:00:00Z'), null);
  t.is(item.kind, 'doc');
  t.deepEqual(item.data, { v: 1, props: [{ tag: 'Calendar:Subject', text: 'Dentist' }] });
  t.is(item.uid, 'uid-1');
  t.is(item.receivedAt, '2026-03-01T10:00:00.000Z');
  t.is(item.createdModseq, before + 1);
  t.deepEqual(await f.store.getItem(a.id, item.id), item);
  t.deepEqual(await f.store.findDocByUid(a.id, a.calendar, 'uid-1'), item);
  t.deepEqual(await f.store.findDocByUid(a.id, null, 'uid-1'), item);
  t.is(await f.store.findDocByUid(a.id, a.calendar, 'uid-2'), null);
  t.is(await f.store.findDocByUid(a.id, a.inbox, 'uid-1'), null, 'in another folder');
  t.is(await f.store.getBody(a.id, item.id), null, 'a document has no message body');
  t.is(await f.store.countItems(a.id, a.calendar), 1);
  t.deepEqual((await f.journal(a.id)).map((j) => [j.kind, j.item_id, j.modseq]), [['add', item.id, before + 1]]);
  await t.throwsAsync(() => f.store.addDoc(a.id, a.calendar, doc('x', null, 'not a date'), null), { message: /not a date/ });
  t.is(await f.head(a.id), before + 1, 'a refused document takes no modseq');
});

test('the feed fires after the commit: add for an added document, change for a replaced one, nothing for a no-op', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const seen: ChangeKind[] = [];
  f.feed.subscribe(a.id, [a.calendar], (_folder, kind) => seen.push(kind));
  const item = await f.store.addDoc(a.id, a.calendar, doc('A', 'u'), null);
  await f.store.replaceDoc(a.id, item.id, doc('B', 'u'), null);
  const modseq = (await f.store.getItem(a.id, item.id))!.modseq;
  const head = await f.head(a.id);
  const same = await f.store.replaceDoc(a.id, item.id, doc('B', 'u', '9999-12-31T23:59:59.999+00:00'), null);
  t.is(same!.modseq, modseq, 'the same content (the same time written otherwise) is no change');
  t.is(await f.head(a.id), head);
  t.deepEqual(seen, ['add', 'change']);
  t.is(await f.store.replaceDoc(a.id, 999_999, doc('x'), null), null);
});

test('a document moves to another folder with its content and UID; the old id is a tombstone', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const other = await f.folder(a.id, 'Work', 13);
  const item = await f.store.addDoc(a.id, a.calendar, doc('Meet', 'uid-m', '2026-01-01T00:00:00Z'), null);
  const moved = (await f.store.moveItem(a.id, item.id, other, null))!;
  t.is(moved.kind, 'doc');
  t.not(moved.id, item.id);
  t.deepEqual(moved.kind === 'doc' && moved.data, item.data);
  t.is(moved.kind === 'doc' && moved.uid, 'uid-m');
  t.is(moved.receivedAt, item.receivedAt);
  t.is(await f.store.getItem(a.id, item.id), null);
  t.is((await f.store.findDocByUid(a.id, null, 'uid-m'))?.id, moved.id);
});

test('upsertDocs adds, updates by UID and counts the unchanged, in one transaction: a bad entry writes nothing', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  t.deepEqual(await f.store.upsertDocs(a.id, a.calendar, [doc('A', 'a'), doc('B', 'b'), doc('no uid')], null), { added: 3, updated: 0, unchanged: 0 });
  t.deepEqual(await f.store.upsertDocs(a.id, a.calendar, [doc('A', 'a'), doc('B changed', 'b'), doc('C', 'c')], null), {
    added: 1,
    updated: 1,
    unchanged: 1,
  });
  t.is(await f.store.countItems(a.id, a.calendar), 4);
  const head = await f.head(a.id);
  t.deepEqual(await f.store.upsertDocs(a.id, a.calendar, [doc('A', 'a')], null), { added: 0, updated: 0, unchanged: 1 });
  t.is(await f.head(a.id), head, 'nothing new: no modseq');
  await t.throwsAsync(() => f.store.upsertDocs(a.id, a.calendar, [doc('D', 'd'), { ...doc('bad', 'e'), windowAt: 'not a date' }], null));
  t.is(await f.store.countItems(a.id, a.calendar), 4, 'nothing of the failed batch was written');
  t.is(await f.store.findDocByUid(a.id, a.calendar, 'd'), null);
  t.is(await f.head(a.id), head);
  await t.throwsAsync(() => f.store.upsertDocs(a.id, 999_999, [doc('x')], null), { message: /no folder/ });
});

test("documents are the account's own: another account's id or UID is not found", async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const b = await f.account('bob@example.com');
  const item = await f.store.addDoc(a.id, a.calendar, doc('private', 'uid-p'), null);
  t.is(await f.store.getItem(b.id, item.id), null);
  t.is(await f.store.replaceDoc(b.id, item.id, doc('hijack'), null), null);
  t.is(await f.store.findDocByUid(b.id, null, 'uid-p'), null);
  t.false(await f.store.deleteItem(b.id, item.id, null));
  await t.throwsAsync(() => f.store.addDoc(b.id, a.calendar, doc('x'), null), { message: /no folder/ });
  t.regex(JSON.stringify(await f.store.getItem(a.id, item.id)), /private/);
});

test('two nodes upserting the same calendar at once add each UID once', async (t) => {
  const f = await itemsFixture(t);
  const other = f.node('node-b');
  const a = await f.account('alice@example.com');
  const batch = Array.from({ length: 20 }, (_, i) => doc(`event ${i}`, `uid-${i}`));
  const [one, two] = await Promise.all([f.store.upsertDocs(a.id, a.calendar, batch, null), other.store.upsertDocs(a.id, a.calendar, batch, null)]);
  t.deepEqual([one, two].map((c) => c.added).sort(), [0, 20]);
  t.deepEqual([one, two].map((c) => c.unchanged).sort(), [0, 20]);
  t.is(await f.store.countItems(a.id, a.calendar), 20);
});
