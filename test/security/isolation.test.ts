// Account isolation: for every command that takes an id, another account's id must behave
// exactly like an id that does not exist. Each request is made twice from fresh devices of
// alice in the same state, once with bob's id and once with a missing one; the two answers must
// be identical (status and body, with the two ids written the same). Bob's mailbox must come
// out untouched, and nothing of bob's message may reach alice's.

import test, { type ExecutionContext } from 'ava';
import { toXml } from '../../eas/wbxml/index.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType, type Store } from '../../store/types.js';
import { createEasClient, type EasClient, type EasResponse } from '../helpers/eas-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { syncRequest, cmd, moveRequest, estimateRequest } from '../eas-sync/wire.js';
import { mail } from '../helpers/items.js';

const PW = 'isolation-pw';
const SECRET = 'BOBSECRETWORD';
const MISSING = '999999';

interface World {
  s: TestServer;
  bob: { inbox: string; folder: string; item: string; serverId: string; fileReference: string };
  alice: { inbox: string; item: string; serverId: string; fileReference: string };
  fresh(version?: string): EasClient;
}

function message(to: string, subject: string, text: string): Buffer {
  return Buffer.from(
    [
      'From: someone@example.org', `To: ${to}`, `Subject: ${subject}`, 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain; charset=utf-8', '', text,
      '--b1', 'Content-Type: application/octet-stream; name="secret.bin"', 'Content-Transfer-Encoding: base64', '',
      Buffer.from(`${SECRET} attachment`).toString('base64'), '--b1--', '',
    ].join('\r\n'),
  );
}

async function snapshot(store: Store, address: string): Promise<string> {
  const account = (await store.findAccount(address))!;
  const folders = (await store.listFolders(account.id)).map((f) => ({ id: f.id, name: f.name, parent: f.parentId, type: f.type }));
  const items = [];
  for (const f of folders) {
    for (const i of await store.listItems(account.id, f.id)) items.push({ id: i.id, folder: f.id, read: i.read, flag: i.flag, subject: mail(i).summary.subject });
  }
  return JSON.stringify({ folders, items });
}

async function world(t: ExecutionContext): Promise<World> {
  const s = await startTestServer();
  t.teardown(() => s.stop());
  const alice = await s.addUser('alice@example.com', PW);
  const bob = await s.addUser('bob@example.com', PW);
  await s.server.deps.deliverLocal({ from: 'someone@example.org', to: ['alice@example.com'] }, message('alice@example.com', 'for alice', 'hello alice'));
  await s.server.deps.deliverLocal({ from: 'someone@example.org', to: ['bob@example.com'] }, message('bob@example.com', `for bob ${SECRET}`, `hello bob ${SECRET}`));
  const aInbox = (await s.store.folderByType(alice.id, FolderType.Inbox))!;
  const bInbox = (await s.store.folderByType(bob.id, FolderType.Inbox))!;
  const bFolder = await s.store.createFolder(bob.id, null, 'Bob private', FolderType.UserMail, null);
  const [aItem] = await s.store.listItems(alice.id, aInbox.id);
  const [bItem] = await s.store.listItems(bob.id, bInbox.id);
  let n = 0;
  return {
    s,
    bob: {
      inbox: String(bInbox.id),
      folder: String(bFolder.id),
      item: String(bItem!.id),
      serverId: `${bInbox.id}:${bItem!.id}`,
      fileReference: mail(bItem).attachments[0]!.fileReference,
    },
    alice: { inbox: String(aInbox.id), item: String(aItem!.id), serverId: `${aInbox.id}:${aItem!.id}`, fileReference: mail(aItem).attachments[0]!.fileReference },
    fresh: (version = '16.1') => createEasClient({ port: s.httpPort, user: 'alice@example.com', password: PW, deviceId: `ISO${++n}`, version }),
  };
}

/** The answer as a user-visible string, with the id used written as ID (its folder part as FID). */
function render(res: EasResponse, id: string, folderDiffers: boolean): string {
  let text = `${res.status} ${res.body ? toXml(res.body, { indent: '' }) : res.raw.toString('latin1')}`;
  text = text.replace(/<SyncKey>[^<]*<\/SyncKey>/g, '<SyncKey>K</SyncKey>');
  const exact = (s: string) => new RegExp(`(?<=[>:=" ])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[<:" ]|$)`, 'g');
  text = text.replace(exact(id), 'ID');
  if (folderDiffers && id.includes(':')) text = text.replace(exact(id.split(':')[0]!), 'FID');
  return text;
}

