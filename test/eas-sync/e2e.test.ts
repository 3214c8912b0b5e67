// Sync, GetItemEstimate and MoveItems end to end: mail goes in with the real swaks over SMTP,
// phones read it with a real EAS client over HTTP, all on port 0 with a fresh data dir.

import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sendMail } from '../helpers/swaks.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { decode, encode } from '../../eas/wbxml/index.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import {
  bodyData,
  bodyPreference,
  cmd,
  collectionsOf,
  estimateRequest,
  estimatesOf,
  moveRequest,
  movesOf,
  onlyCollection,
  options,
  syncRequest,
  type CollectionSpec,
} from './wire.js';

const PASSWORD = 'correct horse battery';
const FIXTURES = new URL('../fixtures/eas-sync/', import.meta.url);

interface Env {
  srv: TestServer;
  phone(deviceId: string, version?: string): EasClient;
  mail(subject: string, extra?: { body?: string; attach?: string[]; args?: string[] }): Promise<void>;
}

async function env(t: { teardown(fn: () => Promise<void> | void): void }): Promise<Env> {
  const srv = await startTestServer();
  t.teardown(() => srv.stop());
  await srv.addUser('alice@example.com', PASSWORD);
  return {
    srv,
    phone: (deviceId, version = '16.1') =>
      createEasClient({ port: srv.httpPort, user: 'alice@example.com', password: PASSWORD, deviceId, version }),
    async mail(subject, extra = {}) {
      const res = await sendMail({
        port: srv.smtpPort,
        to: 'alice@example.com',
        from: 'bob@example.org',
        subject,
        body: extra.body ?? `Body of ${subject}`,
        attach: extra.attach ?? [],
        args: ['--header', 'From: Bob Sender <bob@example.org>', '--header', 'To: Alice <alice@example.com>', ...(extra.args ?? [])],
      });
      if (res.code !== 0) throw new Error(`swaks failed (${res.code}): ${res.stdout.slice(-500)}`);
    },
  };
}

async function syncOf(phone: EasClient, specs: CollectionSpec[], extra?: Parameters<typeof syncRequest>[1]) {
  const res = await phone.post('Sync', syncRequest(specs, extra));
  if (res.status !== 200) throw new Error(`Sync answered HTTP ${res.status}`);
  return res;
}

/** SyncKey 0 then the first page with `prefs`; returns the answer of the page. */
async function initial(phone: EasClient, collectionId: string, prefs: WbxmlElement[] = [bodyPreference(1)], windowSize?: number) {
  const zero = onlyCollection((await syncOf(phone, [{ syncKey: '0', collectionId }])).body);
  const res = await syncOf(phone, [{ syncKey: zero.syncKey, collectionId, windowSize, options: [options(0, ...prefs)] }]);
  return res.body ? onlyCollection(res.body) : { syncKey: zero.syncKey, adds: [], moreAvailable: false };
}

