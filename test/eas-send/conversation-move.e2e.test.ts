// ItemOperations Move of a conversation (MS-ASCMD 2.2.3.117.1, MS-ASCON 2.2.2.7; docs/clients.md
// rule 39) over real sockets: every message of the thread outside Sent Items lands in the
// destination, the other device's parked Ping on it is woken, both devices get the Deletes and
// Adds by Sync; bad destinations and unknown conversations get their Status.

import test from 'ava';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { createEasClient } from '../helpers/eas-client.js';
import { sendMail } from '../helpers/swaks.js';
import { mail } from '../helpers/items.js';
import { pushWorld, readPing, syncAll, syncOnce, waitParked, type PushWorld } from '../push/helpers.js';

async function deliver(w: PushWorld, subject: string, headers: string[]): Promise<void> {
  const args = headers.flatMap((h) => ['--header', h]);
  const r = await sendMail({ port: w.ts.smtpPort, to: 'alice@example.com', subject, body: `Body of ${subject}`, args });
  if (r.code !== 0) throw new Error(`swaks failed (${r.code}): ${r.stdout}${r.stderr}`);
}

function move(conversationId: Uint8Array | string, dstFldId: string, moveAlways = true): WbxmlElement {
  return el('ItemOperations:ItemOperations', [
    el('ItemOperations:Move', [
      el('ItemOperations:ConversationId', conversationId),
      el('ItemOperations:DstFldId', dstFldId),
      moveAlways && el('ItemOperations:Options', [el('ItemOperations:MoveAlways')]),
    ]),
  ]);
}

function moveAnswer(body: WbxmlElement | null): { status: number; id: WbxmlElement | undefined } {
  const m = body?.path('Response', 'Move');
  return { status: m?.intOf('Status') ?? NaN, id: m?.child('ConversationId') };
}

test('a conversation moved with ItemOperations Move ends up in the destination; the other device is woken', async (t) => {
  const w = await pushWorld(t);
  await deliver(w, 'Trip plan', ['Message-Id: <trip-1@example.net>']);
  await deliver(w, 'Re: Trip plan', ['Message-Id: <trip-2@example.net>', 'In-Reply-To: <trip-1@example.net>', 'References: <trip-1@example.net>']);
  await deliver(w, 'Unrelated', ['Message-Id: <other@example.net>']);

  const created = await w.phone.post('FolderCreate', el('FolderHierarchy:FolderCreate', [
    el('FolderHierarchy:SyncKey', w.phone.folderSyncKey),
    el('FolderHierarchy:ParentId', '0'),
    el('FolderHierarchy:DisplayName', 'Travel'),
    el('FolderHierarchy:Type', '12'),
  ]));
  const travel = created.body!.textOf('ServerId')!;
  await w.tablet.folderSync();

  // The phone learns the thread's ConversationId from its Inbox sync.
  const phoneInbox = await syncOnce(w.phone, w.inbox, '0');
  const inboxFull = await syncOnce(w.phone, w.inbox, phoneInbox.syncKey);
  const adds = inboxFull.response.body!.path('Collections', 'Collection', 'Commands')!.all('Add');
  const trip = adds.find((a) => a.path('ApplicationData')?.textOf('Email:Subject') === 'Trip plan')!;
  const conversation = trip.path('ApplicationData')!.child('Email2:ConversationId')!.opaque!;
  const reply = adds.find((a) => a.path('ApplicationData')?.textOf('Email:Subject') === 'Re: Trip plan')!;
  t.deepEqual(Buffer.from(reply.path('ApplicationData')!.child('Email2:ConversationId')!.opaque!), Buffer.from(conversation), 'one thread, one id');

  // The tablet has synced Travel and parks a Ping on it.
  const tabletTravel = await syncAll(w.tablet, travel);
  const parked = w.tablet.post('Ping', el('Ping:Ping', [
    el('Ping:HeartbeatInterval', 3000),
    el('Ping:Folders', [el('Ping:Folder', [el('Ping:Id', travel), el('Ping:Class', 'Email')])]),
  ]));
  await waitParked(w, w.tablet);

  const res = await w.phone.post('ItemOperations', move(conversation, travel));
  t.is(res.status, 200);
  t.is(res.body?.intOf('Status'), 1);
  const answer = moveAnswer(res.body);
  t.is(answer.status, 1);
  t.deepEqual(Buffer.from(answer.id!.opaque!), Buffer.from(conversation), 'the answer names the conversation');

  const woken = readPing(await parked);
  t.is(woken.status, 2);
  t.deepEqual(woken.folders, [travel]);

  const travelNow = (await w.ts.store.listItems(w.alice.id, Number(travel))).map((i) => mail(i).summary.subject).sort();
  t.deepEqual(travelNow, ['Re: Trip plan', 'Trip plan']);
  const inboxNow = (await w.ts.store.listItems(w.alice.id, Number(w.inbox))).map((i) => mail(i).summary.subject);
  t.deepEqual(inboxNow, ['Unrelated']);

  // Both devices learn it by Sync: the tablet gets the Adds in Travel, the phone the Deletes in its Inbox.
  const tabletAfter = await syncOnce(w.tablet, travel, tabletTravel.syncKey);
  t.deepEqual(tabletAfter.adds.map((a) => a.subject).sort(), ['Re: Trip plan', 'Trip plan']);
  const phoneAfter = await syncOnce(w.phone, w.inbox, inboxFull.syncKey);
  t.deepEqual(phoneAfter.deletes.sort(), [trip.textOf('ServerId'), reply.textOf('ServerId')].sort());
});

test('conversation Move: an unknown conversation or folder is 6, a destination that holds no mail is 156, below 14.0 it is 2', async (t) => {
  const w = await pushWorld(t);
  await deliver(w, 'Lonely', ['Message-Id: <lonely@example.net>']);
  const key = await syncOnce(w.phone, w.inbox, '0');
  const full = await syncOnce(w.phone, w.inbox, key.syncKey);
  const data = full.response.body!.path('Collections', 'Collection', 'Commands', 'Add', 'ApplicationData')!;
  const conversation = data.child('Email2:ConversationId')!.opaque!;
  const calendar = await w.phone.folderIdOfType(FolderType.Calendar);
  const trash = await w.phone.folderIdOfType(FolderType.DeletedItems);

  t.is(moveAnswer((await w.phone.post('ItemOperations', move(new Uint8Array(16), trash))).body).status, 6);
  t.is(moveAnswer((await w.phone.post('ItemOperations', move(conversation, '999999'))).body).status, 6);
  t.is(moveAnswer((await w.phone.post('ItemOperations', move(conversation, calendar))).body).status, 156);
  t.deepEqual((await w.ts.store.listItems(w.alice.id, Number(w.inbox))).map((i) => mail(i).summary.subject), ['Lonely'], 'nothing moved');

  const old = createEasClient({ port: w.ts.httpPort, user: 'alice@example.com', password: 'secret', deviceId: 'OLD0001', version: '12.1' });
  t.is(moveAnswer((await old.post('ItemOperations', move(conversation, trash))).body).status, 2, 'Move exists from 14.0');

  // Without MoveAlways the move is made all the same.
  t.is(moveAnswer((await w.phone.post('ItemOperations', move(conversation, trash, false))).body).status, 1);
  t.deepEqual((await w.ts.store.listItems(w.alice.id, Number(trash))).map((i) => mail(i).summary.subject), ['Lonely']);
});
