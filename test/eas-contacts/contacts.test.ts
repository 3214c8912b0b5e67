// Every MS-ASCNTC (Contacts, Contacts2) property through the Contacts class as Sync uses it:
// a phone adds a contact, another device is sent it (14.1 and 16.1), a Change is merged per the
// ghosting rules of MS-ASCMD 2.2.3.179 (no Supported list, a list, an empty list, and 16.1),
// and the result is sent again. Values are compared after a real WBXML encode/decode.

import test from 'ava';
import { createContactsClass } from '../../eas/classes/contacts.js';
import { CODE_PAGES } from '../../eas/wbxml/codepages.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType, type DocItem } from '../../store/types.js';
import { appData, comparable, nodesOf, pimBox, textIn, type PimBox } from './pim-harness.js';

/** Contacts elements not sent in a Contacts folder (2.5 body, recipient-cache only) or only children. */
const NOT_TOP_LEVEL = new Set(['Body', 'BodySize', 'BodyTruncated', 'Alias', 'WeightedRank', 'Category', 'Child']);
const PICTURE = Buffer.from('\xff\xd8\xff\xe0 a tiny stand-in for a JPEG \xff\xd9', 'latin1').toString('base64');

/** One value for every top-level Contacts and Contacts2 element the spec defines. */
function everyProperty(): WbxmlElement[] {
  const out: WbxmlElement[] = [el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', 'Met at the conference.\nLikes tea.')])];
  for (const page of CODE_PAGES.filter((p) => p.ns === 'Contacts' || p.ns === 'Contacts2')) {
    for (const [, name] of page.tags) {
      if (page.ns === 'Contacts' && NOT_TOP_LEVEL.has(name)) continue;
      const tag = `${page.ns}:${name}`;
      if (name === 'Birthday') out.push(el(tag, '1980-05-16T22:00:00.000Z')); // local midnight at UTC+2
      else if (name === 'Anniversary') out.push(el(tag, '2004-06-12T00:00:00.000Z'));
      else if (name === 'Picture') out.push(el(tag, PICTURE));
      else if (name === 'Categories') out.push(el(tag, [el('Contacts:Category', 'Friends'), el('Contacts:Category', 'Work')]));
      else if (name === 'Children') out.push(el(tag, [el('Contacts:Child', 'Ann'), el('Contacts:Child', 'Ben')]));
      else out.push(el(tag, `${name} value ÄÖÜ`));
    }
  }
  return out;
}

/** The sent properties as the server sends them back: the dates at 11:00 UTC of the meant date. */
const SENT_DATES: Record<string, string> = { 'Contacts:Birthday': '1980-05-17T11:00:00.000Z', 'Contacts:Anniversary': '2004-06-12T11:00:00.000Z' };
const asRendered = (n: { tag: string; text?: string }) => (SENT_DATES[n.tag] ? { tag: n.tag, text: SENT_DATES[n.tag] } : n);

async function added(t: Parameters<typeof pimBox>[0]): Promise<{ box: PimBox; item: DocItem; sent: WbxmlElement[] }> {
  const box = await pimBox(t, createContactsClass(), FolderType.Contacts);
  const sent = everyProperty();
  const item = await box.add(appData(sent), { version: '16.1', deviceId: 'PHONEA' });
  if (typeof item === 'number') throw new Error(`Add refused with ${item}`);
  return { box, item, sent };
}

for (const version of ['14.1', '16.1'] as const) {
  test(`every Contacts and Contacts2 property added by one phone is sent to another at ${version}`, async (t) => {
    const { box, item, sent } = await added(t);
    const rendered = await box.render(item, version);
    t.deepEqual(comparable(nodesOf(rendered)), comparable(nodesOf(sent), asRendered));
    t.true(sent.length > 60, 'the list covers the whole code pages');
  });
}

test('a Change without a Supported list deletes what it does not carry (MS-ASCMD 2.2.3.179)', async (t) => {
  const { box, item } = await added(t);
  const change = appData([el('Contacts:FirstName', 'Renamed'), el('Contacts:LastName', 'Person')]);
  const res = await box.change(item, change, { version: '14.1', supported: null });
  t.is(res.status, 1);
  const rendered = await box.render(res.item, '14.1');
  t.deepEqual(comparable(nodesOf(rendered)), comparable(nodesOf(change.children)));
});

for (const version of ['14.1', '16.1'] as const) {
  test(`a Change with a Supported list at ${version} deletes only the absent elements the list names`, async (t) => {
    const { box, item, sent } = await added(t);
    const supported = ['Contacts:FirstName', 'Contacts:Email2Address', 'Contacts2:NickName', 'Contacts:Picture'];
    const res = await box.change(item, appData([el('Contacts:FirstName', 'Renamed')]), { version, supported });
    t.is(res.status, 1);
    const rendered = await box.render(res.item, version);
    t.is(textIn(rendered, 'Contacts:FirstName'), 'Renamed');
    for (const gone of ['Contacts:Email2Address', 'Contacts2:NickName', 'Contacts:Picture']) t.is(textIn(rendered, gone), undefined, gone);
    // Everything the list does not name is ghosted: kept as it was.
    const kept = sent.filter((e) => !supported.includes(e.tag));
    t.deepEqual(
      comparable(nodesOf(rendered)).filter((s) => !s.includes('"Contacts:FirstName"')),
      comparable(nodesOf(kept), asRendered),
    );
  });
}

test('a Change with an empty Supported list keeps every absent element and clears the ones sent empty', async (t) => {
  const { box, item, sent } = await added(t);
  const res = await box.change(item, appData([el('Contacts:JobTitle', 'Boss'), el('Contacts:Picture'), el('Contacts:Categories')]), { supported: [] });
  t.is(res.status, 1);
  const rendered = await box.render(res.item, '16.1');
  t.is(textIn(rendered, 'Contacts:JobTitle'), 'Boss');
  t.is(textIn(rendered, 'Contacts:Picture'), undefined, 'an empty Picture deletes the photo');
  t.is(textIn(rendered, 'Contacts:Categories'), undefined, 'empty Categories clears them');
  t.is(rendered.length, sent.length - 2);
  t.is(textIn(rendered, 'Contacts2:MMS'), 'MMS value ÄÖÜ');
});

test('a Birthday the server cannot read as a date refuses the Add with Status 6', async (t) => {
  const box = await pimBox(t, createContactsClass(), FolderType.Contacts);
  t.is(await box.add(appData([el('Contacts:LastName', 'X'), el('Contacts:Birthday', 'next tuesday')])), 6);
  t.is(await box.store.countItems(box.account.id, box.folder.id), 0);
});

test('contacts are in every FilterType window and have no EAS UID', async (t) => {
  const { box, item } = await added(t);
  t.is(box.cls.windowSince(5, new Date()), null);
  t.is(item.receivedAt, '9999-12-31T23:59:59.999Z');
  t.is(item.uid, null);
});