test('a swaks delivery with an attachment reads back as body types 1, 2 and 4', async (t) => {
  const e = await env(t);
  const dir = mkdtempSync(join(tmpdir(), 'eas-sync-attach-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'report.txt');
  writeFileSync(file, 'quarterly numbers\r\n');
  await e.mail('Report attached', { body: 'Please find the report attached.', attach: [file] });
  await e.mail('Html news', {
    body: '<p>Hello <b>bold</b> world</p>',
    args: ['--header', 'Content-Type: text/html; charset=utf-8', '--header', 'MIME-Version: 1.0'],
  });

  const inbox = await e.phone('PHONE1').inboxId();
  const bySubject = (adds: { data: WbxmlElement | undefined }[]) =>
    new Map(adds.map((a) => [a.data?.textOf('Email:Subject') ?? '', a.data!]));

  const plain = bySubject((await initial(e.phone('PHONE1'), inbox, [bodyPreference(1)])).adds);
  const report = plain.get('Report attached')!;
  t.truthy(report);
  t.regex(report.textOf('Email:From') ?? '', /Bob Sender.*bob@example\.org/);
  t.regex(report.textOf('Email:To') ?? '', /alice@example\.com/);
  t.regex(report.textOf('Email:DateReceived') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.deepEqual(bodyData(report)?.type, 1);
  t.regex(bodyData(report)?.data ?? '', /Please find the report attached\./);
  const attachment = report.path('AirSyncBase:Attachments', 'AirSyncBase:Attachment');
  t.is(attachment?.textOf('AirSyncBase:DisplayName'), 'report.txt');
  t.truthy(attachment?.textOf('AirSyncBase:FileReference'));

  const html = bySubject((await initial(e.phone('PHONE2'), inbox, [bodyPreference(2)])).adds);
  t.is(bodyData(html.get('Html news'))?.type, 2);
  t.regex(bodyData(html.get('Html news'))?.data ?? '', /<b>bold<\/b>/);
  t.is(bodyData(html.get('Report attached'))?.type, 1, 'HTML asked but only text exists: Type 1');

  const mime = bySubject((await initial(e.phone('PHONE3'), inbox, [bodyPreference(4)])).adds);
  const raw = bodyData(mime.get('Report attached'))?.data ?? '';
  t.regex(raw, /^Subject: Report attached\r?$/m);
  t.regex(raw, /report\.txt/);
});

test('WindowSize pages 25 swaks deliveries with MoreAvailable', async (t) => {
  const e = await env(t);
  for (let batch = 0; batch < 5; batch++) {
    await Promise.all([0, 1, 2, 3, 4].map((i) => e.mail(`Bulk ${batch * 5 + i}`)));
  }
  const phone = e.phone('PAGER');
  const inbox = await phone.inboxId();
  let page = await initial(phone, inbox, [bodyPreference(1)], 10);
  const subjects = new Set<string>(page.adds.map((a) => a.data?.textOf('Email:Subject') ?? ''));
  const pages = [page.adds.length];
  while (page.moreAvailable) {
    page = onlyCollection((await syncOf(phone, [{ syncKey: page.syncKey, collectionId: inbox, windowSize: 10 }])).body);
    pages.push(page.adds.length);
    for (const a of page.adds) subjects.add(a.data?.textOf('Email:Subject') ?? '');
  }
  t.deepEqual(pages, [10, 10, 5]);
  t.is(subjects.size, 25);
  const done = await syncOf(phone, [{ syncKey: page.syncKey, collectionId: inbox }]);
  t.is(done.raw.length, 0, 'no changes: an empty 200');
  t.regex(String(done.headers['content-type']), /application\/vnd\.ms-sync\.wbxml/);
});

test('read, flag and delete on phone A reach phone B and are not echoed to A; a retry applies nothing twice', async (t) => {
  const e = await env(t);
  await e.mail('First');
  await e.mail('Second');
  const a = e.phone('PHONEA');
  const b = e.phone('PHONEB');
  const inbox = await a.inboxId();
  await b.folderSync();
  const pageA = await initial(a, inbox);
  const pageB = await initial(b, inbox);
  const id = (subject: string) => pageA.adds.find((x) => x.data?.textOf('Email:Subject') === subject)!.serverId;

  const request = syncRequest([
    {
      syncKey: pageA.syncKey,
      collectionId: inbox,
      commands: [
        cmd.change(id('First'), [el('Email:Read', '1'), el('Email:Flag', [el('Email:Status', '2'), el('Email:FlagType', 'Follow up')])]),
        cmd.delete(id('Second')),
      ],
    },
  ]);
  const answered = onlyCollection((await a.post('Sync', request)).body);
  t.is(answered.status, 1);
  // The phone lost the answer and sends the same request again (N-1).
  const retried = onlyCollection((await a.post('Sync', request)).body);
  t.is(retried.syncKey, answered.syncKey);
  t.deepEqual(retried.responses.map((r) => r.name), answered.responses.map((r) => r.name));

  const trash = await a.folderIdOfType(4);
  t.is(await e.srv.store.countItems(1, Number(trash)), 1, 'the delete moved one copy to Deleted Items, once');

  const echo = await syncOf(a, [{ syncKey: retried.syncKey, collectionId: inbox }]);
  t.is(echo.raw.length, 0, 'A hears nothing of its own changes');

  const seenByB = onlyCollection((await syncOf(b, [{ syncKey: pageB.syncKey, collectionId: inbox }])).body);
  t.deepEqual(seenByB.changes.map((c) => c.serverId), [id('First')]);
  t.is(seenByB.changes[0]!.data?.textOf('Email:Read'), '1');
  t.is(seenByB.changes[0]!.data?.child('Email:Flag')?.textOf('Email:Status'), '2');
  t.deepEqual(seenByB.deletes, [id('Second')]);
});

test('unknown SyncKey, several collections, malformed input, then a valid request', async (t) => {
  const e = await env(t);
  await e.mail('Hello');
  const phone = e.phone('PHONEX');
  const inbox = await phone.inboxId();
  const trash = await phone.folderIdOfType(4);
  const sent = await phone.folderIdOfType(5);

  const bad = onlyCollection((await syncOf(phone, [{ syncKey: '31337', collectionId: inbox }])).body);
  t.is(bad.status, 3);

  const three = collectionsOf(
    (await syncOf(phone, [
      { syncKey: '0', collectionId: inbox },
      { syncKey: '0', collectionId: trash },
      { syncKey: '0', collectionId: sent },
    ])).body,
  );
  t.deepEqual(three.map((c) => c.status), [1, 1, 1]);

  const wrongRoot = await phone.post('Sync', el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', '0')]));
  t.is(wrongRoot.status, 200);
  t.is(wrongRoot.body?.intOf('Status'), 4);
  const noKey = await phone.post('Sync', el('AirSync:Sync', [el('AirSync:Collections', [el('AirSync:Collection', [el('AirSync:CollectionId', inbox)])])]));
  t.is(noKey.body?.intOf('Status'), 4);
  const garbage = await phone.post('Sync', Buffer.from([0x03, 0x01, 0x6a, 0x00, 0x45, 0x5c, 0x4f, 0x4b]));
  t.true(garbage.status === 200 || garbage.status === 400, `malformed WBXML: HTTP ${garbage.status}`);

  const next = collectionsOf((await syncOf(phone, three.map((c) => ({ syncKey: c.syncKey, collectionId: c.collectionId })))).body);
  t.is(next.find((c) => c.collectionId === inbox)?.adds.length, 1);
});

test('GetItemEstimate counts, and MoveItems is not echoed to the mover but reaches another phone', async (t) => {
  const e = await env(t);
  for (let i = 0; i < 3; i++) await e.mail(`Estimate ${i}`);
  const a = e.phone('MOVER');
  const b = e.phone('WATCHER');
  const inbox = await a.inboxId();
  const trash = await a.folderIdOfType(4);
  await b.folderSync();

  const zero = onlyCollection((await syncOf(a, [{ syncKey: '0', collectionId: inbox }])).body);
  const est = estimatesOf((await a.post('GetItemEstimate', estimateRequest([{ syncKey: zero.syncKey, collectionId: inbox }]))).body);
  t.deepEqual(est, [{ status: 1, collectionId: inbox, estimate: 3 }]);

  const pageA = onlyCollection((await syncOf(a, [{ syncKey: zero.syncKey, collectionId: inbox }])).body);
  const trashA = await initial(a, trash);
  const trashB = await initial(b, trash);
  const src = pageA.adds[0]!.serverId;
  const moved = movesOf((await a.post('MoveItems', moveRequest([{ src, srcFolder: inbox, dstFolder: trash }]))).body);
  t.is(moved[0]!.status, 3);
  t.truthy(moved[0]!.dst);

  const mover = await syncOf(a, [{ syncKey: trashA.syncKey, collectionId: trash }]);
  t.is(mover.raw.length, 0, 'the mover already knows DstMsgId: no Add');
  const watcher = onlyCollection((await syncOf(b, [{ syncKey: trashB.syncKey, collectionId: trash }])).body);
  t.deepEqual(watcher.adds.map((x) => x.serverId), [moved[0]!.dst]);
  const estAfter = estimatesOf((await a.post('GetItemEstimate', estimateRequest([{ syncKey: pageA.syncKey, collectionId: inbox }]))).body);
  t.is(estAfter[0]!.estimate, 0);
});

test('Sync with HeartbeatInterval is answered when swaks delivers', async (t) => {
  const e = await env(t);
  const phone = e.phone('WAITER');
  const inbox = await phone.inboxId();
  const first = await initial(phone, inbox);
  const parked = syncOf(phone, [{ syncKey: first.syncKey, collectionId: inbox }], { heartbeatInterval: 300 });
  const account = (await e.srv.store.findAccount('alice@example.com'))!;
  const device = async () => await e.srv.store.getDevice(account.id, 'WAITER');
  while (!e.srv.server.push.isParked(account.id, (await device())!.id)) await new Promise((r) => setTimeout(r, 5));
  await e.mail('Push me');
  const res = onlyCollection((await parked).body);
  t.deepEqual(res.adds.map((x) => x.data?.textOf('Email:Subject')), ['Push me']);
});

/** Replaces the ids a genuine request carries with ones this server issued. */
function adapt(node: WbxmlElement, ids: { syncKey: string; collectionId: string; serverId?: string }): WbxmlElement {
  if (node.name === 'SyncKey') node.text = ids.syncKey;
  if (node.name === 'CollectionId') node.text = ids.collectionId;
  if (node.name === 'ServerId' && ids.serverId) node.text = ids.serverId;
  for (const c of node.children) adapt(c, ids);
  return node;
}

function fixture(name: string): WbxmlElement {
  return decode(readFileSync(new URL(`${name}.req.wbxml`, FIXTURES)));
}

test('genuine Sync requests (Nine 16.1, Remote Connectivity Analyzer 12.0) get 200 and a decodable body', async (t) => {
  const e = await env(t);
  await e.mail('For the replay');
  await e.mail('Another one');
  const nine = e.phone('Nine45069EA34A52');
  const inbox = await nine.inboxId();
  const post = async (client: EasClient, name: string, ids: Parameters<typeof adapt>[1]) => {
    const res = await client.post(name.endsWith('GetItemEstimate') ? 'GetItemEstimate' : 'Sync', encode(adapt(fixture(name), ids)));
    t.is(res.status, 200, name);
    if (res.raw.length > 0) t.notThrows(() => decode(res.raw), name);
    return res.body;
  };

  const zero = onlyCollection(await post(nine, '754-10_Sync', { syncKey: '0', collectionId: inbox }));
  t.is(zero.status, 1);
  const page = onlyCollection(await post(nine, '754-11_Sync', { syncKey: zero.syncKey, collectionId: inbox }));
  t.is(page.status, 1);
  t.is(page.adds.length, 2);
  const [first, second] = page.adds.map((a) => a.serverId);
  // Same FilterType as 754-11 (4)? 760-11 asks FilterType 0: a changed window starts over.
  const changedFilter = onlyCollection(await post(nine, '760-11_Sync', { syncKey: page.syncKey, collectionId: inbox }));
  t.is(changedFilter.status, 3);

  const zero2 = onlyCollection(await post(nine, '754-10_Sync', { syncKey: '0', collectionId: inbox }));
  const page2 = onlyCollection(await post(nine, '760-11_Sync', { syncKey: zero2.syncKey, collectionId: inbox }));
  t.is(page2.adds.length, 2);
  // A task Add into a mail folder cannot be converted: Status 6 for that Add, the rest is fine.
  const taskAdd = onlyCollection(await post(nine, '763-02_Sync', { syncKey: page2.syncKey, collectionId: inbox }));
  t.is(taskAdd.status, 1);
  t.is(taskAdd.responses[0]?.intOf('Status'), 6);
  // A Notes-shaped Change of a mail item changes nothing the mail model knows: success.
  const noteChange = onlyCollection(await post(nine, '781-02_Sync', { syncKey: taskAdd.syncKey, collectionId: inbox, serverId: first! }));
  t.is(noteChange.status, 1);
  const deleted = onlyCollection(await post(nine, '766-02_Sync', { syncKey: noteChange.syncKey, collectionId: inbox, serverId: second! }));
  t.is(deleted.status, 1);
  t.false(deleted.hasResponsesElement);

  // Two Options blocks (SMS + mail), FilterType 3.
  const nine2 = e.phone('Nine2');
  await nine2.folderSync();
  const zero3 = onlyCollection(await post(nine2, '754-10_Sync', { syncKey: '0', collectionId: inbox }));
  const twoOptions = onlyCollection(await post(nine2, '800-11_Sync', { syncKey: zero3.syncKey, collectionId: inbox }));
  t.is(twoOptions.status, 1);
  t.is(twoOptions.adds.length, 1, 'the deleted one is gone, the other is within the 7-day window');
  t.is(bodyData(twoOptions.adds[0]!.data)?.type, 1);

  // The Remote Connectivity Analyzer speaks 12.x with Class first.
  const rca = e.phone('TestActiveSyncConnectivity', '12.1');
  await rca.folderSync();
  const rcaZero = onlyCollection(await post(rca, '810-06_Sync', { syncKey: '0', collectionId: inbox }));
  t.is(rcaZero.status, 1);
  const estimate = estimatesOf(await post(rca, '810-08_GetItemEstimate', { syncKey: rcaZero.syncKey, collectionId: inbox }));
  t.deepEqual(estimate, [{ status: 1, collectionId: inbox, estimate: 1 }]);
});
