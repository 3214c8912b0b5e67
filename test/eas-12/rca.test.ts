// EAS 12.0 (docs/clients.md rule 35): OPTIONS offers it, and the requests of Microsoft's Remote
// Connectivity Analyzer (syncgw trace 810, already copied under test/fixtures: eas-http/
// rca-810-03-foldersync and eas-sync/810-06_Sync, 810-08_GetItemEstimate, see their SOURCE
// files) are answered as a 12.1 client's would be, with the trace's own DOMAIN\user login,
// User-Agent and DeviceType. Where 12.0 differs (MS-ASCMD 2.2.1.21: no empty Sync, Partial or
// Wait before 12.1, no HeartbeatInterval before 14.0; Find only at 16.1: 400) the answer differs.

import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { decode, encode } from '../../eas/wbxml/index.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { diffTrees, fromTree, parseLibwbxmlXml, wbxml2xml, type XNode } from '../wbxml/libwbxml.js';

const PW = 'rca-test-password';
const RCA_AGENT = 'Microsoft-Server-ActiveSync/12.0+(TestExchangeConnectivity.com)';

function fixture(path: string): Buffer {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url));
}

/** The captured request with our SyncKey and CollectionId in place of syncgw's. */
function adapted(path: string, ids: { syncKey: string; collectionId: string }): Buffer {
  const tree = decode(fixture(path));
  const visit = (n: WbxmlElement) => {
    if (n.name === 'SyncKey') n.text = ids.syncKey;
    if (n.name === 'CollectionId') n.text = ids.collectionId;
    n.children.forEach(visit);
  };
  visit(tree);
  return Buffer.from(encode(tree));
}

async function setup(t: ExecutionContext): Promise<{ s: TestServer; rca: EasClient }> {
  const s = await startTestServer();
  t.teardown(() => s.stop());
  await s.store.createAccount('t1@tst.example', PW, 'Test One');
  const rca = createEasClient({
    port: s.httpPort,
    user: 'tst\\t1',
    password: PW,
    deviceId: '1235668051',
    deviceType: 'TestActiveSyncConnectivity',
    version: '12.0',
    userAgent: RCA_AGENT,
  });
  return { s, rca };
}

/** wbxml2xml prints text without its surrounding white space (a body's last CRLF). */
function trimmed(n: XNode): XNode {
  return { ...n, text: n.text.trim(), children: n.children.map(trimmed) };
}

/** 200, a WBXML body libwbxml reads as we wrote it. */
function checked(t: ExecutionContext, res: { status: number; raw: Buffer; body: WbxmlElement | null }, what: string): WbxmlElement {
  t.is(res.status, 200, what);
  t.is(diffTrees(trimmed(fromTree(decode(res.raw))), trimmed(parseLibwbxmlXml(wbxml2xml(res.raw)))), undefined, `${what}: libwbxml reads the same tree`);
  return res.body!;
}

test('OPTIONS offers 12.0; the RCA FolderSync, Sync and GetItemEstimate are answered', async (t) => {
  const { s, rca } = await setup(t);
  await s.server.deps.deliverLocal({ from: 'probe@example.org', to: ['t1@tst.example'] }, Buffer.from('From: probe@example.org\r\nTo: t1@tst.example\r\nSubject: Connectivity\r\n\r\nHello.\r\n'));
  const options = await rca.options();
  t.is(options.status, 200);
  t.true(String(options.headers['ms-asprotocolversions']).split(',').includes('12.0'));

  const folders = checked(t, await rca.post('FolderSync', fixture('eas-http/rca-810-03-foldersync.req.wbxml')), 'FolderSync');
  t.is(folders.intOf('Status'), 1);
  const inbox = folders.path('Changes')!.all('Add').find((a) => a.intOf('Type') === 2)!.textOf('ServerId')!;
  t.truthy(inbox);

  const zero = checked(t, await rca.post('Sync', adapted('eas-sync/810-06_Sync.req.wbxml', { syncKey: '0', collectionId: inbox })), 'Sync 0');
  const c0 = zero.path('Collections', 'Collection')!;
  t.is(c0.intOf('Status'), 1);
  const key = c0.textOf('SyncKey')!;
  const estimate = checked(t, await rca.post('GetItemEstimate', adapted('eas-sync/810-08_GetItemEstimate.req.wbxml', { syncKey: key, collectionId: inbox })), 'GetItemEstimate');
  t.is(estimate.path('Response')!.intOf('Status'), 1);
  t.is(estimate.path('Response', 'Collection')!.intOf('Estimate'), 1);
  const page = checked(t, await rca.post('Sync', adapted('eas-sync/810-06_Sync.req.wbxml', { syncKey: key, collectionId: inbox })), 'Sync 1');
  const adds = page.path('Collections', 'Collection', 'Commands')!.all('Add');
  t.is(adds.length, 1);
  t.is(adds[0]!.path('ApplicationData')!.textOf('Email:Subject'), 'Connectivity');
});

test('where 12.0 differs: no empty Sync, Partial or Wait (Status 4), no HeartbeatInterval below 14.0, no Find', async (t) => {
  const { s, rca } = await setup(t);
  const folders = (await rca.post('FolderSync', fixture('eas-http/rca-810-03-foldersync.req.wbxml'))).body!;
  const inbox = folders.path('Changes')!.all('Add').find((a) => a.intOf('Type') === 2)!.textOf('ServerId')!;
  const key = (await rca.post('Sync', adapted('eas-sync/810-06_Sync.req.wbxml', { syncKey: '0', collectionId: inbox }))).body!.path('Collections', 'Collection')!.textOf('SyncKey')!;
  const collections = el('AirSync:Collections', [el('AirSync:Collection', [el('AirSync:SyncKey', key), el('AirSync:CollectionId', inbox)])]);

  const empty = await rca.post('Sync', null);
  t.is(empty.status, 200);
  t.is(empty.body!.intOf('Status'), 4, 'an empty Sync request is 12.1+');
  t.is((await rca.post('Sync', el('AirSync:Sync', [el('AirSync:Partial')]))).body!.intOf('Status'), 4, 'Partial is 12.1+');
  t.is((await rca.post('Sync', el('AirSync:Sync', [collections, el('AirSync:Wait', '1')]))).body!.intOf('Status'), 4, 'Wait is 12.1+');

  const v121 = createEasClient({ port: s.httpPort, user: 'tst\\t1', password: PW, deviceId: 'OTHER121', version: '12.1' });
  await v121.folderSync();
  const key121 = (await v121.post('Sync', el('AirSync:Sync', [el('AirSync:Collections', [el('AirSync:Collection', [el('AirSync:SyncKey', '0'), el('AirSync:CollectionId', inbox)])])]))).body!.path('Collections', 'Collection')!.textOf('SyncKey')!;
  const hb = await v121.post('Sync', el('AirSync:Sync', [el('AirSync:Collections', [el('AirSync:Collection', [el('AirSync:SyncKey', key121), el('AirSync:CollectionId', inbox)])]), el('AirSync:HeartbeatInterval', '60')]));
  t.is(hb.body!.intOf('Status'), 4, 'HeartbeatInterval is 14.0+');

  const find = await rca.post('Find', el('Find:Find', [el('Find:SearchId', '6f9619ff-8b86-d011-b42d-00c04fc964ff')]));
  t.is(find.status, 400);
});
