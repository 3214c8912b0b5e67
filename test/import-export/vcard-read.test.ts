// vCard → Contacts ApplicationData (eas/classes/vcard/contacts-read.ts) on its own, no store:
// every fixture's cards, the mapped values checked exactly (names, the three e-mails, phones by
// TYPE, addresses, dates, the picture's bytes), and what is kept for export only.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { FileError, type ReadResult } from '../../eas/classes/ical/entries.js';
import { decodeText } from '../../eas/classes/ical/text.js';
import { readContactsFile } from '../../eas/classes/vcard/contacts-read.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';
import { fixturePath } from './harness.js';

function read(name: string): ReadResult {
  return readContactsFile(decodeText(readFileSync(fixturePath(`vcard/${name}`))));
}

const fields = (a: WbxmlElement): Record<string, string> =>
  Object.fromEntries(a.children.filter((c) => c.text !== undefined).map((c) => [c.tag, c.text!]));

/** The base64 of a PHOTO in the fixture file, read without ical.js (folded lines joined). */
function photoInFile(name: string): Buffer {
  const unfolded = readFileSync(fixturePath(`vcard/${name}`), 'utf8').replace(/\r?\n[ \t]/g, '');
  const line = unfolded.split(/\r?\n/).find((l) => l.startsWith('PHOTO'))!;
  return Buffer.from(line.slice(line.lastIndexOf(',') + 1 || line.indexOf(':') + 1), 'base64');
}

test('every fixture: cards read and refused, with their lines and numbers', (t) => {
  const expected: Record<string, [entries: number, refused: string[]]> = {
    'thunderbird/basic_vcard_addressbook.vcf': [2, []],
    'thunderbird/dos_vcard_addressbook.vcf': [1, []],
    'thunderbird/emptylines_vcard_addressbook.vcf': [2, []],
    'thunderbird/export.vcf': [2, []],
    'thunderbird/v3-binary-jpeg.vcf': [1, []],
    'thunderbird/v3-uri-uri-jpeg.vcf': [1, []],
    'thunderbird/v4-uri-jpeg.vcf': [1, []],
    'thunderbird/v4-uri-png.vcf': [1, []],
    'eas-push/full.vcf': [2, []],
    'eas-push/mixed-broken.vcf': [2, ['line 8 (card 2)', 'line 20 (card 4)']],
  };
  for (const [name, [entries, refused]] of Object.entries(expected)) {
    const r = read(name);
    t.is(r.entries.length, entries, name);
    t.deepEqual(r.refused.map((p) => p.position), refused, name);
  }
  const broken = read('eas-push/mixed-broken.vcf');
  t.is(broken.refused[0]!.reason, 'VCARD: invalid line (no token ";" or ":") "this line has no colon"');
  t.is(broken.refused[1]!.reason, 'VCARD: BEGIN:VCARD has no END:VCARD');
  t.deepEqual(broken.entries.map((e) => e.uid), ['good-1@example.com', 'good-2@example.com']);
});

test('a file with no vCard in it is one FileError', (t) => {
  t.throws(() => readContactsFile('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'), { instanceOf: FileError, message: 'not a vCard file: no BEGIN:VCARD' });
});

