// MS-ASEMAIL 2.2.2.44/45 LastVerbExecuted and LastVerbExecutionTime: after a SmartReply or
// SmartForward, every phone of the account (the sending one too) gets a Sync Change of the
// original carrying what was done (1 reply to sender, 2 reply to all, 3 forward) and when; a
// new phone's first Sync carries it in the Add. Below 14.0 the elements do not exist: a 12.1
// phone gets no such element. Real sockets, mail delivered with swaks.

import test from 'ava';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sendMail } from '../helpers/swaks.js';
import { syncAll, syncOnce } from '../push/helpers.js';

const PASSWORD = 'correct horse battery';
const BOB = 'bob@example.test';

function phone(server: TestServer, deviceId: string, version = '16.1'): EasClient {
  return createEasClient({ port: server.httpPort, user: BOB, password: PASSWORD, deviceId, version });
}

async function deliver(server: TestServer, subject: string, cc?: string): Promise<void> {
  const r = await sendMail({ port: server.smtpPort, from: 'alice@example.test', to: BOB, subject, body: 'Hello', ...(cc ? { args: ['--header', `Cc: ${cc}`] } : {}) });
  if (r.code !== 0) throw new Error(`swaks failed (${r.code}): ${r.stdout}${r.stderr}`);
}

function smart(kind: 'SmartReply' | 'SmartForward', inbox: string, serverId: string, clientId: string, headers: string): WbxmlElement {
  return el(`ComposeMail:${kind}`, [
    el('ComposeMail:ClientId', clientId),
    el('ComposeMail:SaveInSentItems'),
    el('ComposeMail:Source', [el('ComposeMail:FolderId', inbox), el('ComposeMail:ItemId', serverId)]),
    el('ComposeMail:Mime', new Uint8Array(Buffer.from(`From: ${BOB}\r\n${headers}\r\n\r\nMy answer.`))),
  ]);
}

/** The Change commands of a Sync answer, by ServerId: their ApplicationData. */
function changesOf(response: { body: WbxmlElement | null }): Map<string, WbxmlElement> {
  const commands = response.body?.path('Collections', 'Collection')?.child('Commands');
  return new Map((commands?.all('Change') ?? []).map((c) => [c.textOf('ServerId') ?? '', c.child('ApplicationData')!]));
}

test('SmartReply and SmartForward mark the original: every phone syncs LastVerbExecuted 1, 2 or 3 with the time', async (t) => {
  const server = await startTestServer({ enforceProvisioning: false });
  t.teardown(() => server.stop());
  for (const a of ['alice@example.test', BOB, 'carol@example.test']) await server.addUser(a, PASSWORD);
  await deliver(server, 'Just to you');
  await deliver(server, 'To you and Carol', 'carol@example.test');
  await deliver(server, 'Worth passing on');

  const sender = phone(server, 'PHONE1');
  const other = phone(server, 'PHONE2', '14.1');
  const old = phone(server, 'PHONE3', '12.1');
  const inbox = await sender.inboxId();
  const keys = new Map<EasClient, string>();
  let ids = new Map<string, string>();
  for (const p of [sender, other, old]) {
    const all = await syncAll(p, inbox);
    keys.set(p, all.syncKey);
    ids = new Map(all.adds.map((a) => [a.subject, a.serverId]));
  }
  t.is(ids.size, 3);

  const before = Date.now();
  const sent = [
    await sender.post('SmartReply', smart('SmartReply', inbox, ids.get('Just to you')!, 'r1', 'To: alice@example.test\r\nSubject: Re: Just to you')),
    // Carol was a recipient of the original: reply to all.
    await sender.post('SmartReply', smart('SmartReply', inbox, ids.get('To you and Carol')!, 'r2', 'To: alice@example.test\r\nCc: carol@example.test\r\nSubject: Re: To you and Carol')),
    await sender.post('SmartForward', smart('SmartForward', inbox, ids.get('Worth passing on')!, 'f1', 'To: carol@example.test\r\nSubject: Fw: Worth passing on')),
  ];
  for (const r of sent) t.is(r.raw.length, 0, 'sent: an empty 200');
  const after = Date.now();

  const expected = new Map([
    [ids.get('Just to you')!, 1],
    [ids.get('To you and Carol')!, 2],
    [ids.get('Worth passing on')!, 3],
  ]);
  for (const p of [sender, other]) {
    const next = await syncOnce(p, inbox, keys.get(p)!);
    t.is(next.status, 1);
    const changes = changesOf(next.response);
    t.deepEqual([...changes.keys()].sort(), [...expected.keys()].sort(), 'a Change of each original');
    for (const [serverId, verb] of expected) {
      const data = changes.get(serverId)!;
      t.is(data.intOf('Email2:LastVerbExecuted'), verb, `${serverId}: verb`);
      const at = Date.parse(data.textOf('Email2:LastVerbExecutionTime') ?? '');
      t.true(at >= before - 1000 && at <= after + 1000, `${serverId}: LastVerbExecutionTime is the send's time`);
    }
  }
  // 12.1 has no such element: the Change (if any) carries none of it.
  const legacy = await syncOnce(old, inbox, keys.get(old)!);
  for (const data of changesOf(legacy.response).values()) t.false(data.has('Email2:LastVerbExecuted'));

  // A phone syncing from scratch sees the verb in the Add.
  const fresh = phone(server, 'PHONE4');
  let key = (await syncOnce(fresh, inbox, '0')).syncKey;
  const first = await syncOnce(fresh, inbox, key);
  key = first.syncKey;
  const adds = first.response.body?.path('Collections', 'Collection')?.child('Commands')?.all('Add') ?? [];
  const verbs = new Map(adds.map((a) => [a.textOf('ServerId') ?? '', a.child('ApplicationData')?.intOf('Email2:LastVerbExecuted')]));
  for (const [serverId, verb] of expected) t.is(verbs.get(serverId), verb);
});
