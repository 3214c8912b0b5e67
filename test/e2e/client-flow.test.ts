// Acceptance of issue #4 from outside: the server started as a user starts it (`eas-push serve`
// in its own process, port 0, accounts added with `eas-push user add`), driven over real HTTP
// by requests built here from MS-ASHTTP/MS-ASCMD (test/e2e/helpers/device.ts), mail delivered
// by swaks. Every WBXML answer is also decoded by libwbxml and compared with our decoder
// (helpers/wire.ts); each test ends by asserting that all of them passed.

import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { sendMail } from '../helpers/swaks.js';
import { Device, FolderType } from './helpers/device.js';
import { startE2eServer, type E2eServer } from './helpers/process.js';
import { Wire } from './helpers/wire.js';

const ANN = { user: 'ann@example.com', password: 'ann-secret-1' };
const BOB = { user: 'bob@example.com', password: 'bob-secret-2' };

async function server(t: ExecutionContext): Promise<{ s: E2eServer; wire: Wire }> {
  const s = await startE2eServer();
  t.teardown(() => s.stop());
  t.regex(await s.addUser(ANN.user, ANN.password), /added ann@example\.com/);
  await s.addUser(BOB.user, BOB.password);
  return { s, wire: new Wire(s.httpPort) };
}

/** Every WBXML answer of the test was decoded by libwbxml too, with the same tree. */
function allDecodedByLibwbxml(t: ExecutionContext, wire: Wire, atLeast: number): void {
  t.true(wire.checks.length >= atLeast, `${wire.checks.length} WBXML answers checked`);
  t.deepEqual(wire.checks.filter((c) => c.problem !== null), [], 'libwbxml decodes every answer the same way');
}

/** A phone that has done OPTIONS, Provision and FolderSync, as every real one does first. */
async function readyDevice(t: ExecutionContext, wire: Wire, who: typeof ANN, deviceId: string, extra: { base64?: boolean } = {}): Promise<Device> {
  const d = new Device(wire, { ...who, deviceId, ...extra });
  const { finalKey } = await d.provision();
  t.true(finalKey > 0);
  const fs = await d.folderSync();
  t.is(fs.status, 1);
  return d;
}

/** Initial Sync (key 0) of a folder, then the first real Sync: returns what it brought. */
async function syncFresh(t: ExecutionContext, d: Device, folderId: string, opts: Parameters<Device['sync']>[2] = {}) {
  const first = await d.sync(folderId, '0');
  t.is(first.http.status, 200);
  t.is(first.collection?.status, 1, 'initial Sync Status 1');
  t.deepEqual(first.collection?.adds, [], 'no items in the initial Sync (MS-ASCMD 2.2.3.166.4: key 0 only primes)');
  const second = await d.sync(folderId, first.collection!.syncKey, opts);
  t.is(second.http.status, 200);
  return second;
}

/** multipart/mixed( multipart/alternative(text, html), the attachment ), CRLF throughout. */
function mimeMessage(m: { subject: string; bodyText: string; bodyHtml: string; attachment: Buffer; attachmentName: string }): string {
  const b64 = m.attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    'From: Carol Remote <carol@remote.example>',
    'To: Ann <ann@example.com>',
    `Subject: ${m.subject}`,
    'Date: Thu, 26 Nov 2026 09:30:00 +0100',
    'Message-ID: <e2e-quarterly@remote.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mixed-1"',
    '',
    '--mixed-1',
    'Content-Type: multipart/alternative; boundary="alt-1"',
    '',
    '--alt-1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    m.bodyText,
    '--alt-1',
    'Content-Type: text/html; charset=utf-8',
    '',
    m.bodyHtml,
    '--alt-1--',
    '--mixed-1',
    `Content-Type: application/pdf; name="${m.attachmentName}"`,
    `Content-Disposition: attachment; filename="${m.attachmentName}"`,
    'Content-Transfer-Encoding: base64',
    '',
    b64.trimEnd(),
    '--mixed-1--',
    '',
  ].join('\r\n');
}

