// The Nine 16.1 Contacts traces (test/fixtures/pim, SOURCE.txt) replayed through the Contacts
// class: the client's own Add (723) and Change (721, every Contacts/Contacts2 field and a JPEG
// Picture), and the contact shapes of the server answers (720, 722, 724, 725, 728) sent as if a
// client had added or changed them. Nothing a client sent is lost: another device gets it all.

import test from 'ava';
import { calendarDateOf, dateForClient } from '../../eas/classes/contacts/birthday.js';
import { createContactsClass } from '../../eas/classes/contacts.js';
import type { PropNode } from '../../eas/classes/doc/nodes.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType, type DocItem } from '../../store/types.js';
import { commandsOf, comparable, fixture, nodesOf, pimBox, textIn, type PimBox } from './pim-harness.js';

/** A client's date as the server sends it back (same day, 11:00 UTC). */
function asSent(n: PropNode): PropNode {
  if ((n.tag === 'Contacts:Birthday' || n.tag === 'Contacts:Anniversary') && n.text) return { tag: n.tag, text: dateForClient(calendarDateOf(n.text)!) };
  return n;
}

const NINE = { deviceId: 'NineBDAAC73CD68B', version: '16.1' as const };
const OTHER = '16.1' as const;

async function addAll(box: PimBox, root: WbxmlElement): Promise<Map<string, { item: DocItem; appData: WbxmlElement }>> {
  const byServerId = new Map<string, { item: DocItem; appData: WbxmlElement }>();
  for (const { command, serverId, appData } of commandsOf(root)) {
    if (command !== 'Add') continue;
    const item = await box.add(appData, NINE);
    if (typeof item === 'number') throw new Error(`Add ${serverId} refused: ${item}`);
    byServerId.set(serverId ?? String(item.id), { item, appData });
  }
  return byServerId;
}

test('720: three contacts (one with every field, a 9 KB JPEG Picture and repeated fields) come back whole', async (t) => {
  const box = await pimBox(t, createContactsClass(), FolderType.Contacts);
  const added = await addAll(box, fixture('720-12-sync-res.wbxml'));
  t.deepEqual([...added.keys()], ['A2', 'A3', 'A4']);
  for (const [serverId, { item, appData }] of added) {
    t.deepEqual(comparable(nodesOf(await box.render(item, OTHER))), comparable(nodesOf(appData.children), asSent), serverId);
  }
  const a4 = await box.render(added.get('A4')!.item, OTHER);
  t.is(a4.filter((e) => e.name === 'Email1Address').length, 2, 'both Email1Address values kept');
  t.is((textIn(a4, 'Contacts:Picture') ?? '').length, 9124, 'the JPEG comes back whole');
});

test("721: Nine's Change of A4 with every field (no Supported list) leaves exactly what it sent; 722 changes it again", async (t) => {
  const box = await pimBox(t, createContactsClass(), FolderType.Contacts);
  const a4 = (await addAll(box, fixture('720-12-sync-res.wbxml'))).get('A4')!.item;
  const [change] = commandsOf(fixture('721-02-sync-req.wbxml'));
  t.is(change?.command, 'Change');
  t.is(change?.serverId, 'A4');
  const res = await box.change(a4, change!.appData, { ...NINE, supported: null });
  t.is(res.status, 1);
  const rendered = await box.render(res.item, OTHER);
  t.deepEqual(comparable(nodesOf(rendered)), comparable(nodesOf(change!.appData.children), asSent));
  t.is(textIn(rendered, 'Contacts:FirstName'), 'FirstName#1X');
  t.is(textIn(rendered, 'Contacts:Birthday'), '2019-01-08T11:00:00.000Z');
  t.is(textIn(rendered, 'Contacts2:IMAddress3'), 'msn');
  // 722 (the contact as edited on the server side: FirstName, WebPage) sent by another device.
  const [next] = commandsOf(fixture('722-02-sync-res.wbxml'));
  const again = await box.change(res.item, next!.appData, { deviceId: 'OTHERPHONE', version: '14.1' });
  t.is(again.status, 1);
  const last = await box.render(again.item, OTHER);
  t.deepEqual(comparable(nodesOf(last)), comparable(nodesOf(next!.appData.children), asSent));
  t.is(textIn(last, 'Contacts:WebPage'), 'http://other');
});

test('723: an Add with an empty <Picture/> stores no picture; 724 changes it; 725 and 728 add more', async (t) => {
  const box = await pimBox(t, createContactsClass(), FolderType.Contacts);
  const [add] = commandsOf(fixture('723-02-sync-req.wbxml'));
  const item = await box.add(add!.appData, NINE);
  if (typeof item === 'number') return t.fail(`Add refused: ${item}`);
  t.false(box.props(item).some((n) => n.tag === 'Contacts:Picture'));
  const rendered = await box.render(item, OTHER);
  t.deepEqual(rendered.map((e) => e.tag).sort(), ['AirSyncBase:Body', 'Contacts:LastName', 'Contacts:MobilePhoneNumber']);
  t.is(textIn(rendered, 'Contacts:LastName'), 'Device');

  const [change] = commandsOf(fixture('724-02-sync-res.wbxml'));
  const res = await box.change(item, change!.appData, NINE);
  t.is(res.status, 1);
  t.deepEqual(comparable(nodesOf(await box.render(res.item, OTHER))), comparable(nodesOf(change!.appData.children)));

  for (const name of ['725-02-sync-res.wbxml', '728-11-sync-res.wbxml']) {
    for (const [, { item: added, appData }] of await addAll(box, fixture(name))) {
      t.deepEqual(comparable(nodesOf(await box.render(added, OTHER))), comparable(nodesOf(appData.children)), name);
    }
  }
  t.is(await box.store.countItems(box.account.id, box.folder.id), 3);
});

test('the MS-ASWBXML section 3 example contact, replayed as an Add, comes back with its names and body type', async (t) => {
  const box = await pimBox(t, createContactsClass(), FolderType.Contacts);
  const [add] = commandsOf(fixture('ms-aswbxml-sync-add-contact.wbxml'));
  const item = await box.add(add!.appData, { version: '14.1' });
  if (typeof item === 'number') return t.fail(`Add refused: ${item}`);
  const rendered = await box.render(item, '14.1');
  t.is(textIn(rendered, 'Contacts:FileAs'), 'Funk, Don');
  t.is(textIn(rendered, 'Contacts:FirstName'), 'Don');
  t.is(textIn(rendered, 'Contacts:LastName'), 'Funk');
  t.is(rendered.find((e) => e.name === 'Body')?.textOf('AirSyncBase:Type'), '1');
  // AirSyncBase:NativeBodyType is kept in the document but is not a Contacts property to echo.
  t.true(box.props(item).some((n) => n.tag === 'AirSyncBase:NativeBodyType'));
  t.false(rendered.some((e) => e.name === 'NativeBodyType'));
});
