// `eas-push contacts import|export` against a real store with the Contacts class: counts, UIDs,
// re-import, bad cards, and export read back with ical.js: a 4.0 card no phone changed equal to
// its source (X-, GENDER, a fourth EMAIL and a PHOTO link included), a 3.0 card as 4.0 with the
// same picture bytes, and a phone's change merged into the card it came from.

import test from 'ava';
import ICAL from 'ical.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docProps, textOfNode } from '../../eas/classes/doc/nodes.js';
import { readPhoto } from '../../eas/classes/vcard/photo.js';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { box, deviceChange, docsOf, fixture, fixturePath, run, type Box } from './harness.js';

const FULL = fixturePath('vcard/eas-push/full.vcf');

function cards(text: string): ICAL.Component[] {
  const parsed = ICAL.parse(text) as unknown[];
  const list = typeof parsed[0] === 'string' ? [parsed] : parsed;
  return list.map((c) => new ICAL.Component(c as unknown[]));
}

function card(text: string, uid: string): ICAL.Component {
  const found = cards(text).find((c) => c.getFirstPropertyValue('uid') === uid);
  if (!found) throw new Error(`no card ${uid}`);
  return found;
}

/** A card's properties as jCal, without VERSION, in order. */
const props = (c: ICAL.Component): unknown[] => c.getAllProperties().filter((p) => p.name !== 'version').map((p) => p.toJSON());

async function exported(b: Box): Promise<string> {
  const r = await run(b, 'contacts', ['export', b.address]);
  if (r.code !== 0) throw new Error(`export failed: ${r.stderr}`);
  return r.stdout;
}

test('import: the cards under their UIDs; a second import updates instead of adding', async (t) => {
  const b = await box(t);
  const first = await run(b, 'contacts', ['import', b.address, FULL]);
  t.is(first.code, 0);
  t.is(first.stdout, 'imported 2 contacts into "Contacts" of alice@example.com: 2 added, 0 updated, 0 unchanged\n');
  t.is(
    first.stderr,
    'full.vcf line 1 (card 1): warning: EMAIL:fourth@overflow.example has no free EAS field: kept for export only\n' +
      'full.vcf line 1 (card 1): warning: PHOTO is a link (https://photos.example/jane.jpg): not fetched, kept for export only\n',
  );
  const store = b.store();
  const docs = await docsOf(store, await b.account(store), FolderType.Contacts);
  t.deepEqual(docs.map((d) => d.uid), ['urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1', 'v3-card@example.com']);
  t.is(textOfNode(docProps(docs[0]!.data), 'Contacts:JobTitle'), 'Principal Engineer');

  t.is((await run(b, 'contacts', ['import', b.address, FULL])).stdout, 'imported 2 contacts into "Contacts" of alice@example.com: 0 added, 0 updated, 2 unchanged\n');
  const changed = join(b.dir, 'changed.vcf');
  writeFileSync(changed, fixture('vcard/eas-push/full.vcf').replace('TITLE:Principal Engineer', 'TITLE:Chief Engineer'));
  t.is((await run(b, 'contacts', ['import', b.address, changed])).stdout, 'imported 2 contacts into "Contacts" of alice@example.com: 0 added, 1 updated, 1 unchanged\n');
  const after = await docsOf(store, await b.account(store), FolderType.Contacts);
  t.is(after.length, 2);
  t.is(textOfNode(docProps(after[0]!.data), 'Contacts:JobTitle'), 'Chief Engineer');
});

test('import: bad cards reported with line and number, the good ones written, exit code 1', async (t) => {
  const b = await box(t);
  const r = await run(b, 'contacts', ['import', b.address, fixturePath('vcard/eas-push/mixed-broken.vcf')]);
  t.is(r.code, 1);
  t.is(
    r.stderr,
    'mixed-broken.vcf line 8 (card 2): refused: VCARD: invalid line (no token ";" or ":") "this line has no colon"\n' +
      'mixed-broken.vcf line 20 (card 4): refused: VCARD: BEGIN:VCARD has no END:VCARD\n',
  );
  t.is(r.stdout, 'imported 2 contacts into "Contacts" of alice@example.com: 2 added, 0 updated, 0 unchanged; 2 refused (see above)\n');
  const store = b.store();
  t.deepEqual((await docsOf(store, await b.account(store), FolderType.Contacts)).map((d) => d.uid), ['good-1@example.com', 'good-2@example.com']);
});

test('every fixture imports; imported twice, nothing is added the second time', async (t) => {
  const b = await box(t);
  const files = ['basic_vcard_addressbook.vcf', 'dos_vcard_addressbook.vcf', 'export.vcf', 'v3-binary-jpeg.vcf', 'v3-uri-uri-jpeg.vcf', 'v4-uri-jpeg.vcf', 'v4-uri-png.vcf'];
  for (const f of files) t.is((await run(b, 'contacts', ['import', b.address, fixturePath(`vcard/thunderbird/${f}`)])).code, 0, f);
  const store = b.store();
  t.is((await docsOf(store, await b.account(store), FolderType.Contacts)).length, 9);
  for (const f of files) t.regex((await run(b, 'contacts', ['import', b.address, fixturePath(`vcard/thunderbird/${f}`)])).stdout, /: 0 added, 0 updated, \d+ unchanged/, f);
  // The same two cards with blank lines around them: the same contacts.
  t.regex((await run(b, 'contacts', ['import', b.address, fixturePath('vcard/thunderbird/emptylines_vcard_addressbook.vcf')])).stdout, /: 0 added, 0 updated, 2 unchanged/);
  t.is((await docsOf(store, await b.account(store), FolderType.Contacts)).length, 9);
});

