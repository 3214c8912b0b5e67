// Which commands exist at EAS 2.5 (MS-ASCMD 2.2.1.x, each command's Protocol Versions table;
// docs/clients.md rule 45): ItemOperations and Settings arrived with 12.0, Find with 16.1, and
// GetAttachment left at 16.0. A command outside its versions is HTTP 400, decided in one place
// (eas/http/dispatch.ts) and before the command runs, so it changes nothing; OPTIONS still lists
// every command (rule 1). The commands 2.5 has are answered in their 2.5 form: the folder
// commands, MoveItems, Search of the GAL (the only 2.5 store; Mailbox is Status 2) and
// ResolveRecipients.

import test, { type ExecutionContext } from 'ava';
import { createCommands } from '../../eas/commands/index.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { startEas, type Harness } from '../eas-http/harness.js';
import { sid } from '../helpers/items.js';
import { parseMessage } from '../../plugin/parse.js';

const USER = { user: 'wm@example.com', password: 'smartphone-pw', deviceId: 'WMSP00000001', deviceType: 'SmartPhone' };
const H = (name: string, children?: WbxmlElement[] | string) => el(`FolderHierarchy:${name}`, children);

async function boot(t: ExecutionContext): Promise<Harness> {
  const h = await startEas(t);
  h.addUser(USER.user, USER.password);
  return h;
}

const itemOperationsFetch = (ref: string) =>
  el('ItemOperations:ItemOperations', [el('ItemOperations:Fetch', [el('ItemOperations:Store', 'Mailbox'), el('AirSyncBase:FileReference', ref)])]);
const settingsDeviceInformation = () =>
  el('Settings:Settings', [el('Settings:DeviceInformation', [el('Settings:Set', [el('Settings:Model', 'HTC Touch'), el('Settings:OS', 'Windows Mobile 6.1')])])]);
const findRequest = () =>
  el('Find:Find', [
    el('Find:SearchId', '6d8f3f0a-7b4e-4f6e-9a51-0c2f8a1f5e11'),
    el('Find:ExecuteSearch', [el('Find:GalSearchCriterion', [el('Find:Query', [el('Find:FreeText', 'anna')])])]),
  ]);

test('ItemOperations, Settings and Find do not exist at 2.5: 400 with the EAS headers, and nothing done', async (t) => {
  const h = await boot(t);
  const c = h.client({ ...USER, version: '2.5' });
  for (const [cmd, body] of [
    ['ItemOperations', itemOperationsFetch('1_1')],
    ['Settings', settingsDeviceInformation()],
    ['Find', findRequest()],
  ] as const) {
    const res = await c.post(cmd, body);
    t.is(res.status, 400, cmd);
    t.truthy(res.headers['ms-server-activesync'], `${cmd}: EAS headers on the error`);
    t.is(res.body, null, `${cmd}: no WBXML answer`);
  }
  const account = (await h.store.findAccount(USER.user))!;
  t.deepEqual((await h.store.getDevice(account.id, USER.deviceId))?.info ?? {}, {}, 'the refused Settings stored no DeviceInformation');

  // The same requests are commands of 12.0: answered by the command, not refused.
  const c12 = h.client({ ...USER, version: '12.0', deviceId: 'WMSP00000002' });
  const settings = await c12.post('Settings', settingsDeviceInformation());
  t.is(settings.status, 200);
  t.is(settings.body?.intOf('Status'), 1);
  t.is((await h.store.getDevice(account.id, 'WMSP00000002'))?.info.Model, 'HTC Touch');
  const fetch = await c12.post('ItemOperations', itemOperationsFetch('1_1'));
  t.is(fetch.status, 200);
  t.is(fetch.body?.tag, 'ItemOperations:ItemOperations');
});

test('GetAttachment exists from 2.5 to 14.1, Find only at 16.1; OPTIONS lists every command whatever the version', async (t) => {
  const h = await boot(t);
  for (const version of ['2.5', '12.0', '14.1']) {
    const res = await h.client({ ...USER, version }).post('GetAttachment', null, { params: { AttachmentName: '999999_1' } });
    t.is(res.status, 404, `${version}: the command runs (and finds no such attachment)`);
  }
  for (const version of ['16.0', '16.1']) {
    const res = await h.client({ ...USER, version }).post('GetAttachment', null, { params: { AttachmentName: '999999_1' } });
    t.is(res.status, 400, `${version}: no GetAttachment`);
  }
  t.is((await h.client({ ...USER, version: '16.0' }).post('Find', findRequest())).status, 400);
  t.is((await h.client({ ...USER, version: '16.1' }).post('Find', findRequest())).status, 200);

  const options = await h.client({ ...USER, version: '2.5' }).options();
  const listed = String(options.headers['ms-asprotocolcommands']).split(',');
  t.deepEqual(listed.sort(), Object.keys(createCommands()).sort());
  t.true(listed.includes('ItemOperations') && listed.includes('Settings'));
  t.true(String(options.headers['ms-asprotocolversions']).split(',').includes('2.5'));
});

