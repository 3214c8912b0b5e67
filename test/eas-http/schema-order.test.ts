// Element order and placement in responses, pinned to the response schemas (xs:sequence):
// strict clients (Outlook, Windows Mail) validate them, and a decoder that reads by name never
// notices a child in the wrong place. Each expected list is copied from the cited section.

import test from 'ava';
import { provisionDoc } from '../../eas/commands/provision.js';
import { resolveRecipients } from '../../eas/commands/resolve-recipients.js';
import { search } from '../../eas/commands/search.js';
import { settings } from '../../eas/commands/settings.js';
import type { CommandResult } from '../../eas/commands/types.js';
import { statusBody } from '../../eas/http/status-body.js';
import { frameworkErrorResponse, providerErrorResponse, settingsResponse } from '../../eas/autodiscover/response.js';
import { createCommands } from '../../eas/commands/index.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { createHarness } from '../eas-send/context.js';
import { startEas } from './harness.js';

const tags = (e: WbxmlElement | undefined) => (e?.children ?? []).map((c) => c.tag);

function body(r: CommandResult): WbxmlElement {
  if (r.kind !== 'wbxml') throw new Error(`expected WBXML, got ${r.kind}`);
  return r.body;
}

/** MS-ASPROV 6.1 Provision.xsd, EASProvisionDoc xs:sequence. */
const EAS_PROVISION_DOC_SEQUENCE = [
  'DevicePasswordEnabled', 'AlphanumericDevicePasswordRequired', 'PasswordRecoveryEnabled',
  'RequireStorageCardEncryption', 'AttachmentsEnabled', 'MinDevicePasswordLength',
  'MaxInactivityTimeDeviceLock', 'MaxDevicePasswordFailedAttempts', 'MaxAttachmentSize',
  'AllowSimpleDevicePassword', 'DevicePasswordExpiration', 'DevicePasswordHistory',
  'AllowStorageCard', 'AllowCamera', 'RequireDeviceEncryption', 'AllowUnsignedApplications',
  'AllowUnsignedInstallationPackages', 'MinDevicePasswordComplexCharacters', 'AllowWiFi',
  'AllowTextMessaging', 'AllowPOPIMAPEmail', 'AllowBluetooth', 'AllowIrDA',
  'RequireManualSyncWhenRoaming', 'AllowDesktopSync', 'MaxCalendarAgeFilter', 'AllowHTMLEmail',
  'MaxEmailAgeFilter', 'MaxEmailBodyTruncationSize', 'MaxEmailHTMLBodyTruncationSize',
  'RequireSignedSMIMEMessages', 'RequireEncryptedSMIMEMessages', 'RequireSignedSMIMEAlgorithm',
  'RequireEncryptionSMIMEAlgorithm', 'AllowSMIMEEncryptionAlgorithmNegotiation', 'AllowSMIMESoftCerts',
  'AllowBrowser', 'AllowConsumerEmail', 'AllowRemoteDesktop', 'AllowInternetSharing',
  'UnapprovedInROMApplicationList', 'ApprovedApplicationList',
].map((n) => `Provision:${n}`);

test('EASProvisionDoc children follow the MS-ASPROV 6.1 sequence', (t) => {
  t.deepEqual(tags(provisionDoc()), EAS_PROVISION_DOC_SEQUENCE);
});

const USER = { user: 'order@example.test', password: 'order-pw', deviceId: 'ORDER1', deviceType: 'Test' };
const deviceInfo = el('Settings:DeviceInformation', [el('Settings:Set', [el('Settings:Model', 'Phone')])]);
const policyRequest = (type: string, extra: WbxmlElement[] = []) =>
  el('Provision:Provision', [
    ...extra,
    el('Provision:Policies', [el('Provision:Policy', [el('Provision:PolicyType', type)])]),
  ]);

test('Provision: DeviceInformation, Status, Policies, RemoteWipe (MS-ASPROV 6.3)', async (t) => {
  const h = await startEas(t);
  await h.addUser(USER.user, USER.password);
  const c = h.client(USER);

  const unknownType = (await c.post('Provision', policyRequest('MS-WAP-Provisioning-XML', [deviceInfo]))).body!;
  t.deepEqual(tags(unknownType), ['Settings:DeviceInformation', 'Provision:Status', 'Provision:Policies']);
  t.deepEqual(tags(unknownType.path('Policies', 'Policy')), ['Provision:PolicyType', 'Provision:Status']);

  const account = (await h.store.findAccount(USER.user))!;
  await h.store.updateDevice((await h.store.getDevice(account.id, USER.deviceId))!.id, { wipe: 'requested' });
  const wipe = (await c.post('Provision', policyRequest('MS-EAS-Provisioning-WBXML', [deviceInfo]))).body!;
  t.deepEqual(tags(wipe), ['Settings:DeviceInformation', 'Provision:Status', 'Provision:RemoteWipe']);
  t.deepEqual(tags(wipe.child('Settings:DeviceInformation')), ['Settings:Status']);
});