test('a 4.0 card: every mapped property, exactly', (t) => {
  const card = read('eas-push/full.vcf').entries[0]!;
  t.is(card.uid, 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1');
  t.deepEqual(fields(card.appData), {
    'Contacts:Birthday': '1980-05-17T00:00:00.000Z',
    'Contacts:Anniversary': '2009-08-08T00:00:00.000Z',
    'Contacts:BusinessAddressCity': 'Springfield',
    'Contacts:BusinessAddressCountry': 'USA',
    'Contacts:BusinessAddressPostalCode': '62701',
    'Contacts:BusinessAddressState': 'IL',
    'Contacts:BusinessAddressStreet': 'Suite 200\n1 Main Street',
    'Contacts:BusinessFaxNumber': '+1 555 0103',
    'Contacts:BusinessPhoneNumber': '+1-555-0100',
    'Contacts:CompanyName': 'Acme Corporation',
    'Contacts:Department': 'Research',
    'Contacts:Email1Address': 'jane.public@work.example',
    'Contacts:Email2Address': 'jane@home.example',
    'Contacts:Email3Address': 'jq@other.example',
    'Contacts:FileAs': 'Dr. Jane Q. Public Jr.',
    'Contacts:FirstName': 'Jane',
    'Contacts:Home2PhoneNumber': '+1 555 0105',
    'Contacts:HomeAddressCity': 'Shelbyville',
    'Contacts:HomeAddressCountry': 'USA',
    'Contacts:HomeAddressPostalCode': '62565',
    'Contacts:HomeAddressState': 'IL',
    'Contacts:HomeAddressStreet': '22 Elm Road',
    'Contacts:HomePhoneNumber': '+1 555 0101',
    'Contacts:JobTitle': 'Principal Engineer',
    'Contacts:LastName': 'Public',
    'Contacts:MiddleName': 'Quinn',
    'Contacts:MobilePhoneNumber': '+1 555 0102',
    'Contacts:PagerNumber': '+1 555 0104',
    'Contacts:Suffix': 'Jr.',
    'Contacts:Title': 'Dr.',
    'Contacts:WebPage': 'https://jane.example',
    'Contacts2:IMAddress': 'xmpp:jane@chat.example',
    'Contacts2:NickName': 'JQ',
  });
  t.deepEqual(card.appData.child('Contacts:Categories')!.all('Contacts:Category').map((c) => c.text), ['Friends', 'Work']);
  t.is(card.appData.child('AirSyncBase:Body')!.textOf('AirSyncBase:Data'), 'Met at the 2019 conference.\nLikes tea.');
  t.false(card.appData.has('Contacts:Picture'), 'a PHOTO link is not fetched');
  t.deepEqual(card.notes, [
    'EMAIL:fourth@overflow.example has no free EAS field: kept for export only',
    'PHOTO is a link (https://photos.example/jane.jpg): not fetched, kept for export only',
  ]);
  t.deepEqual(card.privateNodes.map((n) => n.tag), ['x:vcard', 'vCard:UID']);
  t.is(card.privateNodes[1]!.text, card.uid);
  t.regex(card.privateNodes[0]!.text!, /GENDER:F/);
});

test('a 3.0 card: TYPE=pref first, repeated TYPE parameters, X-ANNIVERSARY, an X- messenger', (t) => {
  const card = read('eas-push/full.vcf').entries[1]!;
  t.like(fields(card.appData), {
    'Contacts:Email1Address': 'max.mustermann@firma.example',
    'Contacts:Email2Address': 'max@example.de',
    'Contacts:BusinessPhoneNumber': '+49 30 1234567',
    'Contacts:MobilePhoneNumber': '+49 170 7654321',
    'Contacts:Birthday': '1975-02-28T00:00:00.000Z',
    'Contacts:Anniversary': '2010-06-01T00:00:00.000Z',
    'Contacts2:IMAddress': 'max.mustermann',
    'Contacts:FirstName': 'Max',
    'Contacts:LastName': 'Mustermann',
  });
});

test('PHOTO as 3.0 binary, as a 3.0 data: URI and as a 4.0 data: URI: the picture\'s bytes, exactly', (t) => {
  for (const name of ['thunderbird/v3-binary-jpeg.vcf', 'thunderbird/v3-uri-uri-jpeg.vcf', 'thunderbird/v4-uri-jpeg.vcf', 'thunderbird/v4-uri-png.vcf']) {
    const card = read(name).entries[0]!;
    const picture = Buffer.from(card.appData.textOf('Contacts:Picture')!, 'base64');
    t.true(picture.equals(photoInFile(name)), name);
    t.true(picture.length > 1000, name);
    t.notRegex(card.privateNodes[0]!.text!, /PHOTO/, `${name}: the kept card leaves the picture to EAS`);
  }
  const jpeg = Buffer.from(read('thunderbird/v4-uri-jpeg.vcf').entries[0]!.appData.textOf('Contacts:Picture')!, 'base64');
  t.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
});

test('a card without N gets its FN as the first name; cards without UID get one from their text', (t) => {
  const card = read('thunderbird/v3-binary-jpeg.vcf').entries[0]!;
  t.like(fields(card.appData), { 'Contacts:FileAs': 'Binary JPEG', 'Contacts:FirstName': 'Binary JPEG' });
  t.regex(card.uid, /^[0-9a-f]{32}@eas-push\.import$/);
  t.is(read('thunderbird/v3-binary-jpeg.vcf').entries[0]!.uid, card.uid);
  const dos = read('thunderbird/dos_vcard_addressbook.vcf').entries[0]!;
  t.like(fields(dos.appData), { 'Contacts:FirstName': 'Name', 'Contacts:LastName': 'Surname', 'Contacts:Email1Address': 'example@gmail.com' });
});

test('what a phone sends back: a named e-mail address is the address, a local-midnight birthday its date', async (t) => {
  const { contactFromAppData } = await import('../../eas/classes/vcard/app-data.js');
  const { el } = await import('../../eas/wbxml/tree.js');
  const c = contactFromAppData([
    el('Contacts:Email1Address', '"Jane Q. Public" <jane@example.com>'),
    el('Contacts:Email2Address', 'plain@example.com'),
    el('Contacts:Birthday', '1980-05-16T22:00:00.000Z'),
    el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', 'a\r\nb')]),
  ]);
  t.is(c.get('Contacts:Email1Address'), 'jane@example.com');
  t.is(c.get('Contacts:Email2Address'), 'plain@example.com');
  t.is(c.get('Contacts:Birthday'), '1980-05-17');
  t.is(c.get('AirSyncBase:Body'), 'a\nb');
});

test('a card without END before the next BEGIN:VCARD is refused; the next one is read', (t) => {
  const r = readContactsFile('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Lost End\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nUID:b@example.com\r\nFN:Next\r\nEND:VCARD\r\n');
  t.deepEqual(r.refused, [{ position: 'line 1 (card 1)', reason: 'VCARD: BEGIN:VCARD has no END:VCARD' }]);
  t.deepEqual(r.entries.map((e) => [e.position, e.uid]), [['line 4 (card 2)', 'b@example.com']]);
});
