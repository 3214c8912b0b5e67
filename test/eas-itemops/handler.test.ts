// ItemOperations called directly with a hand-built CommandContext over a real store.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { itemOperations } from '../../eas/commands/item-operations.js';
import { parseMultipart } from '../../eas/model/multipart-response.js';
import { decode } from '../../eas/wbxml/decode.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { fixture, tempMailbox } from '../eas-model/helpers.js';
import { contextFor, wbxmlOf } from './context.js';
import { mail, sid } from '../helpers/items.js';

const expectedBytes = JSON.parse(readFileSync(new URL('../fixtures/eas-model/attachment-bytes.json', import.meta.url), 'utf8')) as Record<string, string>;

const fetchByReference = (ref: string, options?: WbxmlElement[]) =>
  el('ItemOperations:ItemOperations', [
    el('ItemOperations:Fetch', [
      el('ItemOperations:Store', 'Mailbox'),
      el('AirSyncBase:FileReference', ref),
      options && el('ItemOperations:Options', options),
    ]),
  ]);

const fetchItem = (collectionId: string, serverId: string, options?: WbxmlElement[]) =>
  el('ItemOperations:ItemOperations', [
    el('ItemOperations:Fetch', [
      el('ItemOperations:Store', 'Mailbox'),
      el('AirSync:CollectionId', collectionId),
      el('AirSync:ServerId', serverId),
      options && el('ItemOperations:Options', options),
    ]),
  ]);

const fetchOf = (root: WbxmlElement) => {
  const f = root.path('Response', 'Fetch');
  if (!f) throw new Error('no Response/Fetch');
  return f;
};

test('an attachment is fetched byte-exact as base64 Data with its ContentType, without Range or Total', async (t) => {
  const box = await tempMailbox(t);
  const item = mail(await box.deliverFixture('attachments.eml'));
  for (const att of item.attachments) {
    const name = att.fileName.endsWith('.bin') ? 'blob' : att.fileName;
    if (!(name in expectedBytes)) continue;
    const root = wbxmlOf(await itemOperations.handler(await contextFor(box.store, box.account, fetchByReference(att.fileReference))));
    t.is(root.textOf('Status'), '1');
    const f = fetchOf(root);
    t.is(f.textOf('Status'), '1');
    t.is(f.textOf('AirSyncBase:FileReference'), att.fileReference);
    const props = f.child('Properties')!;
    t.is(props.textOf('AirSyncBase:ContentType'), att.contentType);
    t.false(props.has('Range'));
    t.false(props.has('Total'));
    t.is(props.textOf('Data'), expectedBytes[name], `${name} byte-exact`);
  }
});

test('Range: only the asked bytes, with Range and Total; a range past the end is Status 8', async (t) => {
  const box = await tempMailbox(t);
  const item = mail(await box.deliverFixture('attachments.eml'));
  const pdf = item.attachments.find((a) => a.fileName === 'report.pdf')!;
  const all = Buffer.from(expectedBytes['report.pdf']!, 'base64');
  const root = wbxmlOf(
    await itemOperations.handler(await contextFor(box.store, box.account, fetchByReference(pdf.fileReference, [el('ItemOperations:Range', '10-19')]))),
  );
  const props = fetchOf(root).child('Properties')!;
  t.is(props.textOf('Range'), '10-19');
  t.is(props.textOf('Total'), String(all.length));
  t.deepEqual(Buffer.from(props.textOf('Data')!, 'base64'), all.subarray(10, 20));

  const tail = wbxmlOf(
    await itemOperations.handler(await contextFor(box.store, box.account, fetchByReference(pdf.fileReference, [el('ItemOperations:Range', '1030-5000')]))),
  );
  t.is(fetchOf(tail).path('Properties')?.textOf('Range'), `1030-${all.length - 1}`);

  for (const bad of ['5000-6000', '9-3', 'abc']) {
    const r = wbxmlOf(await itemOperations.handler(await contextFor(box.store, box.account, fetchByReference(pdf.fileReference, [el('ItemOperations:Range', bad)]))));
    t.is(fetchOf(r).textOf('Status'), '8', bad);
  }
});

