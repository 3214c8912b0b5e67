// EAS 2.5 provisioning (MS-ASPROV 3.2.5.1, docs/clients.md rule 44): the policy comes as
// PolicyType MS-WAP-Provisioning-XML with a wap-provisioningdoc string in Data
// (2.2.2.24.2), two phases as at 12.0+, RemoteWipe as at 12.0+, and an enforced server answers
// HTTP 449 until the device holds the final key. The Data text is parsed as XML (wap-doc.ts),
// and every answer is also read back through libwbxml, the independent codec.

import test, { type ExecutionContext } from 'ava';
import { decode } from '../../eas/wbxml/index.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import type { EasResponse } from '../helpers/eas-client.js';
import { startEas, type Harness } from '../eas-http/harness.js';
import { diffTrees, fromTree, parseLibwbxmlXml, wbxml2xml } from '../wbxml/libwbxml.js';
import { allParms, characteristicAt, parseWapDoc } from './wap-doc.js';

const PHONE = { user: 'old@example.com', password: 'pocket-pc-pw', deviceId: 'WM6PPC0123456789', deviceType: 'PocketPC', version: '2.5' };
const WAP = 'MS-WAP-Provisioning-XML';
const AE = 'HKLM\\Comm\\Security\\Policy\\LASSD\\AE\\{50C13377-C66D-400C-889E-C316FC4AB374}';
const LAP_PW = 'HKLM\\Comm\\Security\\Policy\\LASSD\\LAP\\lap_pw';

const names = (e: WbxmlElement | undefined) => (e?.children ?? []).map((c) => c.tag);
const fsBody = (key = '0') => el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', key)]);
const policyRequest = (type: string, extra: WbxmlElement[] = []) =>
  el('Provision:Provision', [el('Provision:Policies', [el('Provision:Policy', [el('Provision:PolicyType', type), ...extra])])]);

async function boot(t: ExecutionContext, config = {}): Promise<Harness> {
  const h = await startEas(t, { config });
  h.addUser(PHONE.user, PHONE.password);
  return h;
}

/** 200, WBXML that libwbxml reads as the same tree; the decoded body. */
function checked(t: ExecutionContext, res: EasResponse, what: string): WbxmlElement {
  t.is(res.status, 200, what);
  t.is(diffTrees(fromTree(decode(res.raw)), parseLibwbxmlXml(wbxml2xml(res.raw))), undefined, `${what}: libwbxml reads the same tree`);
  return res.body!;
}

test('2.5 two-phase provisioning: the WAP document as a string, then the final key', async (t) => {
  const h = await boot(t);
  const c = h.client(PHONE);

  const first = checked(t, await c.post('Provision', policyRequest(WAP)), 'initial Provision');
  t.deepEqual(names(first), ['Provision:Status', 'Provision:Policies']);
  t.is(first.intOf('Status'), 1);
  const policy = first.path('Policies', 'Policy')!;
  t.deepEqual(names(policy), ['Provision:PolicyType', 'Provision:Status', 'Provision:PolicyKey', 'Provision:Data']);
  t.is(policy.textOf('PolicyType'), WAP);
  t.is(policy.intOf('Status'), 1);
  const temp = Number(policy.textOf('PolicyKey'));
  t.true(temp > 0 && temp <= 0xffffffff);

  // Data is a string at 2.5, not an EASProvisionDoc container.
  const data = policy.child('Data')!;
  t.deepEqual(data.children, []);
  const doc = parseWapDoc(data.text ?? '');
  t.deepEqual(doc.characteristics.map((c) => c.type), ['SecurityPolicy', 'Registry']);
  t.is(characteristicAt(doc, 'SecurityPolicy')?.parms.get('4131'), '1', 'no device password');
  const ae = characteristicAt(doc, 'Registry', AE);
  t.is(ae?.parms.get('AEFrequencyType'), '0', 'no inactivity lock');
  const lap = characteristicAt(doc, 'Registry', LAP_PW);
  t.is(lap?.parms.get('MinimumPasswordLength'), '1');
  t.is(lap?.parms.get('PasswordComplexity'), '2', 'simple passwords allowed');
  t.false(allParms(doc).includes('DeviceWipeThreshold'), 'no wipe threshold is set');

  const account = (await h.store.findAccount(PHONE.user))!;
  t.is((await h.store.getDevice(account.id, PHONE.deviceId))?.pendingPolicyKey, temp);

  // Phase 2: PolicyKey before Status (MS-ASPROV 2.2.2.41), the temporary key in X-MS-PolicyKey.
  const ack = checked(
    t,
    await c.post('Provision', policyRequest(WAP, [el('Provision:PolicyKey', String(temp)), el('Provision:Status', '1')]), { policyKey: temp }),
    'acknowledgement',
  );
  t.is(ack.intOf('Status'), 1);
  const p2 = ack.path('Policies', 'Policy')!;
  t.deepEqual(names(p2), ['Provision:PolicyType', 'Provision:Status', 'Provision:PolicyKey']);
  t.is(p2.textOf('PolicyType'), WAP);
  const final = Number(p2.textOf('PolicyKey'));
  t.true(final > 0);
  t.not(final, temp);
  const device = (await h.store.getDevice(account.id, PHONE.deviceId))!;
  t.is(device.policyKey, final);
  t.is(device.pendingPolicyKey, null);

  // A wrong key is Policy Status 5; a retried acknowledgement of the final key gets it again.
  const wrong = await c.post('Provision', policyRequest(WAP, [el('Provision:PolicyKey', String(final ^ 1)), el('Provision:Status', '1')]));
  t.is(wrong.body?.path('Policies', 'Policy')?.intOf('Status'), 5);
  const again = await c.post('Provision', policyRequest(WAP, [el('Provision:PolicyKey', String(final)), el('Provision:Status', '1')]), { policyKey: final });
  t.is(Number(again.body?.path('Policies', 'Policy')?.textOf('PolicyKey')), final);
});

