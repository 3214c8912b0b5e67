import { readFileSync } from 'node:fs';
import test from 'ava';
import { el } from '../../eas/wbxml/tree.js';
import { startEas } from './harness.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/eas-http/${name}`, import.meta.url));
const NINE = { user: 't2@dev.fd', password: 'nine-pw', deviceId: 'Nine45069EA34A52', deviceType: 'Android' };

async function setup(t: Parameters<typeof startEas>[0]) {
  const h = await startEas(t);
  await h.addUser(NINE.user, NINE.password);
  return { h, c: h.client(NINE), account: (await h.store.findAccount(NINE.user))! };
}

test('Nine captures replay: DeviceInformation, UserInformation, RightsManagementInformation', async (t) => {
  const { h, c, account } = await setup(t);
  const info = await c.post('Settings', fixture('nine-754-06-settings-deviceinfo.req.wbxml'));
  t.is(info.body?.intOf('Status'), 1);
  t.is(info.body?.path('DeviceInformation')?.intOf('Status'), 1);
  t.like((await h.store.getDevice(account.id, NINE.deviceId))?.info, { IMEI: '000000000000000', OSLanguage: 'English (United States)' });

  const user = await c.post('Settings', fixture('nine-754-07-settings-userinfo.req.wbxml'));
  const ui = user.body?.path('UserInformation');
  t.is(ui?.intOf('Status'), 1);
  const acct = ui?.path('Get', 'Accounts', 'Account');
  t.is(acct?.path('EmailAddresses')?.textOf('PrimarySmtpAddress'), 't2@dev.fd');
  t.is(acct?.textOf('UserDisplayName'), 't2');

  const rights = await c.post('Settings', fixture('nine-754-08-settings-rights.req.wbxml'));
  t.is(rights.body?.path('RightsManagementInformation')?.intOf('Status'), 1);
});

test('UserInformation at 12.1 uses EmailAddresses/SmtpAddress', async (t) => {
  const { h } = await setup(t);
  const res = await h.client({ ...NINE, version: '12.1' }).post(
    'Settings',
    el('Settings:Settings', [el('Settings:UserInformation', [el('Settings:Get')])]),
  );
  t.is(res.body?.path('UserInformation', 'Get', 'EmailAddresses')?.textOf('SmtpAddress'), 't2@dev.fd');
  t.false(res.body?.path('UserInformation', 'Get')?.has('Accounts') ?? true);
});

test('Oof: Get with nothing set, Nine\'s Set (753/01), then Get in Text, HTML and Windows Mail\'s TEXT', async (t) => {
  const { c } = await setup(t);
  const empty = await c.post('Settings', fixture('nine-752-01-settings-oof-get.req.wbxml'));
  t.is(empty.body?.path('Oof')?.intOf('Status'), 1);
  t.is(empty.body?.path('Oof', 'Get')?.intOf('OofState'), 0);

  const set = await c.post('Settings', fixture('nine-753-01-settings-oof-set.req.wbxml'));
  t.is(set.body?.intOf('Status'), 1);
  t.is(set.body?.path('Oof')?.intOf('Status'), 1);

  const got = await c.post('Settings', fixture('nine-752-01-settings-oof-get.req.wbxml'));
  const get = got.body?.path('Oof', 'Get');
  t.is(get?.intOf('OofState'), 1);
  const messages = get?.all('OofMessage') ?? [];
  t.is(messages.length, 3);
  const internal = messages.find((m) => m.has('AppliesToInternal'));
  t.is(internal?.textOf('ReplyMessage'), 'Not available');
  t.is(internal?.textOf('Enabled'), '1');
  t.is(messages.find((m) => m.has('AppliesToExternalUnknown'))?.textOf('Enabled'), '0');

  const wm = await c.post('Settings', fixture('windowsmail-807-01-settings-oof-get.req.wbxml'));
  t.is(wm.body?.path('Oof')?.intOf('Status'), 1);
  t.is(wm.body?.path('Oof', 'Get', 'OofMessage')?.textOf('BodyType'), 'Text');

  const html = await c.post('Settings', el('Settings:Settings', [el('Settings:Oof', [el('Settings:Get', [el('Settings:BodyType', 'HTML')])])]));
  t.is(html.body?.path('Oof', 'Get', 'OofMessage')?.textOf('BodyType'), 'HTML');
});

test('Oof Set errors are a per-part Status; other parts still answer', async (t) => {
  const { c } = await setup(t);
  const res = await c.post(
    'Settings',
    el('Settings:Settings', [
      el('Settings:Oof', [el('Settings:Set', [el('Settings:OofState', '2')])]),
      el('Settings:Oof', [el('Settings:Set', [el('Settings:OofState', '7')])]),
      el('Settings:Oof', [
        el('Settings:Set', [
          el('Settings:OofState', '2'),
          el('Settings:StartTime', '2030-01-02T00:00:00.000Z'),
          el('Settings:EndTime', '2030-01-01T00:00:00.000Z'),
        ]),
      ]),
      el('Settings:Oof', [el('Settings:Get', [el('Settings:BodyType', 'RTF')])]),
      el('Settings:DevicePassword', [el('Settings:Set', [el('Settings:Password', 'x')])]),
      el('Settings:UserInformation', [el('Settings:Get')]),
    ]),
  );
  t.is(res.body?.intOf('Status'), 1);
  const statuses = res.body!.children.slice(1).map((p) => `${p.name}:${p.intOf('Status')}`);
  t.deepEqual(statuses, ['Oof:2', 'Oof:5', 'Oof:5', 'Oof:2', 'DevicePassword:1', 'UserInformation:1']);
});

test('a time-based Oof round-trips its window', async (t) => {
  const { c } = await setup(t);
  await c.post(
    'Settings',
    el('Settings:Settings', [
      el('Settings:Oof', [
        el('Settings:Set', [
          el('Settings:OofState', '2'),
          el('Settings:StartTime', '2030-01-01T00:00:00.000Z'),
          el('Settings:EndTime', '2030-01-02T00:00:00.000Z'),
        ]),
      ]),
    ]),
  );
  const got = await c.post('Settings', el('Settings:Settings', [el('Settings:Oof', [el('Settings:Get', [el('Settings:BodyType', 'Text')])])]));
  const get = got.body?.path('Oof', 'Get');
  t.is(get?.intOf('OofState'), 2);
  t.is(get?.textOf('StartTime'), '2030-01-01T00:00:00.000Z');
  t.is(get?.textOf('EndTime'), '2030-01-02T00:00:00.000Z');
});

test('not a Settings request, or nothing known in it: Status 2', async (t) => {
  const { c } = await setup(t);
  t.is((await c.post('Settings', el('FolderHierarchy:FolderSync', [el('FolderHierarchy:SyncKey', '0')]))).body?.intOf('Status'), 2);
  t.is((await c.post('Settings', null)).body?.intOf('Status'), 2);
  t.is((await c.post('Settings', el('Settings:Settings'))).body?.intOf('Status'), 2);
});
