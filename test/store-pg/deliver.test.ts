// Delivery on PostgreSQL (store/postgres/items.ts deliver, delivery-plan.ts, messages.ts), part by
// part: what the Store contract tests (test/store/deliver.test.ts, run on both stores) do not
// reach (the search index, the journal, documents and meetings written with the delivery), and
// what only a store with concurrent writers can show: recipients locked in id order (no deadlock
// between deliveries naming them in opposite orders), and a DeliveryPlan that reads under those
// locks (two invitations of one UID at once make one event, not two).
import type { ChangeKind, DeliveryPlan, DocInput, PlanView } from '../../store/types.js';
import { FolderType } from '../../store/types.js';
import { pgTest as test } from '../helpers/postgres.js';
import { mail } from '../helpers/items.js';
import { parsed, rawOf } from '../store/helpers.js';
import { itemsFixture } from './items-fixture.js';

test('a delivery is indexed for search in its own transaction', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const [d] = await f.store.deliver([{ accountId: a.id, raw: rawOf('Hello') }], parsed({ subject: 'Hello', text: 'plain body' }));
  const fts = await f.pool.query('SELECT 1 FROM messages_fts f JOIN items i ON i.message_id = f.message_id WHERE i.id = $1', [d!.itemId]);
  t.is(fts.rowCount, 1);
});

test('a delivery to several accounts journals one add per copy', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const b = await f.account('bob@example.com');
  const out = await f.store.deliver([{ accountId: b.id, raw: rawOf() }, { accountId: a.id, raw: rawOf() }, { accountId: a.id, raw: rawOf() }], parsed());
  t.deepEqual((await f.journal(a.id)).map((j) => [j.kind, j.item_id]), [['add', out[1]!.itemId], ['add', out[2]!.itemId]]);
});

const FAR = '9999-12-31T23:59:59.999Z';

function event(subject: string, uid: string): DocInput {
  return { data: { v: 1, props: [{ tag: 'Calendar:Subject', text: subject }] }, uid, windowAt: FAR };
}

/** The plan an invitation makes: its event in each recipient's calendar, replacing the one of its UID. */
function invitation(uid: string, subject: string, calls?: Map<number, PlanView>[]): DeliveryPlan {
  return {
    uid,
    plan(views) {
      calls?.push(new Map(views));
      const out = new Map<number, { meeting: unknown; docs: { folderId: number; itemId: number | null; doc: DocInput }[] }>();
      for (const [accountId, view] of views) {
        const calendar = view.folders.find((x) => x.type === FolderType.Calendar)!;
        out.set(accountId, {
          meeting: { messageClass: 'IPM.Schedule.Meeting.Request', uid },
          docs: [{ folderId: calendar.id, itemId: view.docByUid?.id ?? null, doc: event(subject, uid) }],
        });
      }
      return out;
    },
  };
}

test('a delivery writes its meeting and its documents in the same transaction, and wakes both folders', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const woken: [number, ChangeKind][] = [];
  f.feed.subscribe(a.id, [a.inbox, a.calendar], (folder, kind) => woken.push([folder, kind]));
  const meeting = { messageClass: 'IPM.Schedule.Meeting.Request', props: [] };
  const [d] = await f.store.deliver(
    [{ accountId: a.id, raw: rawOf('Invite'), meeting, docs: [{ folderId: a.calendar, itemId: null, doc: event('Invite', 'uid-i') }] }],
    parsed({ subject: 'Invite' }),
  );
  const item = await f.store.getItem(a.id, d!.itemId);
  t.deepEqual(mail(item).meeting, meeting);
  const ev = await f.store.findDocByUid(a.id, a.calendar, 'uid-i');
  t.truthy(ev);
  t.is(ev!.createdModseq, item!.createdModseq, 'one commit, one modseq');
  t.deepEqual(woken.sort(), [[a.inbox, 'add'], [a.calendar, 'add']].sort());

  // An update replaces the event named; a write to a folder that is gone fails the whole delivery.
  await f.store.deliver(
    [{ accountId: a.id, raw: rawOf('Update'), docs: [{ folderId: a.calendar, itemId: ev!.id, doc: event('Moved', 'uid-i') }] }],
    parsed({ subject: 'Update' }),
  );
  t.is(await f.store.countItems(a.id, a.calendar), 1);
  t.regex(JSON.stringify(await f.store.getItem(a.id, ev!.id)), /Moved/);
  const before = await f.store.countItems(a.id, a.inbox);
  await t.throwsAsync(() =>
    f.store.deliver([{ accountId: a.id, raw: rawOf('Bad'), docs: [{ folderId: 999_999, itemId: null, doc: event('x', 'x') }] }], parsed({ subject: 'Bad' })),
  );
  t.is(await f.store.countItems(a.id, a.inbox), before, 'the message was not stored either');
});

