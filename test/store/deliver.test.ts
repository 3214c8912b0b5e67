import test from 'ava';
import { StoreError, type ChangeKind } from '../../store/index.js';
import { storeSqlTest, storeTest } from './contract/store-test.js';
import { parsed, rawOf, tempStore } from './helpers.js';
import { mail, sid } from '../helpers/items.js';

storeTest('deliver stores the raw bytes exactly and the summary', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const raw = Buffer.concat([rawOf('Hello'), Buffer.from([0xff, 0x00, 0xfe])]);
  const msg = parsed({ subject: 'Hello', text: 'plain body', html: '<p>html body</p>', importance: 2 });
  const [d] = await store.deliver([{ accountId: a.id, raw }], msg);
  const inbox = (await store.folderByType(a.id, 2))!;
  t.deepEqual(d, { accountId: a.id, folderId: inbox.id, itemId: d!.itemId });

  const item = mail(await store.getItem(a.id, d!.itemId));
  t.is(sid(item), `${inbox.id}:${d!.itemId}`);
  t.is(item.summary.subject, 'Hello');
  t.is(item.summary.importance, 2);
  t.deepEqual(item.summary.from, [{ name: 'Bob Sender', address: 'bob@example.net' }]);
  t.is(item.size, raw.length);
  t.false(item.read);
  t.is(item.flag, null);
  t.deepEqual(item.categories, []);
  t.is(item.deletedModseq, null);
  t.is(item.meeting, null);
  t.is(item.createdModseq, await store.headModseq(a.id));

  const body = (await store.getBody(a.id, d!.itemId))!;
  t.true(body.raw.equals(raw));
  t.is(body.text, 'plain body');
  t.is(body.html, '<p>html body</p>');
  t.deepEqual((await store.listItems(a.id, inbox.id)).map((i) => i.id), [d!.itemId]);
  t.is(await store.countItems(a.id, inbox.id), 1);
});

storeTest('deliver to several accounts is one transaction with one modseq per account', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const b = await store.createAccount('bob@example.com', 'pw');
  const headA = await store.headModseq(a.id);
  const out = await store.deliver([{ accountId: b.id, raw: rawOf() }, { accountId: a.id, raw: rawOf() }, { accountId: a.id, raw: rawOf() }], parsed());
  t.deepEqual(out.map((d) => d.accountId), [b.id, a.id, a.id], 'copies come back in the order given');
  t.is(await store.headModseq(a.id), headA + 1);
  t.is((await store.getItem(a.id, out[1]!.itemId))?.createdModseq, headA + 1);
  t.is((await store.getItem(a.id, out[2]!.itemId))?.createdModseq, headA + 1);
  t.truthy(await store.getItem(b.id, out[0]!.itemId));
});

storeSqlTest('a failure in the middle of a delivery stores nothing and wakes nobody', async (t, { store, count }) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const b = await store.createAccount('bob@example.com', 'pw');
  const inboxA = (await store.folderByType(a.id, 2))!.id;
  const events: unknown[] = [];
  store.feed.subscribe(a.id, [inboxA], (f, k) => events.push([f, k]));
  const headA = await store.headModseq(a.id);

  const err = await t.throwsAsync(
    async () =>
      await store.deliver(
        [
          { accountId: a.id, raw: rawOf() },
          { accountId: b.id, raw: rawOf(), folderId: inboxA }, // alice's folder: not bob's
          { accountId: a.id, raw: rawOf() },
        ],
        parsed(),
      ),
    { instanceOf: StoreError },
  );
  t.is(err?.code, 'no-such-folder');
  t.deepEqual(events, []);
  t.is(await store.countItems(a.id, inboxA), 0);
  t.is(await store.headModseq(a.id), headA);
  t.is(await count('messages'), 0, 'no message row left behind');
  t.is((await t.throwsAsync(async () => await store.deliver([{ accountId: 999, raw: rawOf() }], parsed()), { instanceOf: StoreError }))?.code, 'no-such-account');
});

storeTest('the feed fires once per committed delivery, after commit, with the row readable', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const b = await store.createAccount('bob@example.com', 'pw');
  const inbox = (await store.folderByType(a.id, 2))!.id;
  const drafts = (await store.folderByType(a.id, 3))!.id;
  const seen: { folderId: number; kind: ChangeKind; visible: number }[] = [];
  // The listener starts its read when called (after the commit); the read itself is a round trip
  // on PostgreSQL, so the checks wait for the reads the listener started, not for a turn.
  const reads: Promise<void>[] = [];
  const unsubscribe = store.feed.subscribe(a.id, [inbox], (folderId, kind) => {
    reads.push(store.countItems(a.id, folderId).then((visible) => void seen.push({ folderId, kind, visible })));
  });
  const settled = async (): Promise<void> => {
    await Promise.all(reads);
  };
  const other: unknown[] = [];
  store.feed.subscribe(a.id, [drafts], () => other.push('drafts'));
  store.feed.subscribe(b.id, [(await store.folderByType(b.id, 2))!.id], () => other.push('bob'));

  await store.deliver([{ accountId: a.id, raw: rawOf() }], parsed());
  t.is(reads.length, 1, 'the listener was called before deliver resolved');
  await settled();
  t.deepEqual(seen, [{ folderId: inbox, kind: 'add', visible: 1 }]);
  await store.deliver([{ accountId: a.id, raw: rawOf() }, { accountId: a.id, raw: rawOf() }], parsed());
  await settled();
  t.is(seen.length, 2, 'one event for two copies in one folder');
  t.deepEqual(other, []);
  t.is(store.feed.size(), 3);
  unsubscribe();
  unsubscribe();
  t.is(store.feed.size(), 2);
  await store.deliver([{ accountId: a.id, raw: rawOf() }], parsed());
  await settled();
  t.is(seen.length, 2);
});