test('Ping: Status first, then Folders, MaxFolders or HeartbeatInterval (MS-ASCMD 6.30)', async (t) => {
  const h = await startEas(t, { config: { push: { heartbeatMin: 60, heartbeatMax: 120, maxPingFolders: 1, pushOn: 'adds', maxParkedPerAccount: 8 } } });
  await h.addUser(USER.user, USER.password);
  const c = h.client(USER);
  const folders = (ids: string[]) => el('Ping:Folders', ids.map((id) => el('Ping:Folder', [el('Ping:Id', id), el('Ping:Class', 'Email')])));

  const range = (await c.post('Ping', el('Ping:Ping', [el('Ping:HeartbeatInterval', '5'), folders(['1'])]))).body!;
  t.deepEqual(tags(range), ['Ping:Status', 'Ping:HeartbeatInterval']);
  t.is(range.intOf('Status'), 5);

  const many = (await c.post('Ping', el('Ping:Ping', [el('Ping:HeartbeatInterval', '60'), folders(['1', '2'])]))).body!;
  t.deepEqual(tags(many), ['Ping:Status', 'Ping:MaxFolders']);
  t.is(many.intOf('Status'), 6);
});

test('Settings: Oof/Get and UserInformation EmailAddresses in schema order (MS-ASCMD 6.38 Settings.xsd, 6.40)', async (t) => {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test', 'Alice');
  await h.deps.store.setOof(alice.id, {
    state: 2,
    startTime: '2026-01-01T00:00:00.000Z',
    endTime: '2026-01-02T00:00:00.000Z',
    messages: [{ appliesTo: 'Internal', enabled: true, replyMessage: 'away', bodyType: 'Text' }],
  });
  const root = body(await h.run(settings.handler, alice, {
    cmd: 'Settings',
    request: el('Settings:Settings', [
      el('Settings:Oof', [el('Settings:Get', [el('Settings:BodyType', 'Text')])]),
      el('Settings:UserInformation', [el('Settings:Get')]),
    ]),
  }));
  t.deepEqual(tags(root), ['Settings:Status', 'Settings:Oof', 'Settings:UserInformation']);
  t.deepEqual(tags(root.path('Oof', 'Get')), ['Settings:OofState', 'Settings:StartTime', 'Settings:EndTime', 'Settings:OofMessage']);
  const account = root.path('UserInformation', 'Get', 'Accounts', 'Account');
  t.deepEqual(tags(account?.child('EmailAddresses')), ['Settings:SmtpAddress', 'Settings:PrimarySmtpAddress']);
});

test('Search: Status, Response/Store{Status, Result*, Range, Total}; Result{Class, LongId, CollectionId, Properties} (MS-ASCMD 6.35)', async (t) => {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const bob = await h.account('bob@example.test', 'Bob');
  const raw = Buffer.from('From: c@example.test\r\nTo: bob@example.test\r\nSubject: Invoice\r\nDate: Tue, 02 Jan 2024 10:00:00 +0000\r\n\r\nplease pay\r\n');
  await h.deps.deliverLocal({ from: 'c@example.test', to: ['bob@example.test'] }, raw);
  const root = body(await h.run(search.handler, bob, {
    cmd: 'Search',
    request: el('Search:Search', [
      el('Search:Store', [
        el('Search:Name', 'Mailbox'),
        el('Search:Query', [el('Search:And', [el('AirSync:Class', 'Email'), el('Search:FreeText', 'invoice')])]),
        el('Search:Options', [el('Search:Range', '0-9')]),
      ]),
    ]),
  }));
  t.deepEqual(tags(root), ['Search:Status', 'Search:Response']);
  t.deepEqual(tags(root.child('Response')), ['Search:Store']);
  const store = root.path('Response', 'Store');
  t.deepEqual(tags(store), ['Search:Status', 'Search:Result', 'Search:Range', 'Search:Total']);
  t.deepEqual(tags(store?.child('Result')), ['AirSync:Class', 'Search:LongId', 'AirSync:CollectionId', 'Search:Properties']);
});

