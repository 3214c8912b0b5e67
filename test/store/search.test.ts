import { storeTest } from './contract/store-test.js';
import { parsed, rawOf } from './helpers.js';

storeTest('search finds by subject, sender, recipient and body words, newest first, per account', async (t, store) => {
  const a = await store.createAccount('alice@example.com', 'pw');
  const b = await store.createAccount('bob@example.com', 'pw');
  const inbox = (await store.folderByType(a.id, 2))!.id;
  const archive = (await store.createFolder(a.id, null, 'Archive', 12, null)).id;
  const put = async (accountId: number, folderId: number | undefined, p: ReturnType<typeof parsed>) =>
    (await store.deliver([{ accountId, raw: rawOf(), ...(folderId ? { folderId } : {}) }], p))[0]!.itemId;

  const invoice = await put(a.id, inbox, parsed({ subject: 'Invoice for May', text: 'Please pay' }));
  const lunch = await put(a.id, archive, parsed({ subject: 'Lunch?', text: 'The invoice can wait', from: [{ name: 'Carol Smith', address: 'carol@example.org' }] }));
  const html = await put(a.id, inbox, parsed({ subject: 'Newsletter', text: null, html: '<p>Crème <b>brûlée</b> recipe</p>' }));
  await put(b.id, undefined, parsed({ subject: 'Invoice for Bob' }));

  const inv = await store.search({ accountId: a.id, text: 'invoice', rangeStart: 0, rangeEnd: 9 });
  t.is(inv.total, 2);
  t.deepEqual(inv.items.map((i) => i.id), [lunch, invoice]);
  t.deepEqual((await store.search({ accountId: a.id, text: 'INV', rangeStart: 0, rangeEnd: 9 })).items.map((i) => i.id), [lunch, invoice]);
  t.deepEqual((await store.search({ accountId: a.id, text: 'invoice', folderId: inbox, rangeStart: 0, rangeEnd: 9 })).items.map((i) => i.id), [invoice]);
  t.deepEqual((await store.search({ accountId: a.id, text: 'carol', rangeStart: 0, rangeEnd: 9 })).items.map((i) => i.id), [lunch]);
  t.deepEqual((await store.search({ accountId: a.id, text: 'alice@example.com', rangeStart: 0, rangeEnd: 0 })).total, 3);
  t.is((await store.search({ accountId: a.id, text: 'creme brulee', rangeStart: 0, rangeEnd: 9 })).total, 1);
  const paged = await store.search({ accountId: a.id, text: 'invoice', rangeStart: 1, rangeEnd: 1 });
  t.is(paged.total, 2);
  t.deepEqual(paged.items.map((i) => i.id), [invoice]);
  t.is((await store.search({ accountId: a.id, text: '"*) OR NOT (', rangeStart: 0, rangeEnd: 9 })).total, 0);
  t.is((await store.search({ accountId: a.id, text: 'nothing-like-this', rangeStart: 0, rangeEnd: 9 })).total, 0);

  await store.deleteItem(a.id, invoice, null);
  t.deepEqual((await store.search({ accountId: a.id, text: 'invoice', rangeStart: 0, rangeEnd: 9 })).items.map((i) => i.id), [lunch]);
  await store.removeAccount('bob@example.com');
  t.is((await store.search({ accountId: b.id, text: 'invoice', rangeStart: 0, rangeEnd: 9 })).total, 0);
});