test('the folder commands and MoveItems at 2.5', async (t) => {
  const h = await boot(t);
  const c = h.client({ ...USER, version: '2.5' });
  const sync = await c.folderSync();
  t.is(sync.status, 1);
  const types = sync.added.map((f) => f.type);
  for (const type of [FolderType.Inbox, FolderType.Drafts, FolderType.DeletedItems, FolderType.SentItems, FolderType.Outbox]) {
    t.true(types.includes(type), `default folder type ${type} listed`);
  }
  t.true(sync.added.every((f) => f.serverId !== '' && f.parentId !== ''), 'every folder has a ServerId and a ParentId');

  const created = await c.post('FolderCreate', H('FolderCreate', [H('SyncKey', c.folderSyncKey), H('ParentId', '0'), H('DisplayName', 'Projects'), H('Type', '12')]));
  t.is(created.body?.intOf('Status'), 1);
  const projects = created.body!.textOf('ServerId')!;
  const updated = await c.post('FolderUpdate', H('FolderUpdate', [H('SyncKey', created.body!.textOf('SyncKey')!), H('ServerId', projects), H('ParentId', '0'), H('DisplayName', 'Archive')]));
  t.is(updated.body?.intOf('Status'), 1);
  c.folderSyncKey = updated.body!.textOf('SyncKey')!;

  // A message in the Inbox, moved into the new folder.
  const account = (await h.store.findAccount(USER.user))!;
  const inbox = (await h.store.folderByType(account.id, FolderType.Inbox))!;
  const raw = Buffer.from('From: x@example.org\r\nTo: wm@example.com\r\nSubject: Move me\r\n\r\nhi\r\n');
  (await h.store.deliver([{ accountId: account.id, raw }], await parseMessage(raw)));
  const item = (await h.store.listItems(account.id, inbox.id))[0]!;
  const moved = await c.post(
    'MoveItems',
    el('Move:MoveItems', [el('Move:Move', [el('Move:SrcMsgId', sid(item)), el('Move:SrcFldId', String(inbox.id)), el('Move:DstFldId', projects)])]),
  );
  t.is(moved.status, 200);
  const response = moved.body!.child('Response')!;
  t.is(response.intOf('Status'), 3, 'MoveItems Status 3: success');
  t.is((await h.store.listItems(account.id, inbox.id)).length, 0);
  t.is((await h.store.listItems(account.id, Number(projects))).length, 1);

  // The mover's own changes are not sent back to it; another 2.5 device sees them.
  const own = await c.folderSync();
  t.is(own.status, 1);
  t.deepEqual([own.added, own.updated, own.deleted], [[], [], []]);
  const other = h.client({ ...USER, version: '2.5', deviceId: 'WMSP00000009' });
  t.deepEqual((await other.folderSync()).added.filter((f) => f.serverId === projects).map((f) => f.displayName), ['Archive']);

  const deleted = await c.post('FolderDelete', H('FolderDelete', [H('SyncKey', c.folderSyncKey), H('ServerId', projects)]));
  t.is(deleted.body?.intOf('Status'), 1);
  const after = await other.folderSync();
  t.is(after.status, 1);
  t.deepEqual(after.deleted, [projects]);
});

test('Search at 2.5: the GAL answers, a Mailbox search is Store Status 2; ResolveRecipients resolves', async (t) => {
  const h = await boot(t);
  h.addUser('anna.kerry@example.com', 'x-pw');
  const c = h.client({ ...USER, version: '2.5' });
  const search = (store: string, query: WbxmlElement[] | string) =>
    c.post('Search', el('Search:Search', [el('Search:Store', [el('Search:Name', store), el('Search:Query', query), el('Search:Options', [el('Search:Range', '0-9')])])]));

  const gal = await search('GAL', 'anna');
  t.is(gal.status, 200);
  t.is(gal.body?.intOf('Status'), 1);
  const store = gal.body!.path('Response', 'Store')!;
  t.is(store.intOf('Status'), 1);
  t.deepEqual(store.all('Result').map((r) => r.path('Properties')?.textOf('EmailAddress')), ['anna.kerry@example.com']);

  const mailbox = await search('Mailbox', [el('Search:And', [el('AirSync:CollectionId', '1'), el('Search:FreeText', 'anything')])]);
  t.is(mailbox.status, 200);
  t.is(mailbox.body?.path('Response', 'Store')?.intOf('Status'), 2);
  t.false(mailbox.body?.path('Response', 'Store')?.has('Result') ?? true);

  const resolved = await c.post('ResolveRecipients', el('ResolveRecipients:ResolveRecipients', [el('ResolveRecipients:To', 'anna.kerry@example.com')]));
  t.is(resolved.status, 200);
  t.is(resolved.body?.intOf('Status'), 1);
  t.is(resolved.body?.path('Response', 'Recipient')?.textOf('EmailAddress'), 'anna.kerry@example.com');
});