test('each version gets its own PolicyType: the other one is Policy Status 3', async (t) => {
  const h = await boot(t);
  const old = await h.client(PHONE).post('Provision', policyRequest('MS-EAS-Provisioning-WBXML'));
  t.is(old.status, 200);
  t.is(old.body?.intOf('Status'), 1);
  t.is(old.body?.path('Policies', 'Policy')?.intOf('Status'), 3);
  t.false(old.body?.path('Policies', 'Policy')?.has('Data') ?? true);

  const modern = await h.client({ ...PHONE, version: '12.1', deviceId: 'modern' }).post('Provision', policyRequest(WAP));
  t.is(modern.body?.path('Policies', 'Policy')?.intOf('Status'), 3);
  const account = (await h.store.findAccount(PHONE.user))!;
  t.is((await h.store.getDevice(account.id, PHONE.deviceId))?.pendingPolicyKey, null, 'no key handed out for a refused type');
});

test('the base64 query form at 2.5 provisions the same way (version byte 25, key in the query)', async (t) => {
  const h = await boot(t, { enforceProvisioning: true });
  const c = h.client({ ...PHONE, base64Query: true });
  const first = await c.post('Provision', policyRequest(WAP));
  const temp = Number(first.body?.path('Policies', 'Policy')?.textOf('PolicyKey'));
  t.true(temp > 0);
  t.truthy(parseWapDoc(first.body!.path('Policies', 'Policy', 'Data')!.text ?? ''));
  const ack = await c.post('Provision', policyRequest(WAP, [el('Provision:PolicyKey', String(temp)), el('Provision:Status', '1')]), { policyKey: temp });
  c.policyKey = Number(ack.body?.path('Policies', 'Policy')?.textOf('PolicyKey'));
  const res = await c.post('FolderSync', fsBody());
  t.is(res.status, 200);
  t.is(res.body?.intOf('Status'), 1);
});

test('enforced: 449 before provisioning and for a stale key, commands run once provisioned', async (t) => {
  const h = await boot(t, { enforceProvisioning: true });
  const c = h.client(PHONE);
  const before = await c.post('FolderSync', fsBody());
  t.is(before.status, 449);
  t.truthy(before.headers['ms-server-activesync']);
  t.is(before.raw.length, 0, 'no WBXML Status body below 14.0');

  const temp = Number((await c.post('Provision', policyRequest(WAP))).body?.path('Policies', 'Policy')?.textOf('PolicyKey'));
  t.is((await c.post('FolderSync', fsBody(), { policyKey: temp })).status, 449, 'the temporary key is not enough');
  const ack = await c.post('Provision', policyRequest(WAP, [el('Provision:PolicyKey', String(temp)), el('Provision:Status', '1')]), { policyKey: temp });
  const final = Number(ack.body?.path('Policies', 'Policy')?.textOf('PolicyKey'));

  const after = await c.post('FolderSync', fsBody(), { policyKey: final });
  t.is(after.status, 200);
  t.is(after.body?.intOf('Status'), 1);
  t.true(after.body!.path('Changes')!.all('Add').some((a) => a.intOf('Type') === 2), 'the Inbox is listed');
  t.is((await c.post('FolderSync', fsBody(), { policyKey: final + 1 })).status, 449, 'a stale key');
});

test('remote wipe at 2.5: 449 until the device provisions, RemoteWipe, the acknowledgement recorded', async (t) => {
  const h = await boot(t);
  const c = h.client(PHONE);
  t.is((await c.post('FolderSync', fsBody())).status, 200);
  const account = (await h.store.findAccount(PHONE.user))!;
  const device = (await h.store.getDevice(account.id, PHONE.deviceId))!;
  await h.store.updateDevice(device.id, { wipe: 'requested' });

  t.is((await c.post('FolderSync', fsBody())).status, 449);
  const directive = checked(t, await c.post('Provision', policyRequest(WAP)), 'wipe directive');
  t.deepEqual(names(directive), ['Provision:Status', 'Provision:RemoteWipe']);
  const done = await c.post('Provision', el('Provision:Provision', [el('Provision:RemoteWipe', [el('Provision:Status', '1')])]));
  t.is(done.body?.intOf('Status'), 1);
  t.is((await h.store.getDevice(account.id, PHONE.deviceId))?.wipe, 'acknowledged');
});

test('an account-only wipe is never sent to a 2.5 device, nor turned into a full wipe', async (t) => {
  const h = await boot(t);
  const c = h.client(PHONE);
  await c.post('FolderSync', fsBody());
  const account = (await h.store.findAccount(PHONE.user))!;
  await h.store.updateDevice((await h.store.getDevice(account.id, PHONE.deviceId))!.id, { wipe: 'account-only-requested' });
  const first = await c.post('Provision', policyRequest(WAP));
  t.false(first.body?.has('RemoteWipe'));
  t.false(first.body?.has('AccountOnlyRemoteWipe'));
  t.is(first.body?.path('Policies', 'Policy')?.textOf('PolicyType'), WAP);
  t.is((await c.post('FolderSync', fsBody())).status, 200);
});