/** HTTP status and every Status value: what tells "found" from "not found". */
function outcomeOf(res: EasResponse): string {
  const xml = res.body ? toXml(res.body, { indent: '' }) : '';
  return `${res.status} ${res.raw.length > 0 && !res.body ? 'bytes' : ''}${[...xml.matchAll(/<(Status|Total)>(\d+)<\//g)].map((m) => `${m[1]}=${m[2]}`).join(',')}`;
}

/**
 * Runs `request` with bob's id and with a missing one, each from a fresh device prepared by
 * `prepare`, and asserts the answers are the same. With `own` (an id of alice's), also asserts
 * that alice's own id gets another answer: the request really reaches the lookup.
 */
async function same(
  t: ExecutionContext,
  w: World,
  name: string,
  ids: { bob: string; missing: string; own?: string },
  request: (c: EasClient, id: string) => Promise<EasResponse>,
  opts: { version?: string; prepare?: (c: EasClient) => Promise<void> } = {},
): Promise<void> {
  const folderDiffers = ids.bob.split(':')[0] !== ids.missing.split(':')[0];
  const answers: string[] = [];
  const outcomes: string[] = [];
  for (const id of [ids.bob, ids.missing, ...(ids.own !== undefined ? [ids.own] : [])]) {
    const c = w.fresh(opts.version);
    await opts.prepare?.(c);
    const res = await request(c, id);
    answers.push(render(res, id, folderDiffers));
    outcomes.push(outcomeOf(res));
  }
  t.is(answers[0], answers[1], name);
  if (process.env.ISO_DEBUG) t.log(name, answers.map((a) => a.slice(0, 300)), outcomes);
  if (ids.own !== undefined) t.not(outcomes[2], outcomes[1], `${name}: alice's own id is found (control)`);
  t.false(answers[0]!.includes(SECRET), `${name}: nothing of bob's message`);
}

const bobVsMissingFolder = (w: World) => ({ bob: w.bob.inbox, missing: MISSING, own: w.alice.inbox });