test('export of what no phone changed: a 4.0 card equal to its source, the properties EAS cannot carry included', async (t) => {
  const b = await box(t);
  await run(b, 'contacts', ['import', b.address, FULL]);
  await run(b, 'contacts', ['import', b.address, fixturePath('vcard/thunderbird/export.vcf')]);
  const text = await exported(b);
  t.true(cards(text).every((c) => c.getFirstPropertyValue('version') === '4.0'));
  const source = cards(fixture('vcard/eas-push/full.vcf'))[0]!;
  const jane = card(text, 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1');
  t.deepEqual(props(jane), props(source));
  t.is(jane.getFirstPropertyValue('gender'), 'F');
  t.is(jane.getFirstPropertyValue('x-custom-field'), 'kept, with a comma');
  t.is(jane.getFirstPropertyValue('photo'), 'https://photos.example/jane.jpg');
  for (const c of cards(fixture('vcard/thunderbird/export.vcf'))) {
    t.deepEqual(props(card(text, String(c.getFirstPropertyValue('uid')))), props(c));
  }
});

test('a 3.0 card is exported as 4.0: same values, PREF=1, ANNIVERSARY, the picture\'s bytes as a data: URI', async (t) => {
  const b = await box(t);
  await run(b, 'contacts', ['import', b.address, FULL]);
  await run(b, 'contacts', ['import', b.address, fixturePath('vcard/thunderbird/v3-binary-jpeg.vcf')]);
  const text = await exported(b);
  const max = card(text, 'v3-card@example.com');
  t.deepEqual(max.getAllProperties('email').map((p) => [p.getFirstValue(), p.getFirstParameter('pref') ?? null]), [
    ['max@example.de', null],
    ['max.mustermann@firma.example', '1'],
  ]);
  t.is(String(max.getFirstPropertyValue('anniversary')), '2010-06-01');
  t.is(max.getFirstPropertyValue('x-skype'), 'max.mustermann');
  t.deepEqual(max.getAllProperties('tel').map((p) => p.getFirstValue()), ['+49 30 1234567', '+49 170 7654321']);
  const source = cards(fixture('vcard/thunderbird/v3-binary-jpeg.vcf'))[0]!;
  const binary = cards(text).find((c) => c.getFirstPropertyValue('fn') === 'Binary JPEG')!;
  const photo = readPhoto(binary.getFirstProperty('photo')!);
  const original = readPhoto(source.getFirstProperty('photo')!);
  t.is(photo.kind, 'inline');
  t.true(photo.kind === 'inline' && original.kind === 'inline' && Buffer.from(photo.base64, 'base64').equals(Buffer.from(original.base64, 'base64')));
  t.regex(String(binary.getFirstPropertyValue('photo')), /^data:image\/jpeg;base64,\/9j\//);
  t.is(binary.getFirstPropertyValue('note'), source.getFirstPropertyValue('note'));
});

test('export after a phone changed a contact: its change, its other properties as they were', async (t) => {
  const b = await box(t);
  await run(b, 'contacts', ['import', b.address, FULL]);
  const store = b.store();
  const account = await b.account(store);
  const item = (await docsOf(store, account, FolderType.Contacts))[0]!;
  // A 14.1 phone without a Supported list sends the whole contact: the title and the second address changed.
  const folder = (await store.getFolder(account.id, item.folderId))!;
  const rendered = await b.classes.forFolderType(FolderType.Contacts)!.render(item, { store, account, folder, version: '14.1', options: { filterType: 0, bodyPreferences: [{ type: 1, truncationSize: null, allOrNone: false, preview: null }], bodyPartPreferences: [], mimeSupport: 0, mimeTruncation: null, truncation: null, conflict: null, classes: [] }, log: { info() {}, warn() {}, error() {}, debug() {} } });
  const sent = rendered.map((e) => (e.tag === 'Contacts:JobTitle' ? el('Contacts:JobTitle', 'VP Research') : e.tag === 'Contacts:Email2Address' ? el('Contacts:Email2Address', 'jane@new-home.example') : e));
  t.is(await deviceChange(store, account, b.classes, item, el('AirSync:ApplicationData', sent), '14.1'), 1);

  const jane = card(await exported(b), 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1');
  t.is(jane.getFirstPropertyValue('title'), 'VP Research');
  t.deepEqual(jane.getAllProperties('email').map((p) => [p.getFirstValue(), p.getFirstParameter('type') ?? null, p.getFirstParameter('pref') ?? null]), [
    ['jane.public@work.example', 'work', '1'],
    ['jq@other.example', null, null],
    ['fourth@overflow.example', null, null],
    ['jane@new-home.example', null, null],
  ]);
  t.is(jane.getFirstPropertyValue('gender'), 'F');
  t.is(jane.getFirstPropertyValue('x-custom-field'), 'kept, with a comma');
  t.is(jane.getFirstPropertyValue('photo'), 'https://photos.example/jane.jpg');
  t.deepEqual(jane.getFirstPropertyValue('n'), ['Public', 'Jane', 'Quinn', 'Dr.', 'Jr.']);
  t.is(jane.getAllProperties('tel').length, 6);
});