test('a DeliveryPlan sees each recipient once, with its folders and its document of the UID, and adds to the copies', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const b = await f.account('bob@example.com');
  const existing = await f.store.addDoc(b.id, b.calendar, event('Old', 'uid-p'), null);
  const calls: Map<number, PlanView>[] = [];
  const out = await f.store.deliver(
    [{ accountId: a.id, raw: rawOf() }, { accountId: b.id, raw: rawOf() }],
    parsed({ subject: 'Plan' }),
    invitation('uid-p', 'New'),
  );
  t.is(out.length, 2);
  // The plan ran inside (docs/store.md): both accounts' views, as the store has them.
  const plan = invitation('uid-p', 'Again', calls);
  await f.store.deliver([{ accountId: a.id, raw: rawOf() }, { accountId: b.id, raw: rawOf() }], parsed(), plan);
  const views = calls[0]!;
  t.deepEqual([...views.keys()].sort(), [a.id, b.id].sort());
  t.is(views.get(a.id)!.account.address, 'alice@example.com');
  t.deepEqual(views.get(a.id)!.folders.map((x) => x.id), [a.inbox, a.drafts, a.deleted, a.calendar]);
  t.is(views.get(b.id)!.docByUid?.id, existing.id, "bob's event of that UID");
  t.not(views.get(a.id)!.docByUid, null, 'alice got one from the first delivery');

  t.is(await f.store.countItems(b.id, b.calendar), 1, "bob's event was replaced, not doubled");
  t.regex(JSON.stringify(await f.store.getItem(b.id, existing.id)), /Again/);
  t.is(await f.store.countItems(a.id, a.calendar), 1, 'alice has one event, replaced by the second delivery');
  t.deepEqual(mail(await f.store.getItem(a.id, out[0]!.itemId)).meeting, { messageClass: 'IPM.Schedule.Meeting.Request', uid: 'uid-p' });

  const head = await f.head(a.id);
  const failing: DeliveryPlan = {
    uid: 'x',
    plan() {
      throw new Error('the plan refuses');
    },
  };
  await t.throwsAsync(() => f.store.deliver([{ accountId: a.id, raw: rawOf() }], parsed(), failing), { message: 'the plan refuses' });
  t.is(await f.head(a.id), head, 'a failing plan writes nothing');
});

test('invitations of one UID delivered at once through two nodes make one event: the plan reads under the lock', async (t) => {
  const f = await itemsFixture(t);
  const a = await f.account('alice@example.com');
  const other = f.node('node-b');
  const rounds = 6;
  await Promise.all(
    Array.from({ length: rounds }, (_, i) =>
      (i % 2 === 0 ? f.store : other.store).deliver([{ accountId: a.id, raw: rawOf(`Invite ${i}`) }], parsed(), invitation('uid-race', `v${i}`)),
    ),
  );
  t.is(await f.store.countItems(a.id, a.inbox), rounds);
  t.is(await f.store.countItems(a.id, a.calendar), 1, 'each plan saw the event the one before it wrote');
  const changes = (await f.journal(a.id)).filter((j) => j.folder_id === a.calendar).map((j) => j.kind);
  t.deepEqual(changes, ['add', ...Array<string>(rounds - 1).fill('change')]);
});

test('deliveries naming the same accounts in opposite orders neither deadlock nor lose a copy; modseqs follow commits', async (t) => {
  const f = await itemsFixture(t, 6);
  const other = f.node('node-b', 6);
  const a = await f.account('alice@example.com');
  const b = await f.account('bob@example.com');
  const rounds = 20;
  const results = await Promise.all(
    Array.from({ length: rounds }, (_, i) => {
      const order = i % 2 === 0 ? [a.id, b.id, a.id] : [b.id, a.id, b.id];
      return (i % 3 === 0 ? other.store : f.store).deliver(order.map((accountId) => ({ accountId, raw: rawOf() })), parsed());
    }),
  );
  t.is(results.flat().length, rounds * 3);
  // Every delivery took one modseq of each account, and no two took the same one.
  t.is(await f.head(a.id), rounds);
  t.is(await f.head(b.id), rounds);
  for (const account of [a.id, b.id]) {
    const journal = await f.journal(account);
    t.is(journal.length, rounds * 3 / 2);
    const modseqs = journal.map((j) => j.modseq);
    t.deepEqual(modseqs, [...modseqs].sort((x, y) => x - y), 'the journal is in modseq order: commits came in that order');
    t.is(new Set(modseqs).size, rounds);
  }
});
