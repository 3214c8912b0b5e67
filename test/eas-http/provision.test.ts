import { readFileSync } from 'node:fs';
import test from 'ava';
import { decode, encode } from '../../eas/wbxml/index.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { startEas, type Harness } from './harness.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/eas-http/${name}`, import.meta.url));
const NINE = { user: 't2@dev.fd', password: 'nine-pw', deviceId: 'Nine45069EA34A52', deviceType: 'Android' };

const names = (e: WbxmlElement | undefined) => (e?.children ?? []).map((c) => c.tag);
const fsBody = (key = '0') => el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', key)]);

async function nine(t: Parameters<typeof startEas>[0], config = {}): Promise<Harness> {
  const h = await startEas(t, { config });
  await h.addUser(NINE.user, NINE.password);
  return h;
}

test('Nine two-step provisioning from the captures (754/02, 754/05)', async (t) => {
  const h = await nine(t);
  const c = h.client(NINE);

  const first = await c.post('Provision', fixture('nine-754-02-provision.req.wbxml'));
  t.is(first.status, 200);
  const root = first.body!;
  t.deepEqual(names(root), ['Settings:DeviceInformation', 'Provision:Status', 'Provision:Policies']);
  t.is(root.path('DeviceInformation')?.intOf('Status'), 1);
  t.is(root.intOf('Status'), 1);
  const policy = root.path('Policies', 'Policy');
  t.deepEqual(names(policy), ['Provision:PolicyType', 'Provision:Status', 'Provision:PolicyKey', 'Provision:Data']);
  t.is(policy?.textOf('PolicyType'), 'MS-EAS-Provisioning-WBXML');
  const temp = Number(policy?.textOf('PolicyKey'));
  t.true(temp > 0 && temp <= 0xffffffff);
  const doc = policy?.path('Data', 'EASProvisionDoc');
  t.is(doc?.textOf('DevicePasswordEnabled'), '0');
  t.is(doc?.textOf('AttachmentsEnabled'), '1');

  const account = (await h.store.findAccount(NINE.user))!;
  const stored = (await h.store.getDevice(account.id, NINE.deviceId))!;
  t.like(stored.info, { Model: 'Android SDK built for x86_64', FriendlyName: 'sdk_phone64_x86_64', OS: 'Android 12.8752307', MobileOperator: 'T-Mobile' });
  t.is(stored.pendingPolicyKey, temp);
  t.is(stored.policyKey, null);

  // 754/05 acknowledges key 56210: adapt it to the key we handed out.
  const ack = decode(fixture('nine-754-05-provision-ack.req.wbxml'));
  const keyEl = ack.path('Policies', 'Policy', 'PolicyKey')!;
  t.is(keyEl.text, '56210');
  keyEl.text = String(temp);
  const second = await c.post('Provision', encode(ack), { policyKey: temp });
  t.is(second.status, 200);
  t.is(second.body?.intOf('Status'), 1);
  const p2 = second.body?.path('Policies', 'Policy');
  t.is(p2?.intOf('Status'), 1);
  t.false(p2?.has('Data') ?? true);
  const final = Number(p2?.textOf('PolicyKey'));
  t.true(final > 0);
  t.not(final, temp);
  const after = (await h.store.getDevice(account.id, NINE.deviceId))!;
  t.is(after.policyKey, final);
  t.is(after.pendingPolicyKey, null);

  // A retried acknowledgement of the final key gets the same final key, not an error.
  keyEl.text = String(final);
  const retry = await c.post('Provision', encode(ack), { policyKey: final });
  t.is(Number(retry.body?.path('Policies', 'Policy')?.textOf('PolicyKey')), final);
});

test('children in any order; wrong key is Policy Status 5; unknown PolicyType 3; junk root Status 2', async (t) => {
  const h = await nine(t);
  const c = h.client({ ...NINE, version: '14.0' });
  const first = await c.post(
    'Provision',
    el('Provision:Provision', [el('Provision:Policies', [el('Provision:Policy', [el('Provision:PolicyType', 'MS-EAS-Provisioning-WBXML')])])]),
  );
  const temp = first.body!.path('Policies', 'Policy')!.textOf('PolicyKey')!;
  // iOS 5 order: Status before PolicyType and PolicyKey.
  const iosAck = el('Provision:Provision', [
    el('Provision:Policies', [
      el('Provision:Policy', [el('Provision:Status', '1'), el('Provision:PolicyKey', temp), el('Provision:PolicyType', 'MS-EAS-Provisioning-WBXML')]),
    ]),
  ]);
  const wrong = el('Provision:Provision', [
    el('Provision:Policies', [
      el('Provision:Policy', [el('Provision:PolicyType', 'MS-EAS-Provisioning-WBXML'), el('Provision:PolicyKey', '12345'), el('Provision:Status', '1')]),
    ]),
  ]);
  t.is((await c.post('Provision', wrong)).body?.path('Policies', 'Policy')?.intOf('Status'), 5);
  const ok = await c.post('Provision', iosAck);
  t.is(ok.body?.path('Policies', 'Policy')?.intOf('Status'), 1);
  t.true(Number(ok.body?.path('Policies', 'Policy')?.textOf('PolicyKey')) > 0);

  const wap = await c.post(
    'Provision',
    el('Provision:Provision', [el('Provision:Policies', [el('Provision:Policy', [el('Provision:PolicyType', 'MS-WAP-Provisioning-XML')])])]),
  );
  t.is(wap.body?.path('Policies', 'Policy')?.intOf('Status'), 3);
  t.is((await c.post('Provision', fsBody())).body?.intOf('Status'), 2);
  t.is((await c.post('Provision', null)).body?.intOf('Status'), 2);
});

test('policies are not enforced by default: an unprovisioned device syncs', async (t) => {
  const h = await nine(t);
  const res = await h.client(NINE).folderSync();
  t.is(res.status, 1);
});

test('enforced: 142 in the body from 14.0, 449 below, 144 for a stale key, fine once provisioned', async (t) => {
  const h = await nine(t, { enforceProvisioning: true });
  const c16 = h.client(NINE);
  const r16 = await c16.post('FolderSync', fsBody());
  t.is(r16.status, 200);
  t.is(r16.body?.tag, 'FolderHierarchy:FolderSync');
  t.is(r16.body?.intOf('Status'), 142);
  const c12 = h.client({ ...NINE, version: '12.1', deviceId: 'old-phone' });
  const r12 = await c12.post('FolderSync', fsBody());
  t.is(r12.status, 449);
  t.truthy(r12.headers['ms-server-activesync']);

  const key = await c16.provision({ Model: 'Pixel' });
  t.true(key > 0);
  t.is((await c16.folderSync()).status, 1);
  const stale = await c16.post('FolderSync', fsBody(), { policyKey: key + 1 });
  t.is(stale.body?.intOf('Status'), 144);

  await c12.provision();
  t.is((await c12.folderSync()).status, 1);
});

test('remote wipe: 140 / 449 until the device provisions, RemoteWipe, acknowledgement recorded', async (t) => {
  const h = await nine(t);
  const c = h.client(NINE);
  await c.provision();
  const account = (await h.store.findAccount(NINE.user))!;
  const device = (await h.store.getDevice(account.id, NINE.deviceId))!;
  await h.store.updateDevice(device.id, { wipe: 'requested' });

  t.is((await c.post('FolderSync', fsBody())).body?.intOf('Status'), 140);
  const old = h.client({ ...NINE, version: '12.1' });
  t.is((await old.post('FolderSync', fsBody())).status, 449);

  const directive = await c.post(
    'Provision',
    el('Provision:Provision', [el('Provision:Policies', [el('Provision:Policy', [el('Provision:PolicyType', 'MS-EAS-Provisioning-WBXML')])])]),
  );
  t.deepEqual(names(directive.body!), ['Provision:Status', 'Provision:RemoteWipe']);
  const failed = await c.post('Provision', el('Provision:Provision', [el('Provision:RemoteWipe', [el('Provision:Status', '2')])]));
  t.true(failed.body?.has('RemoteWipe'), 'a failed wipe is asked again');
  const done = await c.post('Provision', el('Provision:Provision', [el('Provision:RemoteWipe', [el('Provision:Status', '1')])]));
  t.is(done.body?.intOf('Status'), 1);
  t.is((await h.store.getDevice(account.id, NINE.deviceId))?.wipe, 'acknowledged');
});

test('account-only wipe is sent at 16.1 only, never escalated to a full wipe', async (t) => {
  const h = await nine(t);
  const account = (await h.store.findAccount(NINE.user))!;
  const c16 = h.client(NINE);
  const c14 = h.client({ ...NINE, deviceId: 'older', version: '14.1' });
  await c16.folderSync();
  await c14.folderSync();
  for (const id of [NINE.deviceId, 'older']) {
    await h.store.updateDevice((await h.store.getDevice(account.id, id))!.id, { wipe: 'account-only-requested' });
  }
  t.is((await c16.post('FolderSync', fsBody('1'))).body?.intOf('Status'), 140);
  const directive = await c16.post('Provision', el('Provision:Provision', [el('Provision:Policies', [el('Provision:Policy', [el('Provision:PolicyType', 'MS-EAS-Provisioning-WBXML')])])]));
  t.true(directive.body?.has('AccountOnlyRemoteWipe'));
  t.false(directive.body?.has('RemoteWipe'));
  const ack = await c16.post('Provision', el('Provision:Provision', [el('Provision:AccountOnlyRemoteWipe', [el('Provision:Status', '1')])]));
  t.is(ack.body?.intOf('Status'), 1);
  t.is((await h.store.getDevice(account.id, NINE.deviceId))?.wipe, 'acknowledged');

  t.is((await c14.folderSync()).status, 1);
  t.true(h.log.lines.some((l) => l.level === 'warn' && /account-only/.test(l.msg)));
});