test('ResolveRecipients: Response{To, Status, RecipientCount, Recipient}; Recipient in schema order (MS-ASCMD 6.32)', async (t) => {
  const h = createHarness();
  t.teardown(async () => await h.close());
  const alice = await h.account('alice@example.test', 'Alice');
  await h.account('bob@example.test', 'Bob');
  const root = body(await h.run(resolveRecipients.handler, alice, {
    cmd: 'ResolveRecipients',
    request: el('ResolveRecipients:ResolveRecipients', [
      el('ResolveRecipients:To', 'bob@example.test'),
      el('ResolveRecipients:Options', [
        el('ResolveRecipients:CertificateRetrieval', '2'),
        el('ResolveRecipients:Availability', [
          el('ResolveRecipients:StartTime', '2026-01-01T00:00:00.000Z'),
          el('ResolveRecipients:EndTime', '2026-01-01T02:00:00.000Z'),
        ]),
        el('ResolveRecipients:Picture'),
      ]),
    ]),
  }));
  t.deepEqual(tags(root), ['ResolveRecipients:Status', 'ResolveRecipients:Response']);
  const response = root.child('Response');
  t.deepEqual(tags(response), ['ResolveRecipients:To', 'ResolveRecipients:Status', 'ResolveRecipients:RecipientCount', 'ResolveRecipients:Recipient']);
  const recipient = response?.child('Recipient');
  t.deepEqual(tags(recipient), [
    'ResolveRecipients:Type', 'ResolveRecipients:DisplayName', 'ResolveRecipients:EmailAddress',
    'ResolveRecipients:Availability', 'ResolveRecipients:Certificates', 'ResolveRecipients:Picture',
  ]);
  t.deepEqual(tags(recipient?.child('Availability')), ['ResolveRecipients:Status', 'ResolveRecipients:MergedFreeBusy']);
  t.deepEqual(tags(recipient?.child('Certificates')), ['ResolveRecipients:Status', 'ResolveRecipients:CertificateCount']);
});

test('refusal bodies: Status is the first child of every offered command, MeetingResponse nests it in Result', (t) => {
  for (const cmd of Object.keys(createCommands())) {
    const b = statusBody(cmd, 142);
    // Checked on its own below: its Status sits inside Result.
    if (cmd === 'MeetingResponse') continue;
    if (cmd === 'GetAttachment') {
      t.is(b, null, 'GetAttachment has no WBXML response');
      continue;
    }
    t.truthy(b, cmd);
    t.deepEqual(tags(b!), [`${b!.ns}:Status`], cmd);
    t.is(b!.intOf('Status'), 142, cmd);
  }
  // MS-ASCMD 6.26: MeetingResponse has no top-level Status; Result (required) carries it.
  const meeting = statusBody('MeetingResponse', 102)!;
  t.deepEqual(tags(meeting), ['MeetingResponse:Result']);
  t.deepEqual(tags(meeting.child('Result')), ['MeetingResponse:Status']);
});

/** The opening tags of an XML text, in document order, prefixed by nesting depth: "2:User". */
function openTags(xml: string): string[] {
  const out: string[] = [];
  let depth = 0;
  for (const m of xml.matchAll(/<(\/?)([A-Za-z][\w.-]*)[^>]*?(\/?)>/g)) {
    if (m[1]) depth--;
    else {
      out.push(`${depth}:${m[2]}`);
      if (!m[3]) depth++;
    }
  }
  return out;
}

test('Autodiscover: mobilesync Response{Culture, User{DisplayName, EMailAddress}, Action}, Server{Type, Url, Name} (MS-ASCMD 2.2.1.1, Autodiscover response schemas)', (t) => {
  const ok = settingsResponse({ displayName: 'Alice', emailAddress: 'alice@example.test', url: 'https://mail.example.test/Microsoft-Server-ActiveSync' });
  t.deepEqual(openTags(ok), [
    '0:Autodiscover', '1:Response', '2:Culture', '2:User', '3:DisplayName', '3:EMailAddress',
    '2:Action', '3:Settings', '4:Server', '5:Type', '5:Url', '5:Name',
  ]);
  t.deepEqual(openTags(providerErrorResponse('x@example.test', 'no', 'EMailAddress')), [
    '0:Autodiscover', '1:Response', '2:Culture', '2:User', '3:EMailAddress',
    '2:Action', '3:Error', '4:Status', '4:Message', '4:DebugData',
  ]);
  t.deepEqual(openTags(frameworkErrorResponse(600, 'test')), [
    '0:Autodiscover', '1:Response', '2:Error', '3:ErrorCode', '3:Message', '3:DebugData',
  ]);
});
