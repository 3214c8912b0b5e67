// Drafts at 16.1 over real sockets (MS-ASEMAIL 3.1.5.3, MS-ASAIRS 2.2.2.7, MS-ASCMD 2.2.3.154):
// the attachments a draft Add or Change adds are answered with their ClientId and FileReference,
// one is removed by a later Change, email2:Send sends the draft with only the other; a draft
// added with Read, Flag and Categories is fetched back with them (docs/clients.md rules 37-38).

import test from 'ava';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { mail } from '../helpers/items.js';
import { diffTrees, fromTree, parseLibwbxmlXml, wbxml2xml } from '../wbxml/libwbxml.js';

const PASSWORD = 'correct horse battery';

async function boot(t: { teardown(fn: () => Promise<void> | void): void }): Promise<TestServer> {
  const server = await startTestServer({ enforceProvisioning: false });
  t.teardown(() => server.stop());
  await server.addUser('alice@example.test', PASSWORD);
  await server.addUser('bob@example.test', PASSWORD);
  return server;
}

function client(server: TestServer, deviceId: string): EasClient {
  return createEasClient({ port: server.httpPort, user: 'alice@example.test', password: PASSWORD, deviceId, version: '16.1' });
}

interface Synced {
  syncKey: string;
  collection: WbxmlElement;
  /** The answer's bytes as they came over the wire. */
  raw: Buffer;
}

