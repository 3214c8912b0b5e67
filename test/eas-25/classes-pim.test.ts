// Contacts, calendar and tasks at protocol 2.5 (docs/sync.md §11, docs/classes.md): a 2.5 device
// adds an item with its 2.5 body (Contacts:Body, Calendar:Body, Tasks:Body, or compressed RTF as
// Ns:Rtf), a 16.1 device on the same account sees it as AirSyncBase:Body, and what the 16.1
// device changes reaches the 2.5 device in the 2.5 form again: Ns:Body, Ns:BodyTruncated and
// (Contacts, Tasks) Ns:BodySize by AirSync:Truncation, nothing of AirSyncBase, none of the
// elements 2.5 lacks (Calendar:AttendeeType). Notes do not exist at 2.5.

import test, { type ExecutionContext } from 'ava';
import { encodeTimeZoneBlob, timeZoneFromIana } from '../../eas/classes/calendar/timezone.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { bodyPreference, cmd, syncRequest } from '../eas-sync/wire.js';
import type { EasClient } from '../helpers/eas-client.js';
import { allTags, checkedBody, device, only, options25, server25, start, sync25 } from './sync-25.js';

const CONTACTS = 9;
const CALENDAR = 8;
const TASKS = 7;
const NOTES = 10;

/** A 16.1 phone's view of a folder: the items of its first page, by ServerId. */
async function phoneItems(phone: EasClient, type: number): Promise<Map<string, WbxmlElement>> {
  const id = await phone.folderIdOfType(type);
  const zero = only((await phone.post('Sync', syncRequest([{ syncKey: '0', collectionId: id }]))).body);
  const page = only((await phone.post('Sync', syncRequest([{ syncKey: zero.syncKey, collectionId: id, options: [el('AirSync:Options', [bodyPreference(1)])] }]))).body);
  return new Map(page.adds.map((a) => [a.serverId, a.data!]));
}

/** The 2.5 device adds one item; its ServerId. */
async function add25(t: ExecutionContext, c: EasClient, cls: string, type: number, appData: WbxmlElement[]): Promise<{ serverId: string; folder: string; key: string }> {
  const folder = await c.folderIdOfType(type);
  const key = await start(c, cls, folder);
  const res = only((await c.post('Sync', sync25([{ cls, syncKey: key, collectionId: folder, commands: [cmd.add('c1', appData)] }]))).body);
  t.is(res.status, 1);
  const response = res.responses.find((r) => r.name === 'Add')!;
  t.is(response.intOf('Status'), 1, `${cls} Add at 2.5`);
  return { serverId: response.textOf('ServerId')!, folder, key: res.syncKey };
}