test('every command that takes an id treats another account\'s id as one that does not exist', async (t) => {
  t.timeout(120_000);
  const w = await world(t);
  const before = await snapshot(w.s.store, 'bob@example.com');
  const folderSync = async (c: EasClient) => void (await c.folderSync());
  const synced = async (c: EasClient): Promise<string> => {
    const first = await c.post('Sync', syncRequest([{ syncKey: '0', collectionId: w.alice.inbox }]));
    const key = first.body?.path('Collections', 'Collection')?.textOf('SyncKey') ?? '';
    const second = await c.post('Sync', syncRequest([{ syncKey: key, collectionId: w.alice.inbox }]));
    return second.body?.path('Collections', 'Collection')?.textOf('SyncKey') ?? '';
  };

  // Sync: a foreign CollectionId.
  await same(t, w, 'Sync CollectionId', bobVsMissingFolder(w), (c, id) => c.post('Sync', syncRequest([{ syncKey: '0', collectionId: id }])));
  // Sync: foreign ServerIds inside alice's own collection, in Fetch, Change and Delete.
  for (const [label, serverIds] of [
    ['bob\'s folder and item', { bob: w.bob.serverId, missing: `${MISSING}:${MISSING}` }],
    ['alice\'s folder, bob\'s item', { bob: `${w.alice.inbox}:${w.bob.item}`, missing: `${w.alice.inbox}:${MISSING}` }],
  ] as const) {
    for (const [op, build] of [
      ['Fetch', (id: string) => cmd.fetch(id)],
      ['Change', (id: string) => cmd.change(id, [el('Email:Read', '1')])],
      ['Delete', (id: string) => cmd.delete(id)],
    ] as const) {
      let key = '';
      // The control (alice's own item) only for Fetch: Change and Delete would alter it.
      const ids = op === 'Fetch' ? { ...serverIds, own: w.alice.serverId } : serverIds;
      await same(t, w, `Sync ${op} ServerId (${label})`, ids, (c, id) => c.post('Sync', syncRequest([{ syncKey: key, collectionId: w.alice.inbox, commands: [build(id)] }])), {
        prepare: async (c) => void (key = await synced(c)),
      });
    }
  }

  // ItemOperations: Fetch by ServerId (+CollectionId), by LongId, by FileReference; EmptyFolderContents.
  const itemOps = (...ops: WbxmlElement[]) => el('ItemOperations:ItemOperations', ops);
  await same(t, w, 'ItemOperations Fetch ServerId', { bob: w.bob.serverId, missing: `${MISSING}:${MISSING}`, own: w.alice.serverId }, (c, id) =>
    c.post('ItemOperations', itemOps(el('ItemOperations:Fetch', [el('ItemOperations:Store', 'Mailbox'), el('AirSync:CollectionId', id.split(':')[0]!), el('AirSync:ServerId', id)]))),
  );
  await same(t, w, 'ItemOperations Fetch ServerId in alice\'s collection', { bob: `${w.alice.inbox}:${w.bob.item}`, missing: `${w.alice.inbox}:${MISSING}` }, (c, id) =>
    c.post('ItemOperations', itemOps(el('ItemOperations:Fetch', [el('ItemOperations:Store', 'Mailbox'), el('AirSync:CollectionId', w.alice.inbox), el('AirSync:ServerId', id)]))),
  );
  await same(t, w, 'ItemOperations Fetch LongId', { bob: w.bob.serverId, missing: `${MISSING}:${MISSING}`, own: w.alice.serverId }, (c, id) =>
    c.post('ItemOperations', itemOps(el('ItemOperations:Fetch', [el('ItemOperations:Store', 'Mailbox'), el('Search:LongId', id)]))),
  );
  await same(t, w, 'ItemOperations Fetch FileReference', { bob: w.bob.fileReference, missing: `${MISSING}_1`, own: w.alice.fileReference }, (c, id) =>
    c.post('ItemOperations', itemOps(el('ItemOperations:Fetch', [el('ItemOperations:Store', 'Mailbox'), el('AirSyncBase:FileReference', id)]))),
  );
  await same(t, w, 'ItemOperations EmptyFolderContents', { bob: w.bob.folder, missing: MISSING }, (c, id) =>
    c.post('ItemOperations', itemOps(el('ItemOperations:EmptyFolderContents', [el('AirSync:CollectionId', id)]))),
  );
  await same(t, w, 'GetAttachment (12.1) AttachmentName', { bob: w.bob.fileReference, missing: `${MISSING}_1`, own: w.alice.fileReference }, (c, id) => c.post('GetAttachment', null, { params: { AttachmentName: id } }), { version: '12.1' });

  // MoveItems: bob's item out of bob's folder, and alice's item into bob's folder.
  await same(t, w, 'MoveItems SrcMsgId/SrcFldId', { bob: w.bob.serverId, missing: `${MISSING}:${MISSING}` }, (c, id) =>
    c.post('MoveItems', moveRequest([{ src: id, srcFolder: id.split(':')[0]!, dstFolder: w.alice.inbox }])),
  );
  await same(t, w, 'MoveItems DstFldId', bobVsMissingFolder(w), (c, id) =>
    c.post('MoveItems', moveRequest([{ src: w.alice.serverId, srcFolder: w.alice.inbox, dstFolder: id }])),
  );

  // GetItemEstimate and Ping on a foreign folder.
  await same(t, w, 'GetItemEstimate CollectionId', bobVsMissingFolder(w), (c, id) => c.post('GetItemEstimate', estimateRequest([{ syncKey: '1', collectionId: id }])));
  await same(t, w, 'Ping Folders', bobVsMissingFolder(w), (c, id) =>
    c.post('Ping', el('Ping:Ping', [el('Ping:HeartbeatInterval', 1), el('Ping:Folders', [el('Ping:Folder', [el('Ping:Id', id), el('Ping:Class', 'Email')])])])),
  );

  // Folder commands on a foreign folder (after a FolderSync, as a phone would).
  const fsKey = (c: EasClient) => c.folderSyncKey;
  await same(t, w, 'FolderUpdate ServerId', { bob: w.bob.folder, missing: MISSING }, (c, id) =>
    c.post('FolderUpdate', el('FolderHierarchy:FolderUpdate', [el('FolderHierarchy:SyncKey', fsKey(c)), el('FolderHierarchy:ServerId', id), el('FolderHierarchy:ParentId', '0'), el('FolderHierarchy:DisplayName', 'stolen')])), { prepare: folderSync },
  );
  await same(t, w, 'FolderUpdate ParentId', { bob: w.bob.folder, missing: MISSING }, async (c, id) => {
    const mine = await c.post('FolderCreate', el('FolderHierarchy:FolderCreate', [el('FolderHierarchy:SyncKey', fsKey(c)), el('FolderHierarchy:ParentId', '0'), el('FolderHierarchy:DisplayName', 'mine'), el('FolderHierarchy:Type', 12)]));
    const key = mine.body?.textOf('SyncKey') ?? '';
    const serverId = mine.body?.textOf('ServerId') ?? '';
    const res = await c.post('FolderUpdate', el('FolderHierarchy:FolderUpdate', [el('FolderHierarchy:SyncKey', key), el('FolderHierarchy:ServerId', serverId), el('FolderHierarchy:ParentId', id), el('FolderHierarchy:DisplayName', 'moved')]));
    await w.s.store.deleteFolder((await w.s.store.findAccount('alice@example.com'))!.id, Number(serverId), null);
    return res;
  }, { prepare: folderSync });
  await same(t, w, 'FolderCreate ParentId', { bob: w.bob.folder, missing: MISSING }, (c, id) =>
    c.post('FolderCreate', el('FolderHierarchy:FolderCreate', [el('FolderHierarchy:SyncKey', fsKey(c)), el('FolderHierarchy:ParentId', id), el('FolderHierarchy:DisplayName', 'inside'), el('FolderHierarchy:Type', 12)])), { prepare: folderSync },
  );
  await same(t, w, 'FolderDelete ServerId', { bob: w.bob.folder, missing: MISSING }, (c, id) =>
    c.post('FolderDelete', el('FolderHierarchy:FolderDelete', [el('FolderHierarchy:SyncKey', fsKey(c)), el('FolderHierarchy:ServerId', id)])), { prepare: folderSync },
  );

  // SmartReply / SmartForward with bob's message as the source (16.1 WBXML, 12.1 query form).
  const mime = (subject: string) => Buffer.from(`From: alice@example.com\r\nTo: alice@example.com\r\nSubject: ${subject}\r\n\r\nmy text\r\n`);
  for (const command of ['SmartReply', 'SmartForward'] as const) {
    let n = 0;
    const root = `ComposeMail:${command}`;
    await same(t, w, `${command} Source FolderId/ItemId`, { bob: w.bob.serverId, missing: `${MISSING}:${MISSING}`, own: w.alice.serverId }, (c, id) =>
      c.post(command, el(root, [el('ComposeMail:ClientId', `c${++n}`), el('ComposeMail:Source', [el('ComposeMail:FolderId', id.split(':')[0]!), el('ComposeMail:ItemId', id)]), el('ComposeMail:Mime', mime(`${command} by id`))])),
    );
    await same(t, w, `${command} Source LongId`, { bob: w.bob.serverId, missing: `${MISSING}:${MISSING}`, own: w.alice.serverId }, (c, id) =>
      c.post(command, el(root, [el('ComposeMail:ClientId', `l${++n}`), el('ComposeMail:Source', [el('ComposeMail:LongId', id)]), el('ComposeMail:Mime', mime(`${command} by long id`))])),
    );
    await same(t, w, `${command} (12.1) ItemId/CollectionId`, { bob: w.bob.serverId, missing: `${MISSING}:${MISSING}`, own: w.alice.serverId }, (c, id) =>
      c.post(command, mime(`${command} old form`), { contentType: 'message/rfc822', params: { ItemId: id, CollectionId: id.split(':')[0]! } }), { version: '12.1' },
    );
  }

  // Search: bob's folder as the scope, and bob's words anywhere.
  const search = (collectionId: string | null, words: string) =>
    el('Search:Search', [el('Search:Store', [el('Search:Name', 'Mailbox'), el('Search:Query', [el('Search:And', [collectionId !== null && el('AirSync:CollectionId', collectionId), el('Search:FreeText', words)])]), el('Search:Options', [el('Search:Range', '0-9')])])]);
  await same(t, w, 'Search CollectionId', bobVsMissingFolder(w), (c, id) => c.post('Search', search(id, 'hello')));
  const anywhere = await w.fresh().post('Search', search(null, SECRET));
  t.is(anywhere.body?.path('Response', 'Store')?.all('Result').filter((r) => r.children.length > 0).length, 0, 'bob\'s words are not found in alice\'s search');

  t.is(await snapshot(w.s.store, 'bob@example.com'), before, 'bob\'s mailbox is untouched');
  const alice = (await w.s.store.findAccount('alice@example.com'))!;
  for (const f of await w.s.store.listFolders(alice.id)) {
    for (const item of await w.s.store.listItems(alice.id, f.id)) {
      t.false((await w.s.store.getBody(alice.id, item.id))!.raw.includes(Buffer.from(SECRET)), `alice's ${mail(item).summary.subject} holds nothing of bob's`);
    }
  }
});
