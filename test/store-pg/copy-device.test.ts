// Moving an install (issue #17 point 4): a phone that synced against the SQLite store goes on
// syncing against the PostgreSQL database `eas-push copy` filled, with the keys it holds: the same
// PolicyKey, FolderSync key and SyncKeys are answered Status 1 (no 449, no Status 3 or 9), a
// Sync brings exactly the mail delivered after the copy, its old attachment and a search for an
// old message still work, and a resend of a mail it sent before is still a duplicate. The copy
// runs as a user runs it: the CLI in its own process.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasePath } from '../../bin/data-dir.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { runCli } from '../cli/run.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { pgDatabase, pgTest as test } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sendMail } from '../helpers/swaks.js';
import { bodyPreference, cmd, onlyCollection, options, syncRequest, type CollectionSpec, type SyncedCollection } from '../eas-sync/wire.js';
import { ping, readPing } from '../push/helpers.js';
import { dumpPg, dumpSqlite, sqliteColumns } from './copy-fixture.js';

const USER = 'alice@example.com';
const PASSWORD = 'secret-for-tests';
const DEVICE = 'MOVEDPHONE1';

function phoneOn(server: TestServer): EasClient {
  // 14.1: GetAttachment by FileReference is a 14.1 command (16.x fetches with ItemOperations).
  return createEasClient({ port: server.httpPort, user: USER, password: PASSWORD, deviceId: DEVICE, deviceType: 'Android', version: '14.1' });
}

async function deliver(server: TestServer, subject: string, body: string, attach: string[] = []): Promise<void> {
  const r = await sendMail({ port: server.smtpPort, to: USER, subject, body, attach });
  if (r.code !== 0) throw new Error(`swaks failed (${r.code}): ${r.stdout.slice(-400)}${r.stderr}`);
}

async function sync(phone: EasClient, spec: CollectionSpec): Promise<SyncedCollection & { http: number; empty: boolean }> {
  const res = await phone.post('Sync', syncRequest([spec]));
  if (res.raw.length === 0) {
    // MS-ASCMD 2.2.1.21: nothing to say is an empty 200; the SyncKey stays.
    return {
      http: res.status, empty: true, syncKey: spec.syncKey, collectionId: spec.collectionId, status: 1, moreAvailable: false,
      order: [], adds: [], changes: [], deletes: [], softDeletes: [], responses: [], hasResponsesElement: false,
    };
  }
  if (res.status !== 200 || !res.body?.has('Collections')) {
    return { http: res.status, empty: false, ...emptyCollection(spec), status: res.body?.intOf('Status') ?? NaN };
  }
  return { http: res.status, empty: false, ...onlyCollection(res.body) };
}

function emptyCollection(spec: CollectionSpec): SyncedCollection {
  return { syncKey: spec.syncKey, collectionId: spec.collectionId, status: NaN, moreAvailable: false, order: [], adds: [], changes: [], deletes: [], softDeletes: [], responses: [], hasResponsesElement: false };
}

const subjectOf = (a: { data: WbxmlElement | undefined }) => a.data?.textOf('Email:Subject') ?? a.data?.textOf('Calendar:Subject') ?? a.data?.textOf('Contacts:LastName') ?? '';

function sendMailRequest(clientId: string, subject: string): WbxmlElement {
  const mime = `From: ${USER}\r\nTo: bob@example.com\r\nSubject: ${subject}\r\n\r\nSent before the move.`;
  return el('ComposeMail:SendMail', [el('ComposeMail:ClientId', clientId), el('ComposeMail:SaveInSentItems'), el('ComposeMail:Mime', new Uint8Array(Buffer.from(mime)))]);
}

function mailboxSearch(words: string): WbxmlElement {
  return el('Search:Search', [
    el('Search:Store', [
      el('Search:Name', 'Mailbox'),
      el('Search:Query', [el('Search:And', [el('AirSync:Class', 'Email'), el('Search:FreeText', words)])]),
      el('Search:Options', [el('Search:Range', '0-9')]),
    ]),
  ]);
}