test('contacts: a 2.5 Contacts:Body is the 16.1 AirSyncBase:Body, and comes back to 2.5 truncated with BodySize', async (t) => {
  const s = await server25(t);
  const wm = device(s, 'WM25CONTACTS');
  const notes = `Met at the fair.\r\n${'Ø'.repeat(600)}`;
  const { serverId, folder, key } = await add25(t, wm, 'Contacts', CONTACTS, [
    el('Contacts:FileAs', 'Kerry, Anna'),
    el('Contacts:FirstName', 'Anna'),
    el('Contacts:LastName', 'Kerry'),
    el('Contacts:Email1Address', 'anna@example.org'),
    el('Contacts:Body', notes),
  ]);

  const phone = device(s, 'PHONE161C', '16.1');
  const seen = (await phoneItems(phone, CONTACTS)).get(serverId)!;
  t.is(seen.textOf('Contacts:FirstName'), 'Anna');
  t.is(seen.path('AirSyncBase:Body')?.intOf('AirSyncBase:Type'), 1);
  t.is(seen.path('AirSyncBase:Body')?.textOf('AirSyncBase:Data'), notes, 'the 2.5 notes, whole, for the 16.1 phone');
  t.false(seen.has('Contacts:Body'));

  // Another 2.5 device with Truncation 1 (512 characters).
  const other = device(s, 'WM25CONTACTS2');
  const otherKey = await start(other, 'Contacts', folder);
  const page = await other.post('Sync', sync25([{ cls: 'Contacts', syncKey: otherKey, collectionId: folder, options: [options25({ Truncation: 1 })] }]));
  const got = only(checkedBody(t, page, 'contacts page')).adds.find((a) => a.serverId === serverId)!.data!;
  t.is(got.textOf('Contacts:Body'), Array.from(notes).slice(0, 512).join(''));
  t.is(got.textOf('Contacts:BodyTruncated'), '1');
  t.is(got.intOf('Contacts:BodySize'), Array.from(notes).length);
  t.false(allTags(page.body!).some((tag) => tag.startsWith('AirSyncBase:')), 'no AirSyncBase at 2.5');

  // The 16.1 phone edits the notes: the first 2.5 device gets the change in its own form, whole.
  const phoneFolder = await phone.folderIdOfType(CONTACTS);
  const pk = only((await phone.post('Sync', syncRequest([{ syncKey: '0', collectionId: phoneFolder }]))).body).syncKey;
  const pk2 = only((await phone.post('Sync', syncRequest([{ syncKey: pk, collectionId: phoneFolder }]))).body).syncKey;
  const changed = only((await phone.post('Sync', syncRequest([{ syncKey: pk2, collectionId: phoneFolder, commands: [cmd.change(serverId, [
    el('Contacts:FileAs', 'Kerry, Anna'),
    el('Contacts:FirstName', 'Anna'),
    el('Contacts:LastName', 'Kerry'),
    el('Contacts:Email1Address', 'anna@example.org'),
    el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', 'New notes from the phone.')]),
  ])] }]))).body);
  t.is(changed.status, 1);
  const back = only((await wm.post('Sync', sync25([{ cls: 'Contacts', syncKey: key, collectionId: folder }]))).body);
  const change = back.changes.find((c) => c.serverId === serverId)!.data!;
  t.is(change.textOf('Contacts:Body'), 'New notes from the phone.');
  t.is(change.textOf('Contacts:BodyTruncated'), '0');
  t.false(change.has('Contacts:BodySize'));
});

test('contacts: compressed RTF (Contacts:Rtf) is kept as RTF, and RTFTruncation sends it only when it fits', async (t) => {
  const s = await server25(t);
  const wm = device(s, 'WM25RTF');
  const rtf = Buffer.from(`{\\rtf1\\ansi ${'Lorem ipsum '.repeat(80)}}`).toString('base64');
  const { serverId, folder } = await add25(t, wm, 'Contacts', CONTACTS, [el('Contacts:FileAs', 'Rich'), el('Contacts:Rtf', rtf)]);

  const phone = device(s, 'PHONE161RTF', '16.1');
  const phoneFolder = await phone.folderIdOfType(CONTACTS);
  const zero = only((await phone.post('Sync', syncRequest([{ syncKey: '0', collectionId: phoneFolder }]))).body);
  const page = only((await phone.post('Sync', syncRequest([{ syncKey: zero.syncKey, collectionId: phoneFolder, options: [el('AirSync:Options', [bodyPreference(3)])] }]))).body);
  const body = page.adds.find((a) => a.serverId === serverId)!.data!.child('AirSyncBase:Body')!;
  t.is(body.intOf('AirSyncBase:Type'), 3);
  t.is(body.textOf('AirSyncBase:Data'), rtf);

  const fits = device(s, 'WM25RTFBIG');
  const k1 = await start(fits, 'Contacts', folder);
  const whole = only((await fits.post('Sync', sync25([{ cls: 'Contacts', syncKey: k1, collectionId: folder, options: [options25({ RTFTruncation: 8 })] }]))).body);
  t.is(whole.adds.find((a) => a.serverId === serverId)!.data!.textOf('Contacts:Rtf'), rtf, 'RTFTruncation 8 (102,400) holds it');

  const small = device(s, 'WM25RTFSMALL');
  const k2 = await start(small, 'Contacts', folder);
  const cut = only((await small.post('Sync', sync25([{ cls: 'Contacts', syncKey: k2, collectionId: folder, options: [options25({ RTFTruncation: 1 })] }]))).body);
  const item = cut.adds.find((a) => a.serverId === serverId)!.data!;
  t.false(item.has('Contacts:Rtf'), 'cut compressed RTF cannot be read: none');
  t.is(item.textOf('Contacts:BodyTruncated'), '1');

  // Sticky: a later page without Options still applies RTFTruncation 1.
  const { serverId: second } = await add25(t, wm, 'Contacts', CONTACTS, [el('Contacts:FileAs', 'Rich too'), el('Contacts:Rtf', rtf)]);
  const later = only((await small.post('Sync', sync25([{ cls: 'Contacts', syncKey: cut.syncKey, collectionId: folder }]))).body);
  const again = later.adds.find((a) => a.serverId === second)!.data!;
  t.false(again.has('Contacts:Rtf'));
  t.is(again.textOf('Contacts:BodyTruncated'), '1');
});