function text(e: WbxmlElement | undefined, path: string[]): string | undefined {
  const parent = path.length > 1 ? e?.path(...path.slice(0, -1)) : e;
  return parent?.textOf(path[path.length - 1]!);
}

test('OPTIONS, two-step Provision, FolderSync, Sync after a swaks delivery with an attachment; bodies 1/2/4, ItemOperations, Search', async (t) => {
  const { s, wire } = await server(t);
  const phone = new Device(wire, { ...ANN, deviceId: 'E2EPHONE1' });

  // MS-ASHTTP 2.2.4: OPTIONS lists the versions and the commands.
  const options = await phone.options();
  t.is(options.status, 200);
  const versions = String(options.headers['ms-asprotocolversions']).split(',');
  t.true(versions.includes('16.1') && versions.includes('14.1') && versions.includes('12.1'), versions.join());
  const commands = String(options.headers['ms-asprotocolcommands']).split(',');
  for (const c of ['Provision', 'FolderSync', 'Sync', 'ItemOperations', 'Search', 'SendMail', 'Ping']) t.true(commands.includes(c), c);

  // MS-ASPROV 3.1.5.1: the policy with a temporary key, then the acknowledgement's final key.
  const prov = await phone.provision();
  t.is(prov.policy?.textOf('PolicyType'), 'MS-EAS-Provisioning-WBXML');
  t.truthy(prov.policy?.path('Data', 'EASProvisionDoc'), 'the policy document');
  t.true(prov.temporaryKey > 0 && prov.finalKey > 0);
  t.not(prov.finalKey, prov.temporaryKey, 'the acknowledgement gives a new, final key');

  const fs = await phone.folderSync();
  t.is(fs.status, 1);
  for (const type of [FolderType.Inbox, FolderType.SentItems, FolderType.DeletedItems, FolderType.Drafts]) t.truthy(phone.folderId(type), `folder type ${type}`);
  const inbox = phone.folderId(FolderType.Inbox);

  // Two more phones of the same account that ask for HTML and MIME bodies.
  const htmlPhone = await readyDevice(t, wire, ANN, 'E2EPHONE2', { base64: true });
  const mimePhone = await readyDevice(t, wire, ANN, 'E2EPHONE3');

  const first = await phone.sync(inbox, '0');
  t.is(first.collection?.status, 1);
  const htmlFirst = await htmlPhone.sync(inbox, '0');
  const mimeFirst = await mimePhone.sync(inbox, '0');

  // swaks delivers a message with a binary attachment.
  const dir = mkdtempSync(join(tmpdir(), 'eas-e2e-att-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const attachment = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(5000), Buffer.from([0, 0xff, 0x0d, 0x0a, 0x1a])]);
  const attachmentPath = join(dir, 'report.pdf');
  writeFileSync(attachmentPath, attachment);
  const subject = 'Quarterly numbers, with a report';
  const bodyText = 'Hello Ann,\r\nthe zanzibarite figures are attached.\r\nBob';
  const bodyHtml = '<html><body><p>Hello Ann,</p><p>the <b>zanzibarite</b> figures are attached.</p><p>Bob</p></body></html>';
  const messagePath = join(dir, 'message.eml');
  writeFileSync(messagePath, mimeMessage({ subject, bodyText, bodyHtml, attachment, attachmentName: 'report.pdf' }));
  const before = Date.now();
  const sent = await sendMail({ port: s.smtpPort, from: 'carol@remote.example', to: ANN.user, data: `@${messagePath}` });
  const after = Date.now();
  t.is(sent.code, 0, sent.stdout + sent.stderr);

  // Plain text (Type 1).
  const plain = await phone.sync(inbox, first.collection!.syncKey, { bodyType: 1 });
  t.is(plain.collection?.status, 1);
  t.is(plain.collection?.adds.length, 1, 'the delivered message is one Add');
  const add = plain.collection!.adds[0]!;
  const data = add.data;
  t.is(data.textOf('Email:Subject'), subject);
  t.regex(data.textOf('Email:From') ?? '', /carol@remote\.example/);
  t.regex(data.textOf('Email:To') ?? '', /ann@example\.com/);
  const received = Date.parse(data.textOf('Email:DateReceived') ?? '');
  t.true(received >= Math.floor(before / 1000) * 1000 - 1000 && received <= after + 1000, `DateReceived ${data.textOf('Email:DateReceived')}`);
  t.regex(data.textOf('Email:DateReceived') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'MS-ASDTYPE dateTime');
  t.is(text(data, ['AirSyncBase:Body', 'Type']), '1');
  t.is(text(data, ['AirSyncBase:Body', 'Data'])?.trim(), bodyText, 'the text/plain alternative, CRLF line ends');
  t.is(data.textOf('Email:Read'), '0', 'a new message is unread');
  const atts = data.path('AirSyncBase:Attachments')?.all('Attachment') ?? [];
  t.is(atts.length, 1, 'one attachment listed');
  const att = atts[0]!;
  t.is(att.textOf('DisplayName'), 'report.pdf');
  t.is(att.textOf('Method'), '1', 'normal attachment');
  const fileReference = att.textOf('FileReference');
  t.truthy(fileReference);
  t.true(Math.abs(Number(att.textOf('EstimatedDataSize')) - attachment.length) <= attachment.length * 0.4, `EstimatedDataSize ${att.textOf('EstimatedDataSize')}`);

  // HTML (Type 2) on the base64-query phone.
  const html = await htmlPhone.sync(inbox, htmlFirst.collection!.syncKey, { bodyType: 2 });
  const htmlData = html.collection?.adds[0]?.data;
  t.is(htmlData?.textOf('Email:Subject'), subject);
  t.is(htmlData?.textOf('Email:DateReceived'), data.textOf('Email:DateReceived'));
  t.is(text(htmlData, ['AirSyncBase:Body', 'Type']), '2');
  const htmlBody = text(htmlData, ['AirSyncBase:Body', 'Data']) ?? '';
  t.true(htmlBody.includes('<p>the <b>zanzibarite</b> figures are attached.</p>'), htmlBody);

  // MIME (Type 4): the message as delivered, attachment included.
  const mime = await mimePhone.sync(inbox, mimeFirst.collection!.syncKey, { bodyType: 4 });
  const mimeData = mime.collection?.adds[0]?.data;
  t.is(mimeData?.textOf('Email:Subject'), subject);
  t.is(text(mimeData, ['AirSyncBase:Body', 'Type']), '4');
  const mimeBody = text(mimeData, ['AirSyncBase:Body', 'Data']) ?? '';
  t.regex(mimeBody, new RegExp(`^Subject: ${subject}`, 'm'));
  t.true(mimeBody.includes(mimeMessage({ subject, bodyText, bodyHtml, attachment, attachmentName: 'report.pdf' }).split('\r\n\r\n').slice(1).join('\r\n\r\n')), 'the message body exactly as delivered, attachment included');

  // MS-ASCMD 2.2.1.10: the attachment by its FileReference, byte for byte.
  const fetched = await phone.request(
    'ItemOperations',
    el('ItemOperations:ItemOperations', [el('ItemOperations:Fetch', [el('ItemOperations:Store', 'Mailbox'), el('AirSyncBase:FileReference', fileReference!)])]),
  );
  t.is(fetched.status, 200);
  t.is(fetched.body?.textOf('Status'), '1');
  const fetch = fetched.body?.path('Response', 'Fetch');
  t.is(fetch?.textOf('Status'), '1');
  t.is(fetch?.textOf('AirSyncBase:FileReference'), fileReference);
  const props = fetch?.child('Properties');
  t.is(props?.textOf('AirSyncBase:ContentType')?.split(';')[0], 'application/pdf');
  const dataEl = props?.child('Data');
  const bytes = dataEl?.opaque ? Buffer.from(dataEl.opaque) : Buffer.from(dataEl?.text ?? '', 'base64');
  t.true(bytes.equals(attachment), `attachment byte-exact (${bytes.length} vs ${attachment.length} bytes)`);

  // MS-ASCMD 2.2.1.16: Search the mailbox by a word of the body.
  const found = await phone.request(
    'Search',
    el('Search:Search', [
      el('Search:Store', [
        el('Search:Name', 'Mailbox'),
        el('Search:Query', [el('Search:And', [el('AirSync:Class', 'Email'), el('AirSync:CollectionId', inbox), el('Search:FreeText', 'zanzibarite')])]),
        el('Search:Options', [el('Search:Range', '0-9'), el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', '1'), el('AirSyncBase:TruncationSize', '500')])]),
      ]),
    ]),
  );
  t.is(found.status, 200);
  t.is(found.body?.textOf('Status'), '1');
  const store = found.body?.path('Response', 'Store');
  t.is(store?.textOf('Status'), '1');
  const results = (store?.all('Result') ?? []).filter((r) => r.has('Properties'));
  t.is(results.length, 1, 'one match');
  t.is(results[0]?.path('Properties')?.textOf('Email:Subject'), subject);
  t.is(results[0]?.textOf('AirSync:CollectionId'), inbox);
  t.is(store?.textOf('Total'), '1');
  const none = await phone.request(
    'Search',
    el('Search:Search', [
      el('Search:Store', [
        el('Search:Name', 'Mailbox'),
        el('Search:Query', [el('Search:And', [el('AirSync:Class', 'Email'), el('Search:FreeText', 'xylophonequartz')])]),
        el('Search:Options', [el('Search:Range', '0-9')]),
      ]),
    ]),
  );
  t.is((none.body?.path('Response', 'Store')?.all('Result') ?? []).filter((r) => r.has('Properties')).length, 0, 'no match for a word not in it');

  allDecodedByLibwbxml(t, wire, 14);
});

test('read, flag and delete on device A reach device B’s Sync, and are not echoed to A', async (t) => {
  const { s, wire } = await server(t);
  const a = await readyDevice(t, wire, ANN, 'E2EDEVA');
  const b = await readyDevice(t, wire, ANN, 'E2EDEVB', { base64: true });
  const inbox = a.folderId(FolderType.Inbox);
  t.is(b.folderId(FolderType.Inbox), inbox, 'both devices see the same Inbox id');
  const aKey0 = (await a.sync(inbox, '0')).collection!.syncKey;
  const bKey0 = (await b.sync(inbox, '0')).collection!.syncKey;

  const sent = await sendMail({ port: s.smtpPort, to: ANN.user, subject: 'Flag me', body: 'Something to act on.' });
  t.is(sent.code, 0);

  const aGot = await a.sync(inbox, aKey0);
  const bGot = await b.sync(inbox, bKey0);
  t.is(aGot.collection?.adds.length, 1);
  t.is(bGot.collection?.adds.length, 1);
  const serverId = aGot.collection!.adds[0]!.serverId;
  t.is(bGot.collection!.adds[0]!.serverId, serverId);
  let aKey = aGot.collection!.syncKey;
  let bKey = bGot.collection!.syncKey;

  // A marks it read and flags it (MS-ASEMAIL 2.2.2.27 Flag, 2.2.2.53 Read).
  const change = await a.sync(inbox, aKey, {
    commands: [
      el('AirSync:Change', [
        el('AirSync:ServerId', serverId),
        el('AirSync:ApplicationData', [el('Email:Read', '1'), el('Email:Flag', [el('Email:Status', '2'), el('Email:FlagType', 'Flag for follow up')])]),
      ]),
    ],
  });
  t.is(change.http.status, 200);
  if (change.collection) {
    t.is(change.collection.status, 1);
    t.deepEqual(change.collection.changes, [], 'A is not told about its own change');
    aKey = change.collection.syncKey;
  }
  const aQuiet = await a.sync(inbox, aKey);
  t.true(aQuiet.empty || (aQuiet.collection?.changes.length === 0 && aQuiet.collection.adds.length === 0), 'nothing new for A');
  if (aQuiet.collection) aKey = aQuiet.collection.syncKey;

  const bChange = await b.sync(inbox, bKey);
  t.is(bChange.collection?.status, 1);
  t.is(bChange.collection?.changes.length, 1, 'B gets one Change');
  const changed = bChange.collection!.changes[0]!;
  t.is(changed.serverId, serverId);
  t.is(changed.data.textOf('Email:Read'), '1');
  t.is(changed.data.path('Email:Flag')?.textOf('Email:Status'), '2', 'flagged on B');
  bKey = bChange.collection!.syncKey;

  // A deletes it (DeletesAsMoves: to Deleted Items).
  const del = await a.sync(inbox, aKey, { commands: [el('AirSync:Delete', [el('AirSync:ServerId', serverId)])] });
  t.is(del.http.status, 200);
  if (del.collection) {
    t.is(del.collection.status, 1);
    t.deepEqual(del.collection.deletes, [], 'A is not told about its own delete');
    aKey = del.collection.syncKey;
  }
  const aAfter = await a.sync(inbox, aKey);
  t.true(aAfter.empty || (aAfter.collection?.deletes.length === 0 && aAfter.collection.adds.length === 0), 'nothing new for A after its delete');

  const bDelete = await b.sync(inbox, bKey);
  t.is(bDelete.collection?.status, 1);
  t.deepEqual(bDelete.collection?.deletes, [serverId], 'B gets the Delete');

  // The message sits in Deleted Items for both.
  const trash = b.folderId(FolderType.DeletedItems);
  const inTrash = await (async () => {
    const first = await b.sync(trash, '0');
    return b.sync(trash, first.collection!.syncKey);
  })();
  t.deepEqual(inTrash.collection?.adds.map((x) => x.data.textOf('Email:Subject')), ['Flag me']);

  allDecodedByLibwbxml(t, wire, 10);
});

test('SendMail to a local account lands in their Inbox and in the sender’s Sent Items, as phones see them', async (t) => {
  const { wire } = await server(t);
  const annPhone = await readyDevice(t, wire, ANN, 'E2ESEND1');
  const bobPhone = await readyDevice(t, wire, BOB, 'E2ERECV1');
  const sentFolder = annPhone.folderId(FolderType.SentItems);
  const bobInbox = bobPhone.folderId(FolderType.Inbox);
  const sentKey0 = (await annPhone.sync(sentFolder, '0')).collection!.syncKey;
  const bobKey0 = (await bobPhone.sync(bobInbox, '0')).collection!.syncKey;

  const mime = [
    'From: Ann <ann@example.com>',
    'To: Bob <bob@example.com>',
    'Subject: Lunch on Friday?',
    'Date: Thu, 26 Nov 2026 10:00:00 +0000',
    'Message-ID: <e2e-lunch@example.com>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Shall we try the new place? Grüße, Ann',
    '',
  ].join('\r\n');
  // MS-ASCMD 2.2.1.17 SendMail (14.0+): ClientId, SaveInSent, Mime as OPAQUE.
  const sent = await annPhone.request(
    'SendMail',
    el('ComposeMail:SendMail', [el('ComposeMail:ClientId', 'e2e-1'), el('ComposeMail:SaveInSentItems'), el('ComposeMail:Mime', new Uint8Array(Buffer.from(mime, 'utf8')))]),
  );
  t.is(sent.status, 200);
  t.is(sent.raw.length, 0, 'success is an empty 200 (MS-ASCMD 2.2.1.17.2)');

  const bob = await bobPhone.sync(bobInbox, bobKey0);
  t.is(bob.collection?.adds.length, 1, 'in Bob’s Inbox');
  const got = bob.collection!.adds[0]!.data;
  t.is(got.textOf('Email:Subject'), 'Lunch on Friday?');
  t.regex(got.textOf('Email:From') ?? '', /ann@example\.com/);
  t.regex(got.textOf('Email:To') ?? '', /bob@example\.com/);
  t.is(got.path('AirSyncBase:Body')?.textOf('Data')?.trim(), 'Shall we try the new place? Grüße, Ann');

  const mine = await annPhone.sync(sentFolder, sentKey0);
  t.is(mine.collection?.adds.length, 1, 'in Ann’s Sent Items');
  const copy = mine.collection!.adds[0]!.data;
  t.is(copy.textOf('Email:Subject'), 'Lunch on Friday?');
  t.is(copy.textOf('Email:Read'), '1', 'a sent copy is read');

  allDecodedByLibwbxml(t, wire, 8);
});
