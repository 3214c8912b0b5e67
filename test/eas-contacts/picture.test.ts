// Contacts:Picture above the spec's 48 KB (MS-ASCNTC 2.2.2.58) is accepted and sent back whole:
// clients send such pictures; Sync gives no size option, so it goes out as stored. Where a
// request does carry a limit (MaxSize, MS-ASCMD 2.2.3.105) pictureWithin() applies it.

import { randomBytes } from 'node:crypto';
import test from 'ava';
import { pictureWithin } from '../../eas/classes/contacts/picture.js';
import { createContactsClass } from '../../eas/classes/contacts.js';
import { WbxmlElement, el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { appData, pimBox, textIn } from './pim-harness.js';

/** A 64 KB JPEG-looking image (magic and end marker), base64: about 87 KB of text. */
const BIG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64 * 1024), Buffer.from([0xff, 0xd9])]);

test('a 64 KB picture (87 KB of base64, over the 48 KB of the spec) is accepted and sent back whole', async (t) => {
  const box = await pimBox(t, createContactsClass(), FolderType.Contacts);
  const base64 = BIG.toString('base64');
  t.true(base64.length > 48 * 1024);
  const item = await box.add(appData([el('Contacts:LastName', 'Photogenic'), el('Contacts:Picture', base64)]), { version: '14.1' });
  if (typeof item === 'number') return t.fail(`Add refused: ${item}`);
  for (const version of ['14.1', '16.1'] as const) {
    const sent = textIn(await box.render(item, version), 'Contacts:Picture');
    t.is(sent, base64, version);
    t.deepEqual(Buffer.from(sent!, 'base64'), BIG);
  }
});

test('base64 wrapped over lines, or the image sent as OPAQUE bytes, is kept as plain base64 text', async (t) => {
  const box = await pimBox(t, createContactsClass(), FolderType.Contacts);
  const base64 = BIG.toString('base64');
  const wrapped = base64.replace(/(.{76})/g, '$1\r\n');
  const a = await box.add(appData([el('Contacts:LastName', 'A'), el('Contacts:Picture', wrapped)]));
  const b = await box.add(appData([el('Contacts:LastName', 'B'), new WbxmlElement('Contacts', 'Picture', new Uint8Array(BIG))]));
  const c = await box.add(appData([el('Contacts:LastName', 'C'), new WbxmlElement('Contacts', 'Picture', new Uint8Array(Buffer.from(base64, 'latin1')))]));
  for (const item of [a, b, c]) {
    if (typeof item === 'number') return t.fail(`Add refused: ${item}`);
    t.is(textIn(await box.render(item, '16.1'), 'Contacts:Picture'), base64);
  }
});

test('pictureWithin applies a client MaxSize to the image bytes', async (t) => {
  const box = await pimBox(t, createContactsClass(), FolderType.Contacts);
  const item = await box.add(appData([el('Contacts:LastName', 'P'), el('Contacts:Picture', BIG.toString('base64'))]));
  if (typeof item === 'number') return t.fail(`Add refused: ${item}`);
  t.is(pictureWithin(box.props(item), 102_400)?.text, BIG.toString('base64'));
  t.is(pictureWithin(box.props(item), BIG.length - 1), undefined);
  t.is(pictureWithin([], 102_400), undefined);
});