/** One Sync of one collection, its Collection element and new key. */
async function sync(c: EasClient, collectionId: string, syncKey: string, commands: WbxmlElement[] = []): Promise<Synced> {
  const res = await c.post(
    'Sync',
    el('AirSync:Sync', [
      el('AirSync:Collections', [
        el('AirSync:Collection', [
          el('AirSync:SyncKey', syncKey),
          el('AirSync:CollectionId', collectionId),
          syncKey !== '0' && el('AirSync:GetChanges'),
          syncKey !== '0' &&
            el('AirSync:Options', [el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', '1'), el('AirSyncBase:TruncationSize', '100000')])]),
          commands.length > 0 && el('AirSync:Commands', commands),
        ]),
      ]),
    ]),
  );
  if (res.status !== 200) throw new Error(`Sync HTTP ${res.status}`);
  if (!res.body) return { syncKey, collection: el('AirSync:Collection', []), raw: res.raw };
  const collection = res.body.path('Collections', 'Collection');
  if (!collection) throw new Error('no Collection in the Sync answer');
  return { syncKey: collection.textOf('SyncKey') ?? syncKey, collection, raw: res.raw };
}

async function primed(c: EasClient, collectionId: string): Promise<string> {
  const first = await sync(c, collectionId, '0');
  return (await sync(c, collectionId, first.syncKey)).syncKey;
}

function attachment(clientId: string, name: string, content: string): WbxmlElement {
  return el('AirSyncBase:Add', [
    el('AirSyncBase:ClientId', clientId),
    el('AirSyncBase:Method', '1'),
    el('AirSyncBase:DisplayName', name),
    el('AirSyncBase:ContentType', 'text/plain'),
    el('AirSyncBase:Content', new Uint8Array(Buffer.from(content))),
  ]);
}

function responseAttachments(response: WbxmlElement | undefined): { clientId: string; fileReference: string }[] {
  return (response?.path('ApplicationData', 'Attachments')?.all('Attachment') ?? []).map((a) => ({
    clientId: a.textOf('ClientId') ?? '',
    fileReference: a.textOf('FileReference') ?? '',
  }));
}

async function fetchAttachment(c: EasClient, fileReference: string): Promise<{ status: number; data: string | null }> {
  const res = await c.post(
    'ItemOperations',
    el('ItemOperations:ItemOperations', [el('ItemOperations:Fetch', [el('ItemOperations:Store', 'Mailbox'), el('AirSyncBase:FileReference', fileReference)])]),
  );
  const fetch = res.body!.path('Response', 'Fetch')!;
  const data = fetch.path('Properties')?.textOf('Data');
  return { status: fetch.intOf('Status') ?? NaN, data: data === undefined ? null : Buffer.from(data, 'base64').toString() };
}

test('a 16.1 draft with two attachments: both FileReferences answered, one removed by a Change, the sent draft carries only the other', async (t) => {
  const server = await boot(t);
  const phone = client(server, 'phone1');
  const drafts = await phone.folderIdOfType(FolderType.Drafts);
  const key = await primed(phone, drafts);

  const added = await sync(phone, drafts, key, [
    el('AirSync:Add', [
      el('AirSync:ClientId', 'draft-1'),
      el('AirSync:ApplicationData', [
        el('Email:To', 'bob@example.test'),
        el('Email:Subject', 'Two files'),
        el('AirSyncBase:Body', [el('AirSyncBase:Type', '1'), el('AirSyncBase:Data', 'See attached.')]),
        el('AirSyncBase:Attachments', [attachment('att-a', 'a.txt', 'first file'), attachment('att-b', 'b.txt', 'second file')]),
      ]),
    ]),
  ]);
  const response = added.collection.path('Responses', 'Add');
  t.is(response?.intOf('Status'), 1);
  const libwbxml = parseLibwbxmlXml(wbxml2xml(added.raw));
  t.is(diffTrees(fromTree(el('AirSync:Sync', [el('AirSync:Collections', [added.collection])])), libwbxml), undefined, 'libwbxml reads the same answer');
  const serverId = response!.textOf('ServerId')!;
  t.truthy(serverId);
  const refs = responseAttachments(response);
  t.deepEqual(refs.map((r) => r.clientId), ['att-a', 'att-b']);
  t.true(refs.every((r) => r.fileReference.length > 0));
  t.deepEqual(await fetchAttachment(phone, refs[0]!.fileReference), { status: 1, data: 'first file' });
  t.deepEqual(await fetchAttachment(phone, refs[1]!.fileReference), { status: 1, data: 'second file' });

  // The phone removes a.txt by its FileReference: a successful Change with no attachment added
  // gets no Response.
  const removed = await sync(phone, drafts, added.syncKey, [
    el('AirSync:Change', [
      el('AirSync:ServerId', serverId),
      el('AirSync:ApplicationData', [el('AirSyncBase:Attachments', [el('AirSyncBase:Delete', [el('AirSyncBase:FileReference', refs[0]!.fileReference)])])]),
    ]),
  ]);
  t.is(removed.collection.intOf('Status'), 1);
  t.is(removed.collection.path('Responses', 'Change'), undefined);
  const account = (await server.store.findAccount('alice@example.test'))!;
  const stored = mail((await server.store.getItem(account.id, Number(serverId.split(':')[1])))!);
  t.deepEqual(stored.attachments.map((a) => a.fileName), ['b.txt']);

  // Then sends it: email2:Send on a Change (MS-ASEMAIL 2.2.2.69).
  const sent = await sync(phone, drafts, removed.syncKey, [el('AirSync:Change', [el('AirSync:ServerId', serverId), el('Email2:Send')])]);
  t.is(sent.collection.intOf('Status'), 1);
  t.is(sent.collection.path('Responses', 'Change'), undefined, 'a successful Change has no Response');

  const bob = (await server.store.findAccount('bob@example.test'))!;
  const inbox = (await server.store.folderByType(bob.id, FolderType.Inbox))!;
  const received = (await server.store.listItems(bob.id, inbox.id)).map(mail);
  t.deepEqual(received.map((m) => m.summary.subject), ['Two files']);
  t.deepEqual(received[0]!.attachments.map((a) => a.fileName), ['b.txt']);
  const sentItems = (await server.store.folderByType(account.id, FolderType.SentItems))!;
  t.deepEqual((await server.store.listItems(account.id, sentItems.id)).map((i) => mail(i).attachments.map((a) => a.fileName)), [['b.txt']]);

  // The draft has left Drafts: the sender is told with a Delete (in this answer or the next).
  const after = await sync(phone, drafts, sent.syncKey);
  const deletes = [sent, after].flatMap((r) => r.collection.path('Commands')?.all('Delete') ?? []).map((d) => d.textOf('ServerId'));
  t.deepEqual(deletes, [serverId]);
  t.deepEqual(await server.store.listItems(account.id, (await server.store.folderByType(account.id, FolderType.Drafts))!.id), []);
});

test('a Change that adds an attachment to a draft is answered with its ClientId and FileReference', async (t) => {
  const server = await boot(t);
  const phone = client(server, 'phone1');
  const drafts = await phone.folderIdOfType(FolderType.Drafts);
  const key = await primed(phone, drafts);
  const added = await sync(phone, drafts, key, [
    el('AirSync:Add', [el('AirSync:ClientId', 'd1'), el('AirSync:ApplicationData', [el('Email:Subject', 'Later a file')])]),
  ]);
  const serverId = added.collection.path('Responses', 'Add')!.textOf('ServerId')!;
  t.deepEqual(responseAttachments(added.collection.path('Responses', 'Add')), []);
  const changed = await sync(phone, drafts, added.syncKey, [
    el('AirSync:Change', [
      el('AirSync:ServerId', serverId),
      el('AirSync:ApplicationData', [el('AirSyncBase:Attachments', [attachment('late-1', 'late.txt', 'arrived later')])]),
    ]),
  ]);
  const response = changed.collection.path('Responses', 'Change');
  t.is(response?.textOf('ServerId'), serverId);
  t.is(response?.intOf('Status'), 1);
  const refs = responseAttachments(response);
  t.deepEqual(refs.map((r) => r.clientId), ['late-1']);
  t.deepEqual(await fetchAttachment(phone, refs[0]!.fileReference), { status: 1, data: 'arrived later' });

  // The answer was lost: the phone repeats the request with the same SyncKey. It is replayed,
  // with the same FileReference, and the attachment is not added twice.
  const retried = await sync(phone, drafts, added.syncKey, [
    el('AirSync:Change', [
      el('AirSync:ServerId', serverId),
      el('AirSync:ApplicationData', [el('AirSyncBase:Attachments', [attachment('late-1', 'late.txt', 'arrived later')])]),
    ]),
  ]);
  t.deepEqual(responseAttachments(retried.collection.path('Responses', 'Change')), refs);
  const account = (await server.store.findAccount('alice@example.test'))!;
  t.deepEqual(mail((await server.store.getItem(account.id, Number(serverId.split(':')[1])))!).attachments.map((a) => a.fileName), ['late.txt']);
});

test('a draft added with Read, Flag and Categories is fetched back with them on another device', async (t) => {
  const server = await boot(t);
  const phone = client(server, 'phone1');
  const tablet = client(server, 'tablet1');
  const drafts = await phone.folderIdOfType(FolderType.Drafts);
  await tablet.folderSync();
  const key = await primed(phone, drafts);
  const tabletKey = await primed(tablet, drafts);
  const added = await sync(phone, drafts, key, [
    el('AirSync:Add', [
      el('AirSync:ClientId', 'flagged'),
      el('AirSync:ApplicationData', [
        el('Email:To', 'bob@example.test'),
        el('Email:Subject', 'Follow this up'),
        el('Email:Read', '0'),
        el('Email:Flag', [el('Email:Status', '2'), el('Email:FlagType', 'Follow up')]),
        el('Email:Categories', [el('Email:Category', 'Work'), el('Email:Category', 'Urgent')]),
        el('AirSyncBase:Body', [el('AirSyncBase:Type', '1'), el('AirSyncBase:Data', 'Remember.')]),
      ]),
    ]),
  ]);
  const serverId = added.collection.path('Responses', 'Add')!.textOf('ServerId')!;
  const seen = await sync(tablet, drafts, tabletKey);
  const adds = seen.collection.path('Commands')?.all('Add') ?? [];
  t.deepEqual(adds.map((a) => a.textOf('ServerId')), [serverId]);
  const data = adds[0]!.child('ApplicationData')!;
  t.is(data.textOf('Email:Subject'), 'Follow this up');
  t.is(data.textOf('Email:Read'), '0');
  t.is(data.path('Email:Flag')?.textOf('Email:Status'), '2');
  t.is(data.path('Email:Flag')?.textOf('Email:FlagType'), 'Follow up');
  t.deepEqual(data.path('Email:Categories')?.all('Email:Category').map((c) => c.text), ['Work', 'Urgent']);

  // ItemOperations Fetch of the draft says the same.
  const fetched = await phone.post(
    'ItemOperations',
    el('ItemOperations:ItemOperations', [
      el('ItemOperations:Fetch', [el('ItemOperations:Store', 'Mailbox'), el('AirSync:CollectionId', drafts), el('AirSync:ServerId', serverId)]),
    ]),
  );
  const props = fetched.body!.path('Response', 'Fetch', 'Properties')!;
  t.is(props.path('Email:Flag')?.textOf('Email:Status'), '2');
  t.is(props.textOf('Email:Read'), '0');
});

test('email2:Send on the Add sends the new draft at once; a draft that cannot be sent is refused and not kept', async (t) => {
  const server = await boot(t);
  const phone = client(server, 'phone1');
  const drafts = await phone.folderIdOfType(FolderType.Drafts);
  const key = await primed(phone, drafts);
  const sent = await sync(phone, drafts, key, [
    el('AirSync:Add', [
      el('AirSync:ClientId', 'now'),
      el('AirSync:ApplicationData', [
        el('Email:To', 'bob@example.test'),
        el('Email:Subject', 'Straight out'),
        el('AirSyncBase:Body', [el('AirSyncBase:Type', '1'), el('AirSyncBase:Data', 'Hi Bob')]),
      ]),
      el('Email2:Send'),
    ]),
    el('AirSync:Add', [
      el('AirSync:ClientId', 'nobody'),
      el('AirSync:ApplicationData', [el('Email:Subject', 'No recipients')]),
      el('Email2:Send'),
    ]),
  ]);
  const [ok, refused] = sent.collection.path('Responses')!.all('Add');
  t.is(ok!.intOf('Status'), 1);
  t.is(refused!.intOf('Status'), 6);
  t.is(refused!.child('ServerId'), undefined);
  const bob = (await server.store.findAccount('bob@example.test'))!;
  const inbox = (await server.store.folderByType(bob.id, FolderType.Inbox))!;
  t.deepEqual((await server.store.listItems(bob.id, inbox.id)).map((i) => mail(i).summary.subject), ['Straight out']);
  const alice = (await server.store.findAccount('alice@example.test'))!;
  const draftsFolder = (await server.store.folderByType(alice.id, FolderType.Drafts))!;
  t.deepEqual(await server.store.listItems(alice.id, draftsFolder.id), [], 'neither draft stays in Drafts');
});
