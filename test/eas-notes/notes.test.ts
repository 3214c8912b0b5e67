// Every MS-ASNOTE property through the Notes class as Sync uses it (14.1 and 16.1), the Change
// (the whole note: MS-ASCMD 2.2.3.179 Supported does not cover notes), LastModifiedDate as a
// Compact DateTime (MS-ASNOTE 2.2.2.4), the Nine traces 781/783, and no Notes below 14.0.

import test from 'ava';
import { createNotesClass } from '../../eas/classes/notes.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType, type DocItem } from '../../store/types.js';
import { appData, commandsOf, comparable, fixture, nodesOf, pimBox, textIn } from '../eas-contacts/pim-harness.js';

function everyProperty(): WbxmlElement[] {
  return [
    el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', 'Milk, eggs,\nbread')]),
    el('Notes:Subject', 'Shopping'),
    el('Notes:MessageClass', 'IPM.StickyNote'),
    el('Notes:LastModifiedDate', '20250301T101500Z'),
    el('Notes:Categories', [el('Notes:Category', 'Home'), el('Notes:Category', 'Errands')]),
  ];
}

async function added(t: Parameters<typeof pimBox>[0]) {
  const box = await pimBox(t, createNotesClass(), FolderType.Notes);
  const sent = everyProperty();
  const item = await box.add(appData(sent), { version: '14.1' });
  if (typeof item === 'number') throw new Error(`Add refused with ${item}`);
  return { box, item, sent };
}

for (const version of ['14.1', '16.1'] as const) {
  test(`every Notes property added by one phone is sent to another at ${version}`, async (t) => {
    const { box, item, sent } = await added(t);
    t.deepEqual(comparable(nodesOf(await box.render(item, version))), comparable(nodesOf(sent)));
  });
}

for (const [label, opts] of [
  ['without a Supported list', { version: '14.1', supported: null }],
  ['with a Supported list', { version: '14.1', supported: ['Notes:Subject'] }],
  ['at 16.1', { version: '16.1', supported: null }],
] as const) {
  test(`a Change ${label} replaces the whole note`, async (t) => {
    const { box, item } = await added(t);
    const change = appData([el('Notes:Subject', 'Shopping (done)'), el('Notes:MessageClass', 'IPM.StickyNote'), el('Notes:LastModifiedDate', '2025-03-02T08:00:00.000Z')]);
    const res = await box.change(item, change, opts);
    t.is(res.status, 1);
    const rendered = await box.render(res.item, '16.1');
    t.deepEqual(rendered.map((e) => `${e.name}=${e.text}`).sort(), ['LastModifiedDate=20250302T080000Z', 'MessageClass=IPM.StickyNote', 'Subject=Shopping (done)']);
  });
}

test('a note without LastModifiedDate or MessageClass gets the time it was applied and IPM.StickyNote', async (t) => {
  const box = await pimBox(t, createNotesClass(), FolderType.Notes);
  const before = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const item = await box.add(appData([el('Notes:Subject', 'quick')]), { version: '16.1' });
  const after = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  if (typeof item === 'number') return t.fail(`Add refused: ${item}`);
  const rendered = await box.render(item, '16.1');
  t.is(textIn(rendered, 'Notes:MessageClass'), 'IPM.StickyNote');
  const stamp = textIn(rendered, 'Notes:LastModifiedDate') ?? '';
  t.regex(stamp, /^\d{8}T\d{6}Z$/);
  t.true(stamp >= before, `${stamp} not before ${before}`);
  t.true(stamp <= after, `${stamp} not after ${after}`);
});

test('781 and 783: the Nine note Change and Add', async (t) => {
  const box = await pimBox(t, createNotesClass(), FolderType.Notes);
  const [add] = commandsOf(fixture('783-02-sync-req.wbxml'));
  const item = await box.add(add!.appData, { version: '16.1', deviceId: 'Nine' });
  if (typeof item === 'number') return t.fail(`Add refused: ${item}`);
  const rendered = await box.render(item, '14.1');
  t.is(textIn(rendered, 'Notes:Subject'), 'Device');
  t.is(rendered.find((e) => e.name === 'Body')?.textOf('AirSyncBase:Data'), 'Device');
  const [change] = commandsOf(fixture('781-02-sync-req.wbxml'));
  const res = await box.change(item as DocItem, change!.appData, { version: '16.1', deviceId: 'Nine' });
  t.is(res.status, 1);
  const after = await box.render(res.item, '14.1');
  t.is(textIn(after, 'Notes:Subject'), 'Text #1XX');
  t.is(after.find((e) => e.name === 'Body')?.textOf('AirSyncBase:Data'), 'This is a \r\nnormal text!');
  t.deepEqual(
    comparable(nodesOf(after)).filter((s) => !s.includes('LastModifiedDate')),
    comparable(nodesOf(change!.appData.children)),
  );
});

test('a Notes Add at 12.1 is refused with Status 6: the class does not exist below 14.0', async (t) => {
  const box = await pimBox(t, createNotesClass(), FolderType.Notes);
  t.is(box.cls.minVersion, '14.0');
  t.is(await box.add(appData(everyProperty()), { version: '12.1' }), 6);
  t.is(await box.store.countItems(box.account.id, box.folder.id), 0);
  // The same note at 14.0 is taken.
  t.not(typeof (await box.add(appData(everyProperty()), { version: '14.0' })), 'number');
});
