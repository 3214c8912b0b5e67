import test from 'ava';
import { parsed, rawOf, tempStore } from './helpers.js';

test('search finds by subject, sender, recipient and body words, newest first, per account', (t) => {
  const { store } = tempStore(t);
  const a = store.createAccount('alice@example.com', 'pw');
  const b = store.createAccount('bob@example.com', 'pw');
  const inbox = store.folderByType(a.id, 2)!.id;
  const archive = store.createFolder(a.id, null, 'Archive', 12, null).id;
  const put = (accountId: number, folderId: number | undefined, p: ReturnType<typeof parsed>) =>
    store.deliver([{ accountId, raw: rawOf(), ...(folderId ? { folderId } : {}) }], p)[0]!.itemId;

  const invoice = put(a.id, inbox, parsed({ subject: 'Invoice for May', text: 'Please pay' }));
  const lunch = put(a.id, archive, parsed({ subject: 'Lunch?', text: 'The invoice can wait', from: [{ name: 'Carol Smith', address: 'carol@example.org' }] }));
  const html = put(a.id, inbox, parsed({ subject: 'Newsletter', text: null, html: '<p>Crème <b>brûlée</b> recipe</p>' }));
  put(b.id, undefined, parsed({ subject: 'Invoice for Bob' }));

  const inv = store.search({ accountId: a.id, text: 'invoice', rangeStart: 0, rangeEnd: 9 });
  t.is(inv.total, 2);
  t.deepEqual(inv.items.map((i) => i.id), [lunch, invoice]);
  t.deepEqual(store.search({ accountId: a.id, text: 'INV', rangeStart: 0, rangeEnd: 9 }).items.map((i) => i.id), [lunch, invoice]);
  t.deepEqual(store.search({ accountId: a.id, text: 'invoice', folderId: inbox, rangeStart: 0, rangeEnd: 9 }).items.map((i) => i.id), [invoice]);
  t.deepEqual(store.search({ accountId: a.id, text: 'carol', rangeStart: 0, rangeEnd: 9 }).items.map((i) => i.id), [lunch]);
  t.deepEqual(store.search({ accountId: a.id, text: 'alice@example.com', rangeStart: 0, rangeEnd: 0 }).total, 3);
  t.is(store.search({ accountId: a.id, text: 'creme brulee', rangeStart: 0, rangeEnd: 9 }).total, 1);
  const paged = store.search({ accountId: a.id, text: 'invoice', rangeStart: 1, rangeEnd: 1 });
  t.is(paged.total, 2);
  t.deepEqual(paged.items.map((i) => i.id), [invoice]);
  t.is(store.search({ accountId: a.id, text: '"*) OR NOT (', rangeStart: 0, rangeEnd: 9 }).total, 0);
  t.is(store.search({ accountId: a.id, text: 'nothing-like-this', rangeStart: 0, rangeEnd: 9 }).total, 0);

  store.deleteItem(a.id, invoice, null);
  t.deepEqual(store.search({ accountId: a.id, text: 'invoice', rangeStart: 0, rangeEnd: 9 }).items.map((i) => i.id), [lunch]);
  store.removeAccount('bob@example.com');
  t.is(store.search({ accountId: b.id, text: 'invoice', rangeStart: 0, rangeEnd: 9 }).total, 0);
});
