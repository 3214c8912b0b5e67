// Birthday and Anniversary keep the DATE the user meant (MS-ASCNTC 2.2.2.6: "the time portion
// ... SHOULD be ignored"), whatever time of day the sending client put on it, and are sent in
// the form no known reader shows a day early (eas/classes/contacts/birthday.ts has the evidence).

import test from 'ava';
import { calendarDateOf, dateForClient } from '../../eas/classes/contacts/birthday.js';
import { createContactsClass } from '../../eas/classes/contacts.js';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { appData, pimBox, textIn } from './pim-harness.js';

const HOUR = 3_600_000;
/** The forms clients send for 17 May 1980. */
const FORMS: [string, string][] = [
  ['UTC midnight (AOSP Exchange, Nine)', '1980-05-17T00:00:00.000Z'],
  ['local midnight at UTC+2 (iPhone, Exchange in Berlin)', '1980-05-16T22:00:00.000Z'],
  ['local midnight at UTC+1', '1980-05-16T23:00:00.000Z'],
  ['local midnight at UTC+12', '1980-05-16T12:00:00.000Z'],
  ['local midnight at UTC-5', '1980-05-17T05:00:00.000Z'],
  ['local midnight at UTC-11', '1980-05-17T11:00:00.000Z'],
  ['local noon at UTC+1 (the 11:00 UTC form)', '1980-05-17T11:00:00.000Z'],
  ['local noon at UTC+10', '1980-05-17T02:00:00.000Z'],
  ['no milliseconds', '1980-05-17T00:00:00Z'],
  ['a bare date', '1980-05-17'],
  ['Compact DateTime', '19800517T000000Z'],
  ['an explicit offset', '1980-05-17T00:00:00+02:00'],
];

for (const [what, value] of FORMS) {
  test(`${what}: ${value} is stored as 1980-05-17`, (t) => {
    t.is(calendarDateOf(value), '1980-05-17');
  });
}

test('years without a birth year (iOS 1604), leap days and impossible dates', (t) => {
  t.is(calendarDateOf('1604-05-17T00:00:00.000Z'), '1604-05-17');
  t.is(calendarDateOf('1984-02-29T00:00:00.000Z'), '1984-02-29');
  t.is(calendarDateOf('1983-02-29T00:00:00.000Z'), null);
  t.is(calendarDateOf('1980-13-01T00:00:00.000Z'), null);
  t.is(calendarDateOf('not a date'), null);
});

test('the date sent back reads as the same day for every known reader from UTC-11 to UTC+12', (t) => {
  const sent = dateForClient('1980-05-17');
  t.is(sent, '1980-05-17T11:00:00.000Z');
  const instant = Date.parse(sent);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  // The spec's reader (and iPhone, per tine20 #7416): the UTC date, time ignored.
  t.is(day(instant), '1980-05-17');
  // AOSP Exchange ContactsSyncParser.addBirthday: UTC date, plus one day when the hour is 12 or later.
  t.is(new Date(instant).getUTCHours() >= 12 ? day(instant + 24 * HOUR) : day(instant), '1980-05-17');
  // A reader that converts to the device's local time (Outlook, tine20 #5285) anywhere in UTC-11..UTC+12.
  for (let offset = -11; offset <= 12; offset++) t.is(day(instant + offset * HOUR), '1980-05-17', `UTC${offset >= 0 ? '+' : ''}${offset}`);
});

test("a phone at UTC+2 adds a birthday as its local midnight; another device gets the same date, and a third phone's change in its own form keeps it", async (t) => {
  const box = await pimBox(t, createContactsClass(), FolderType.Contacts);
  const item = await box.add(appData([el('Contacts:LastName', 'Lovelace'), el('Contacts:Birthday', '1980-05-16T22:00:00.000Z'), el('Contacts:Anniversary', '2001-12-31T23:00:00.000Z')]), { deviceId: 'IPHONE', version: '16.1' });
  if (typeof item === 'number') return t.fail(`Add refused: ${item}`);
  t.deepEqual(box.props(item).find((n) => n.tag === 'Contacts:Birthday'), { tag: 'Contacts:Birthday', text: '1980-05-17' });
  const other = await box.render(item, '14.1');
  t.is(textIn(other, 'Contacts:Birthday'), '1980-05-17T11:00:00.000Z');
  t.is(textIn(other, 'Contacts:Anniversary'), '2002-01-01T11:00:00.000Z');

  // An Android phone (AOSP: UTC midnight) edits the name and sends every field back in its form.
  const res = await box.change(item, appData([el('Contacts:LastName', 'King'), el('Contacts:Birthday', '1980-05-17T00:00:00.000Z'), el('Contacts:Anniversary', '2002-01-01T00:00:00.000Z')]), { deviceId: 'ANDROID', version: '14.1' });
  t.is(res.status, 1);
  const after = await box.render(res.item, '16.1');
  t.is(textIn(after, 'Contacts:Birthday'), '1980-05-17T11:00:00.000Z');
  t.is(textIn(after, 'Contacts:LastName'), 'King');
  // Nothing changed in the dates: the stored document holds the same date strings.
  t.deepEqual(box.props(res.item).find((n) => n.tag === 'Contacts:Anniversary'), { tag: 'Contacts:Anniversary', text: '2002-01-01' });
});

test('an empty Birthday in a Change clears it', async (t) => {
  const box = await pimBox(t, createContactsClass(), FolderType.Contacts);
  const item = await box.add(appData([el('Contacts:LastName', 'X'), el('Contacts:Birthday', '1990-01-02T00:00:00.000Z')]));
  if (typeof item === 'number') return t.fail(`Add refused: ${item}`);
  const res = await box.change(item, appData([el('Contacts:LastName', 'X'), el('Contacts:Birthday')]), { supported: ['Contacts:Birthday'] });
  t.is(res.status, 1);
  t.is(textIn(await box.render(res.item, '16.1'), 'Contacts:Birthday'), undefined);
});