test('multipart: the WBXML is part 0 and the attachment bytes travel raw in the part its Part names', async (t) => {
  const box = await tempMailbox(t);
  const item = mail(await box.deliverFixture('attachments.eml'));
  const pdf = item.attachments.find((a) => a.fileName === 'report.pdf')!;
  const result = await itemOperations.handler(await contextFor(box.store, box.account, fetchByReference(pdf.fileReference), { acceptMultiPart: true }));
  if (result.kind !== 'bytes') return t.fail(`expected bytes, got ${result.kind}`);
  t.is(result.contentType, 'application/vnd.ms-sync.multipart');
  const parts = parseMultipart(result.body);
  t.is(parts.length, 2);
  const root = decode(parts[0]!);
  const props = fetchOf(root).child('Properties')!;
  t.false(props.has('Data'));
  t.is(props.textOf('Part'), '1');
  t.deepEqual(parts[1], Buffer.from(expectedBytes['report.pdf']!, 'base64'));
});

test('a mail item by CollectionId+ServerId: Class Email and the body type asked for', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('alternative.eml');
  const html = [el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 2)]), el('ItemOperations:Schema', [el('Email:Subject')])];
  const f = fetchOf(wbxmlOf(await itemOperations.handler(await contextFor(box.store, box.account, fetchItem(String(item.folderId), sid(item), html)))));
  t.is(f.textOf('Status'), '1');
  t.is(f.textOf('AirSync:CollectionId'), String(item.folderId));
  t.is(f.textOf('AirSync:ServerId'), sid(item));
  t.is(f.textOf('AirSync:Class'), 'Email');
  const props = f.child('Properties')!;
  t.is(props.textOf('Email:Subject'), 'Alternative');
  t.is(props.path('Body')?.textOf('Type'), '2');
  t.regex(props.path('Body')?.textOf('Data') ?? '', /<b>HTML<\/b>/);
  t.is(props.textOf('Email2:IsDraft'), '0', 'an Inbox item is no draft');
  t.is(props.textOf('Email2:ReceivedAsBcc'), undefined, 'alice is in To');

  const mime = [el('AirSync:MIMESupport', 2), el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 4)])];
  const m = fetchOf(wbxmlOf(await itemOperations.handler(await contextFor(box.store, box.account, fetchItem(String(item.folderId), sid(item), mime)))));
  t.is(m.path('Properties', 'Body')?.textOf('Type'), '4');
  t.regex(m.path('Properties', 'Body')?.textOf('Data') ?? '', /^[\s\S]*Content-Type: multipart\/alternative/);
});

test('a mail item body in a multipart answer: Body carries Part, the part the text', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('plain.eml');
  const opts = [el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 1)])];
  const result = await itemOperations.handler(
    await contextFor(box.store, box.account, fetchItem(String(item.folderId), sid(item), opts), { acceptMultiPart: true }),
  );
  if (result.kind !== 'bytes') return t.fail('expected a multipart answer');
  const parts = parseMultipart(result.body);
  const bodyEl = fetchOf(decode(parts[0]!)).path('Properties', 'Body')!;
  t.false(bodyEl.has('Data'));
  // MS-ASAIRS 2.2.2.9: Part takes the place of Data (after Truncated, before Preview).
  t.deepEqual(bodyEl.children.map((c) => c.tag), ['AirSyncBase:Type', 'AirSyncBase:EstimatedDataSize', 'ItemOperations:Part']);
  const index = Number(bodyEl.textOf('Part'));
  t.regex(parts[index]!.toString('utf8'), /^Hello Alice,\r\n/);
});