test('a listener that throws breaks neither the write nor the other listeners', async (t) => {
  const errors: unknown[] = [];
  const { store } = tempStore(t, { onListenerError: (e) => errors.push(e) });
  const a = await store.createAccount('alice@example.com', 'pw');
  const inbox = (await store.folderByType(a.id, 2))!.id;
  let woken = 0;
  store.feed.subscribe(a.id, [inbox], () => {
    throw new Error('boom');
  });
  store.feed.subscribe(a.id, [inbox], () => woken++);
  const [d] = await store.deliver([{ accountId: a.id, raw: rawOf() }], parsed());
  t.truthy(await store.getItem(a.id, d!.itemId));
  t.is(woken, 1);
  t.is(errors.length, 1);
});

storeTest('a listener may unsubscribe itself and others while being called', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const inbox = (await store.folderByType(a.id, 2))!.id;
  const calls: string[] = [];
  const offs: (() => void)[] = [];
  for (const name of ['x', 'y', 'z']) {
    offs.push(
      store.feed.subscribe(a.id, [inbox], () => {
        calls.push(name);
        for (const off of offs) off();
      }),
    );
  }
  await store.deliver([{ accountId: a.id, raw: rawOf() }], parsed());
  t.is(store.feed.size(), 0);
  t.deepEqual(calls, ['x']);
});

storeTest('another account\'s ids behave as not found', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const b = await store.createAccount('bob@example.com', 'pw');
  const msg = parsed({ hasAttachments: true });
  msg.attachments = [{ fileName: 'a.txt', contentType: 'text/plain', contentId: null, inline: false, content: Buffer.from('xyz') }];
  const [d] = await store.deliver([{ accountId: a.id, raw: rawOf() }], msg);
  const item = mail(await store.getItem(a.id, d!.itemId));
  const ref = item.attachments[0]!.fileReference;
  const inboxA = (await store.folderByType(a.id, 2))!.id;

  t.is(await store.getItem(b.id, item.id), null);
  t.is(await store.getBody(b.id, item.id), null);
  t.is(await store.getAttachment(b.id, ref), null);
  t.is(await store.getFolder(b.id, inboxA), null);
  t.deepEqual(await store.listItems(b.id, inboxA), []);
  t.is(await store.countItems(b.id, inboxA), 0);
  t.is(await store.updateItem(b.id, item.id, { read: true }, null), null);
  t.false(await store.deleteItem(b.id, item.id, null));
  t.is(await store.moveItem(b.id, item.id, (await store.folderByType(b.id, 4))!.id, null), null);
  t.is((await t.throwsAsync(async () => await store.moveItem(a.id, item.id, (await store.folderByType(b.id, 4))!.id, null), { instanceOf: StoreError }))?.code, 'no-such-folder');
  t.false((await store.getItem(a.id, item.id))!.read);
  t.truthy(await store.getItem(a.id, item.id));
});

storeTest('attachments are stored as rows with URL-safe unique file references', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const msg = parsed({ hasAttachments: true });
  const pdf = Buffer.from('%PDF-1.4 binary \x00\x01\xff');
  msg.attachments = [
    { fileName: 'report.pdf', contentType: 'application/pdf', contentId: null, inline: false, content: pdf },
    { fileName: 'logo.png', contentType: 'image/png', contentId: 'logo@x', inline: true, content: Buffer.from([1, 2, 3]) },
  ];
  const [d1, d2] = await store.deliver([{ accountId: a.id, raw: rawOf() }, { accountId: a.id, raw: rawOf() }], msg);
  const i1 = mail(await store.getItem(a.id, d1!.itemId));
  const i2 = mail(await store.getItem(a.id, d2!.itemId));
  t.deepEqual(
    i1.attachments.map((x) => [x.index, x.fileName, x.contentType, x.contentId, x.inline, x.size]),
    [
      [1, 'report.pdf', 'application/pdf', null, false, pdf.length],
      [2, 'logo.png', 'image/png', 'logo@x', true, 3],
    ],
  );
  const refs = [...i1.attachments, ...i2.attachments].map((x) => x.fileReference);
  t.is(new Set(refs).size, 4);
  for (const r of refs) t.regex(r, /^[A-Za-z0-9_-]+$/);
  // A page of items carries every message's attachments.
  const inbox = (await store.folderByType(a.id, 2))!.id;
  const listed = (await store.listItems(a.id, inbox)).map(mail);
  t.deepEqual(listed.map((i) => i.attachments.map((x) => x.fileReference)), [i2, i1].map((i) => i.attachments.map((x) => x.fileReference)));
  const got = (await store.getAttachment(a.id, i1.attachments[0]!.fileReference))!;
  t.true(got.content.equals(pdf));
  t.is(got.fileName, 'report.pdf');
  t.is(await store.getAttachment(a.id, 'nonsense'), null);
  t.is(await store.getAttachment(a.id, '999999_1'), null);
});

storeTest('listItems is newest first and honours the limit', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const inbox = (await store.folderByType(a.id, 2))!.id;
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) ids.push((await store.deliver([{ accountId: a.id, raw: rawOf() }], parsed()))[0]!.itemId);
  t.deepEqual((await store.listItems(a.id, inbox)).map((i) => i.id), [...ids].reverse());
  t.deepEqual((await store.listItems(a.id, inbox, 2)).map((i) => i.id), [ids[2], ids[1]]);
  t.deepEqual(await store.listItems(a.id, inbox, 0), []);
});
