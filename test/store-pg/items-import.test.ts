// `mail import` on PostgreSQL (store/postgres/mail-import.ts): the expectations of
// test/import-mail/store-import.test.ts (one batch, one modseq; received time and flags kept;
// nothing twice, within a batch or across runs; 'import-add' reaches no waiter), and two runs of
// one import at once through two nodes putting each message in once.
import { createHash } from 'node:crypto';
import type { ChangeKind, ImportedMessage } from '../../store/types.js';
import { StoreError } from '../../store/types.js';
import { pgTest as test } from '../helpers/postgres.js';
import { mail } from '../helpers/items.js';
import { parsed } from '../store/helpers.js';
import { itemsFixture } from './items-fixture.js';

function imported(subject: string, read = false, flagged = false): ImportedMessage {
  const raw = Buffer.from(`From: old@example.net\r\nSubject: ${subject}\r\n\r\nbody of ${subject}\r\n`);
  return {
    raw,
    parsed: parsed({ subject, text: `body of ${subject}` }),
    receivedAt: '2020-01-02T03:04:05.000Z',
    read,
    flagged,
    digest: createHash('sha256').update(raw).digest(),
  };
}

test('a batch is one transaction: one modseq, received time and flags kept, nothing twice', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const folder = await f.folder(a.id, 'Old');
  const woken: ChangeKind[] = [];
  f.feed.subscribe(a.id, [folder], (_f, kind) => woken.push(kind));
  const head = await f.head(a.id);
  const batch = [imported('a', true, true), imported('b'), imported('a', true, true)];
  const done = await f.store.importMail(a.id, folder, batch, { push: false });
  t.is(done.itemIds.length, 2);
  t.is(done.skipped, 1, 'the same bytes twice in one batch go in once');
  t.is(await f.head(a.id), head + 1);
  const items = await f.store.listItems(a.id, folder);
  t.deepEqual(items.map((i) => [i.receivedAt, i.read, i.flag?.status ?? 0, i.createdModseq]).sort(), [
    ['2020-01-02T03:04:05.000Z', false, 0, head + 1],
    ['2020-01-02T03:04:05.000Z', true, 2, head + 1],
  ]);
  t.true((await f.store.getBody(a.id, done.itemIds[0]!))!.raw.equals(batch[0]!.raw));
  t.is(mail(await f.store.getItem(a.id, done.itemIds[1]!)).summary.subject, 'b');
  t.deepEqual(woken, [], 'a quiet import wakes nobody');
  t.deepEqual((await f.journal(a.id)).map((j) => j.kind), ['import-add', 'import-add']);
  t.true(await f.store.isImported(folder, batch[1]!.digest));
  t.false(await f.store.isImported(a.inbox, batch[1]!.digest), 'recorded per folder');

  const again = await f.store.importMail(a.id, folder, batch, { push: true });
  t.deepEqual(again, { itemIds: [], skipped: 3 });
  t.is(await f.head(a.id), head + 1, 'a batch with nothing new takes no modseq');
  const pushed = await f.store.importMail(a.id, folder, [imported('c')], { push: true });
  t.is(pushed.itemIds.length, 1);
  t.deepEqual(woken, ['add'], 'an import with --push wakes');
  const err = await t.throwsAsync(() => f.store.importMail(a.id, 999_999, [imported('d')], { push: false }), { instanceOf: StoreError });
  t.is(err?.code, 'no-such-folder');
});

test('the same import run twice at once through two nodes puts each message in once', async (t) => {
  const f = await itemsFixture(t);
  const other = f.node('node-b');
  const a = await f.account('alice@example.com');
  const folder = await f.folder(a.id, 'Old');
  const batch = Array.from({ length: 10 }, (_, i) => imported(`m${i}`));
  const [one, two] = await Promise.all([
    f.store.importMail(a.id, folder, batch, { push: false }),
    other.store.importMail(a.id, folder, batch, { push: false }),
  ]);
  t.deepEqual([one.itemIds.length, two.itemIds.length].sort(), [0, 10]);
  t.deepEqual([one.skipped, two.skipped].sort(), [0, 10]);
  t.is(await f.store.countItems(a.id, folder), 10);
});