test("not found and another account's ids answer alike: 6 for items, 15 for FileReferences", async (t) => {
  const box = await tempMailbox(t);
  const bob = await box.store.createAccount('bob@example.com', 'bob-secret');
  const raw = fixture('attachments.eml');
  const mine = await box.deliverFixture('plain.eml');
  const [theirs] = await box.store.deliver([{ accountId: bob.id, raw }], await (await import('../../plugin/parse.js')).parseMessage(raw));
  const bobItem = mail(await box.store.getItem(bob.id, theirs!.itemId));
  const bobRef = bobItem.attachments[0]!.fileReference;

  const answer = async (req: WbxmlElement) => fetchOf(wbxmlOf(await itemOperations.handler(await contextFor(box.store, box.account, req))));
  const shape = (f: WbxmlElement) => f.children.map((c) => `${c.tag}${c.tag.endsWith('Status') ? `=${c.text}` : ''}`);

  const otherRef = await answer(fetchByReference(bobRef));
  const missingRef = await answer(fetchByReference('987654_1'));
  t.is(otherRef.textOf('Status'), '15');
  t.deepEqual(shape(otherRef), shape(missingRef));
  t.is((await answer(fetchByReference('../../etc/passwd'))).textOf('Status'), '15');

  const otherItem = await answer(fetchItem(String(bobItem.folderId), sid(bobItem)));
  const missingItem = await answer(fetchItem(String(mine.folderId), `${mine.folderId}:987654`));
  t.is(otherItem.textOf('Status'), '6');
  t.deepEqual(shape(otherItem), shape(missingItem));
  // A ServerId whose folder disagrees with the CollectionId is not guessed at.
  t.is((await answer(fetchItem(String(mine.folderId + 1), sid(mine)))).textOf('Status'), '6');
  t.is((await answer(fetchItem(String(mine.folderId), 'garbage'))).textOf('Status'), '6');
  // Bob's attachment is untouched and still his.
  t.truthy(await box.store.getAttachment(bob.id, bobRef));
});

test("Nine's real FileReference Fetch (RightsManagementSupport in Options) decodes and answers 15 for an unknown reference", async (t) => {
  const box = await tempMailbox(t);
  const request = decode(fixture('nine-itemops-filereference.wbxml'));
  const f = fetchOf(wbxmlOf(await itemOperations.handler(await contextFor(box.store, box.account, request))));
  t.is(f.textOf('Status'), '15');
  t.is(f.textOf('AirSyncBase:FileReference'), 'sgw-f7ecd1f1');
});

test('malformed requests: Status 2 (and 9 for a store other than Mailbox)', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('plain.eml');
  const run = async (req: WbxmlElement | null) => wbxmlOf(await itemOperations.handler(await contextFor(box.store, box.account, req)));

  t.is((await run(null)).textOf('Status'), '2');
  t.is((await run(el('ItemOperations:ItemOperations'))).textOf('Status'), '2');
  t.is((await run(el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', '0')]))).textOf('Status'), '2');

  const noId = await run(el('ItemOperations:ItemOperations', [el('ItemOperations:Fetch', [el('ItemOperations:Store', 'Mailbox')])]));
  t.is(noId.textOf('Status'), '1');
  t.is(fetchOf(noId).textOf('Status'), '2');

  const badPref = await run(fetchItem(String(item.folderId), sid(item), [el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 9)])]));
  t.is(fetchOf(badPref).textOf('Status'), '2');

  const docLib = await run(
    el('ItemOperations:ItemOperations', [
      el('ItemOperations:Fetch', [el('ItemOperations:Store', 'DocumentLibrary'), el('DocumentLibrary:LinkId', '\\\\server\\share\\x.txt')]),
    ]),
  );
  t.is(fetchOf(docLib).textOf('Status'), '9');
});

test('EmptyFolderContents empties the folder (and its subfolders with DeleteSubFolders); other accounts are untouched', async (t) => {
  const box = await tempMailbox(t);
  const { store, account } = box;
  const trash = (await store.folderByType(account.id, FolderType.DeletedItems))!;
  const sub = await store.createFolder(account.id, trash.id, 'Old', FolderType.UserMail, null);
  const parse = (await import('../../plugin/parse.js')).parseMessage;
  const raw = fixture('plain.eml');
  await store.deliver([{ accountId: account.id, raw, folderId: trash.id }], await parse(raw));
  await store.deliver([{ accountId: account.id, raw, folderId: trash.id }], await parse(raw));
  await store.deliver([{ accountId: account.id, raw, folderId: sub.id }], await parse(raw));
  const bob = await store.createAccount('bob@example.com', 'bob-secret');
  const bobTrash = (await store.folderByType(bob.id, FolderType.DeletedItems))!;
  await store.deliver([{ accountId: bob.id, raw, folderId: bobTrash.id }], await parse(raw));

  const empty = (collectionId: string, deleteSub: boolean) =>
    el('ItemOperations:ItemOperations', [
      el('ItemOperations:EmptyFolderContents', [
        el('AirSync:CollectionId', collectionId),
        deleteSub && el('ItemOperations:Options', [el('ItemOperations:DeleteSubFolders')]),
      ]),
    ]);
  const answer = async (req: WbxmlElement) =>
    wbxmlOf(await itemOperations.handler(await contextFor(store, account, req))).path('Response', 'EmptyFolderContents')!;

  const first = await answer(empty(String(trash.id), false));
  t.is(first.textOf('Status'), '1');
  t.is(first.textOf('AirSync:CollectionId'), String(trash.id));
  t.is(await store.countItems(account.id, trash.id), 0);
  t.truthy(await store.getFolder(account.id, sub.id), 'subfolder kept without DeleteSubFolders');

  t.is((await answer(empty(String(trash.id), true))).textOf('Status'), '1');
  t.falsy(await store.getFolder(account.id, sub.id), 'subfolder removed with DeleteSubFolders');

  t.is((await answer(empty(String(bobTrash.id), true))).textOf('Status'), '6');
  t.is((await answer(empty('999999', false))).textOf('Status'), '6');
  t.is(await store.countItems(bob.id, bobTrash.id), 1);
});