test('calendar: Calendar:Body both ways at 2.5, no BodySize, no AttendeeType or AttendeeStatus, no AirSyncBase', async (t) => {
  const s = await server25(t);
  const zone = encodeTimeZoneBlob(timeZoneFromIana('Europe/Berlin', 2026));
  const wm = device(s, 'WM25CAL');
  const { serverId, folder } = await add25(t, wm, 'Calendar', CALENDAR, [
    el('Calendar:Timezone', zone),
    el('Calendar:AllDayEvent', 0),
    el('Calendar:Body', 'Bring the slides.'),
    el('Calendar:BusyStatus', 2),
    el('Calendar:DtStamp', '20260601T080000Z'),
    el('Calendar:EndTime', '20260610T100000Z'),
    el('Calendar:Location', 'Room 4'),
    el('Calendar:Sensitivity', 0),
    el('Calendar:Subject', 'Review'),
    el('Calendar:StartTime', '20260610T090000Z'),
    el('Calendar:UID', 'wm25-review-1'),
    el('Calendar:MeetingStatus', 0),
  ]);
  const phone = device(s, 'PHONE161CAL', '16.1');
  const seen = (await phoneItems(phone, CALENDAR)).get(serverId)!;
  t.is(seen.textOf('Calendar:Subject'), 'Review');
  t.is(seen.path('AirSyncBase:Body')?.textOf('AirSyncBase:Data'), 'Bring the slides.');

  // A meeting the 16.1 phone adds, with an attendee's type and a long description.
  const phoneFolder = await phone.folderIdOfType(CALENDAR);
  const pk = only((await phone.post('Sync', syncRequest([{ syncKey: '0', collectionId: phoneFolder }]))).body).syncKey;
  const pk2 = only((await phone.post('Sync', syncRequest([{ syncKey: pk, collectionId: phoneFolder }]))).body).syncKey;
  const description = 'Agenda: '.concat('item; '.repeat(200));
  const added = only((await phone.post('Sync', syncRequest([{ syncKey: pk2, collectionId: phoneFolder, commands: [cmd.add('p1', [
    el('Calendar:Timezone', zone),
    el('Calendar:AllDayEvent', 0),
    el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', description)]),
    el('Calendar:BusyStatus', 2),
    el('Calendar:DtStamp', '20260601T080000Z'),
    el('Calendar:EndTime', '20260611T100000Z'),
    el('Calendar:Subject', 'Planning'),
    el('Calendar:StartTime', '20260611T090000Z'),
    el('Calendar:MeetingStatus', 1),
    el('Calendar:Attendees', [el('Calendar:Attendee', [el('Calendar:Email', 'bob@example.org'), el('Calendar:Name', 'Bob'), el('Calendar:AttendeeType', 1)])]),
  ])] }]))).body);
  const phoneId = added.responses.find((r) => r.name === 'Add')!.textOf('ServerId')!;
  t.truthy(phoneId);

  const viewer = device(s, 'WM25CALVIEW');
  const vk = await start(viewer, 'Calendar', folder);
  const res = await viewer.post('Sync', sync25([{ cls: 'Calendar', syncKey: vk, collectionId: folder, options: [options25({ FilterType: 0, Truncation: 1 })] }]));
  const page = only(checkedBody(t, res, 'calendar page'));
  const mine = page.adds.find((a) => a.serverId === serverId)!.data!;
  t.is(mine.textOf('Calendar:Body'), 'Bring the slides.');
  t.is(mine.textOf('Calendar:BodyTruncated'), '0');
  t.is(mine.textOf('Calendar:Location'), 'Room 4');
  const planning = page.adds.find((a) => a.serverId === phoneId)!.data!;
  t.is(planning.textOf('Calendar:Body'), description.slice(0, 512));
  t.is(planning.textOf('Calendar:BodyTruncated'), '1');
  t.false(planning.has('Calendar:BodySize'), 'Calendar has no BodySize');
  const attendee = planning.path('Calendar:Attendees', 'Calendar:Attendee')!;
  t.is(attendee.textOf('Calendar:Email'), 'bob@example.org');
  t.false(attendee.has('Calendar:AttendeeType'), 'AttendeeType is 12.0+ (MS-ASCAL 2.2.2.6)');
  t.false(allTags(res.body!).some((tag) => tag.startsWith('AirSyncBase:')));
});