test('copy from a populated SQLite store: the same phone goes on syncing on PostgreSQL with its keys, no resync', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'eas-push-copy-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const dataDir = join(work, 'data');
  const attachment = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
  const attachmentFile = join(work, 'plan.bin');
  writeFileSync(attachmentFile, attachment);

  // Before: SQLite. Mail with an attachment, a provisioned phone in sync with its Inbox,
  // a contact and an appointment it added, a mail it sent with a ClientId.
  const before = await startTestServer({ dataDir, enforceProvisioning: true });
  t.teardown(() => before.stop());
  await before.addUser(USER, PASSWORD);
  await before.addUser('bob@example.com', PASSWORD);
  await deliver(before, 'The building plan', 'Attached: the lighthouse drawings.', [attachmentFile]);
  await deliver(before, 'Second before', 'Nothing to see.');

  const phone = phoneOn(before);
  const policyKey = await phone.provision();
  const hierarchy = await phone.folderSync();
  t.is(hierarchy.status, 1);
  const inbox = await phone.folderIdOfType(FolderType.Inbox);
  const contacts = await phone.folderIdOfType(FolderType.Contacts);
  const calendar = await phone.folderIdOfType(FolderType.Calendar);

  const zero = await sync(phone, { syncKey: '0', collectionId: inbox });
  const full = await sync(phone, { syncKey: zero.syncKey, collectionId: inbox, options: [options(0, bodyPreference(1, 200))] });
  t.is(full.status, 1);
  t.deepEqual(full.adds.map(subjectOf).sort(), ['Second before', 'The building plan']);
  const planItem = full.adds.find((a) => subjectOf(a) === 'The building plan')!;
  const fileReference = planItem.data?.path('Attachments', 'Attachment')?.textOf('FileReference');
  t.truthy(fileReference, 'the attachment is listed');
  let inboxKey = full.syncKey;

  const contactsZero = await sync(phone, { syncKey: '0', collectionId: contacts });
  const contactAdded = await sync(phone, { syncKey: contactsZero.syncKey, collectionId: contacts, commands: [cmd.add('c1', [el('Contacts:FirstName', 'Ada'), el('Contacts:LastName', 'Lovelace')])] });
  t.is(contactAdded.responses[0]?.textOf('Status'), '1');
  const contactsKey = contactAdded.syncKey;
  const calendarZero = await sync(phone, { syncKey: '0', collectionId: calendar });
  const eventAdded = await sync(phone, {
    syncKey: calendarZero.syncKey,
    collectionId: calendar,
    commands: [cmd.add('e1', [el('Calendar:Subject', 'Harbour visit'), el('Calendar:StartTime', '20300101T090000Z'), el('Calendar:EndTime', '20300101T100000Z')])],
  });
  t.is(eventAdded.responses[0]?.textOf('Status'), '1');
  const calendarKey = eventAdded.syncKey;

  const sent = await phone.post('SendMail', sendMailRequest('move-1', 'Sent with a ClientId'));
  t.is(sent.status, 200);
  t.is(sent.raw.length, 0, 'sent');
  // The phone has seen everything: its Inbox is in sync, its hierarchy unchanged.
  const settled = await sync(phone, { syncKey: inboxKey, collectionId: inbox });
  t.true(settled.empty, 'nothing new in the Inbox before the move');
  t.deepEqual((await phone.folderSync()).added, []);
  const folderSyncKey = phone.folderSyncKey;
  // A Ping that ends on its short heartbeat: an entry of the device's push history to move too.
  t.is(readPing(await ping(phone, 1, [inbox])).status, 1);
  await before.stop();

  // The move, with the CLI.
  const db = await pgDatabase(t);
  const source = databasePath(dataDir);
  const copied = await runCli(['copy', '--from', `sqlite:${source}`, '--to', db.url]);
  t.is(copied.code, 0, copied.stderr);
  t.log(copied.stdout);
  t.regex(copied.stdout, /2 accounts, 4 messages, \d+ items, 1 device\b/);
  t.regex(copied.stdout, /^ {2}messages_fts +4 rows/m);
  t.regex(copied.stdout, /copied .* in \d+\.\d\d s/);

  // Every row of every table, as it was.
  const columns = sqliteColumns(source);
  const pool = db.pool(1);
  t.deepEqual(await dumpPg(pool, columns), dumpSqlite(source, columns));

  // After: PostgreSQL. The same device, with the keys it holds.
  const after = await startTestServer({ store: db.url, enforceProvisioning: true });
  t.teardown(() => after.stop());
  const moved = phoneOn(after);
  moved.policyKey = policyKey;
  moved.folderSyncKey = folderSyncKey;
  for (const f of phone.folders.values()) moved.folders.set(f.serverId, f);

  const fs = await moved.folderSync();
  t.is(fs.response.status, 200);
  t.is(fs.status, 1, 'FolderSync with the old key: no Status 9');
  t.deepEqual([fs.added, fs.updated, fs.deleted], [[], [], []]);

  const quiet = await sync(moved, { syncKey: inboxKey, collectionId: inbox });
  t.is(quiet.http, 200, 'no 449: the PolicyKey is still the current one');
  t.true(quiet.empty, 'nothing new yet: no resync of the old mail');

  await deliver(after, 'First after the move', 'Delivered to PostgreSQL.');
  const next = await sync(moved, { syncKey: inboxKey, collectionId: inbox });
  t.is(next.http, 200);
  t.is(next.status, 1, 'the old SyncKey is answered: no Status 3');
  t.deepEqual(next.adds.map(subjectOf), ['First after the move']);
  t.false(full.adds.some((a) => a.serverId === next.adds[0]!.serverId), 'a new ServerId');
  inboxKey = next.syncKey;

  for (const [key, collectionId, what] of [[contactsKey, contacts, 'Contacts'], [calendarKey, calendar, 'Calendar']] as const) {
    const r = await sync(moved, { syncKey: key, collectionId });
    t.is(r.http, 200, what);
    t.true(r.empty, `${what}: the old key, nothing to send again`);
  }

  const fetched = await moved.post('GetAttachment', null, { params: { AttachmentName: fileReference! } });
  t.is(fetched.status, 200);
  t.deepEqual(fetched.raw, attachment, 'the old attachment, byte for byte');

  const found = await moved.post('Search', mailboxSearch('lighthouse'));
  t.is(found.status, 200);
  const results = found.body?.path('Response', 'Store')?.all('Result').filter((r) => r.children.length > 0) ?? [];
  t.deepEqual(results.map((r) => r.child('Properties')?.textOf('Email:Subject')), ['The building plan']);
  t.is(results[0]?.textOf('LongId') ?? results[0]?.textOf('Search:LongId'), planItem.serverId);

  const again = await moved.post('SendMail', sendMailRequest('move-1', 'Sent with a ClientId'));
  t.is(again.body?.intOf('Status'), 118, 'the resend of a mail sent before the move is a duplicate');

  const alice = (await after.store.findAccount(USER))!;
  const device = (await after.store.getDevice(alice.id, DEVICE))!;
  t.is(device.policyKey, policyKey);
  const history = await after.store.pushHistory(device.id, 10);
  t.true(history.some((e) => e.kind === 'ping' && e.heartbeatSeconds === 1 && e.folderIds.includes(Number(inbox))), 'the Ping from before the move is in device show');

  const bob = (await after.store.findAccount('bob@example.com'))!;
  const bobInbox = (await after.store.folderByType(bob.id, FolderType.Inbox))!;
  t.is((await after.store.listItems(bob.id, bobInbox.id)).length, 1, 'bob got it once');
});