test('several operations: answers grouped Move, EmptyFolderContents, Fetch (MS-ASCMD 6.24); the Move of an unknown conversation is 6', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('plain.eml');
  const other = await box.deliverFixture('reply.eml');
  const trash = (await box.store.folderByType(box.account.id, FolderType.DeletedItems))!;
  const fetchOne = (i: typeof item) =>
    el('ItemOperations:Fetch', [el('ItemOperations:Store', 'Mailbox'), el('AirSync:CollectionId', String(i.folderId)), el('AirSync:ServerId', sid(i))]);
  // Request order mixes the kinds; the response schema is an xs:sequence of Move*, EmptyFolderContents*, Fetch*.
  const req = el('ItemOperations:ItemOperations', [
    fetchOne(item),
    el('ItemOperations:EmptyFolderContents', [el('AirSync:CollectionId', String(trash.id))]),
    el('ItemOperations:Move', [el('ItemOperations:ConversationId', new Uint8Array([1, 2, 3])), el('ItemOperations:DstFldId', '5')]),
    fetchOne(other),
  ]);
  const root = wbxmlOf(await itemOperations.handler(await contextFor(box.store, box.account, req)));
  t.deepEqual(root.children.map((c) => c.name), ['Status', 'Response']);
  const response = root.child('Response')!;
  t.deepEqual(response.children.map((c) => c.name), ['Move', 'EmptyFolderContents', 'Fetch', 'Fetch']);
  t.is(response.child('Move')?.textOf('Status'), '6');
  t.deepEqual(response.child('EmptyFolderContents')?.children.map((c) => c.tag), ['ItemOperations:Status', 'AirSync:CollectionId']);
  // Fetches keep the request's order among themselves.
  const fetches = response.all('Fetch');
  t.deepEqual(fetches.map((f) => f.textOf('AirSync:ServerId')), [sid(item), sid(other)]);
  // MS-ASCMD 6.24 Fetch: Status, CollectionId, ServerId, LongId, Class, LinkId, FileReference, Properties.
  t.deepEqual(fetches[0]!.children.map((c) => c.tag), [
    'ItemOperations:Status',
    'AirSync:CollectionId',
    'AirSync:ServerId',
    'AirSync:Class',
    'ItemOperations:Properties',
  ]);
});

test('a mail item by Search LongId (our LongId is the ServerId); a LongId of nothing is 6', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('plain.eml');
  const byLong = (longId: string) =>
    el('ItemOperations:ItemOperations', [el('ItemOperations:Fetch', [el('ItemOperations:Store', 'Mailbox'), el('Search:LongId', longId)])]);
  const f = fetchOf(wbxmlOf(await itemOperations.handler(await contextFor(box.store, box.account, byLong(sid(item))))));
  t.is(f.textOf('Status'), '1');
  t.is(f.textOf('Search:LongId'), sid(item));
  t.is(f.path('Properties')?.textOf('Email:Subject'), 'Plain hello');
  const missing = fetchOf(wbxmlOf(await itemOperations.handler(await contextFor(box.store, box.account, byLong(`${item.folderId}:999999`)))));
  t.is(missing.textOf('Status'), '6');
});