test('tasks: Tasks:Body both ways at 2.5, the recurrence kept; Notes are not a 2.5 class (Status 4)', async (t) => {
  const s = await server25(t);
  const wm = device(s, 'WM25TASKS');
  const steps = `Steps:\r\n${'- do it\r\n'.repeat(80)}`;
  const { serverId, folder } = await add25(t, wm, 'Tasks', TASKS, [
    el('Tasks:Body', steps),
    el('Tasks:Complete', 0),
    el('Tasks:Importance', 1),
    el('Tasks:Subject', 'Water plants'),
    el('Tasks:StartDate', '2026-06-01T00:00:00.000Z'),
    el('Tasks:UtcStartDate', '2026-06-01T00:00:00.000Z'),
    el('Tasks:DueDate', '2026-06-01T00:00:00.000Z'),
    el('Tasks:UtcDueDate', '2026-06-01T00:00:00.000Z'),
    el('Tasks:Recurrence', [el('Tasks:Type', 1), el('Tasks:Start', '2026-06-01T00:00:00.000Z'), el('Tasks:Interval', 1), el('Tasks:DayOfWeek', 2)]),
  ]);
  const phone = device(s, 'PHONE161T', '16.1');
  const seen = (await phoneItems(phone, TASKS)).get(serverId)!;
  t.is(seen.textOf('Tasks:Subject'), 'Water plants');
  t.is(seen.path('AirSyncBase:Body')?.textOf('AirSyncBase:Data'), steps);

  const viewer = device(s, 'WM25TASKVIEW');
  const vk = await start(viewer, 'Tasks', folder);
  const res = await viewer.post('Sync', sync25([{ cls: 'Tasks', syncKey: vk, collectionId: folder, options: [options25({ Truncation: 1 })] }]));
  const got = only(checkedBody(t, res, 'tasks page')).adds.find((a) => a.serverId === serverId)!.data!;
  t.is(got.textOf('Tasks:Body'), steps.slice(0, 512));
  t.is(got.textOf('Tasks:BodyTruncated'), '1');
  t.is(got.intOf('Tasks:BodySize'), steps.length);
  t.is(got.path('Tasks:Recurrence')?.intOf('Tasks:DayOfWeek'), 2, 'the recurrence exists at 2.5 (MS-ASTASK)');
  t.is(got.path('Tasks:Recurrence')?.intOf('Tasks:Type'), 1);
  t.false(allTags(res.body!).some((tag) => tag.startsWith('AirSyncBase:')));

  const notes = await wm.folderIdOfType(NOTES);
  const noteSync = only((await wm.post('Sync', sync25([{ cls: 'Notes', syncKey: '0', collectionId: notes }]))).body);
  t.is(noteSync.status, 4, 'MS-ASNOTE: the Notes class is 14.0 and later');
});
