// Meetings organised on a phone at 16.x (MS-ASCAL): the server mails the attendees an RFC 5546
// REQUEST after a Sync Add, an update (SEQUENCE + 1) after a Change that matters to them, and a
// CANCEL when the meeting, an occurrence or an attendee goes; a local attendee by local delivery
// (its Inbox), a remote one through the smarthost. Below 16.0 the phone mails them itself, and
// an attendee's own edits of a meeting it was invited to never make mail.

import test from 'ava';
import { compact } from '../../eas/classes/calendar/time.js';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType, type DocItem } from '../../store/types.js';
import { attendeeParam, calendarOf, cmd, invite, itipIn, meetingAdd, meetingResponse, nextWeek, startSync, sync, world, type World } from './world.js';
import { sid } from '../helpers/items.js';

const CAROL = { email: 'carol@example.com', name: 'Carol' };
const BOB = { email: 'bob@example.org', name: 'Bob Remote' };

async function organiser(w: World, version: string) {
  const phone = w.device(w.alice, `ORG${version.replace('.', '')}`, version);
  const calendar = await phone.folderIdOfType(FolderType.Calendar);
  const state = await startSync(phone, calendar);
  return { phone, calendar, state };
}

async function added(w: World, subject: string): Promise<DocItem> {
  const calendar = (await w.ts.store.folderByType(w.alice.id, FolderType.Calendar))!;
  const item = (await w.ts.store.listItems(w.alice.id, calendar.id)).find((i) => i.kind === 'doc' && JSON.stringify(i.data).includes(subject));
  if (!item || item.kind !== 'doc') throw new Error(`no event ${subject}`);
  return item;
}

test('16.1 Add with a local and a remote attendee: carol gets the REQUEST in her Inbox, the smarthost the remote one', async (t) => {
  const w = await world(t);
  const { phone, calendar, state } = await organiser(w, '16.1');
  const when = nextWeek();
  const res = await sync(phone, { syncKey: state.syncKey, collectionId: calendar, commands: [meetingAdd('c1', { subject: 'Kick-off', ...when, attendees: [CAROL, BOB] })] });
  t.is(res.responses[0]?.textOf('Status'), '1');
  const event = await added(w, 'Kick-off');

  const requests = await itipIn(w, w.carol, 'REQUEST');
  t.is(requests.length, 1);
  const request = requests[0]!;
  t.is(request.from, 'alice@example.com');
  t.is(request.subject, 'Kick-off');
  const v = request.vevents[0]!;
  t.is(v.getFirstPropertyValue('uid'), event.uid);
  t.is(Number(v.getFirstPropertyValue('sequence')), 0);
  t.is(String(v.getFirstPropertyValue('organizer')).toLowerCase(), 'mailto:alice@example.com');
  t.is(attendeeParam(v, 'carol@example.com', 'partstat'), 'NEEDS-ACTION');
  t.is(attendeeParam(v, 'carol@example.com', 'rsvp'), 'TRUE');
  t.truthy(attendeeParam(v, 'bob@example.org', 'partstat'));
  t.is((v.getFirstPropertyValue('dtstart') as { toJSDate(): Date }).toJSDate().getTime(), when.start.getTime());

  t.is(w.smarthost.received.length, 1);
  const relayed = w.smarthost.received[0]!;
  t.deepEqual(relayed.to, ['bob@example.org']);
  t.is(relayed.from, 'alice@example.com');
  t.is((await calendarOf(relayed.raw)).method, 'REQUEST');

  // The other devices see a meeting alice organises.
  const tablet = w.device(w.alice, 'TAB141', '14.1');
  await tablet.folderIdOfType(FolderType.Calendar);
  const seen = await startSync(tablet, calendar);
  const data = seen.adds.find((a) => a.serverId === sid(event))!.data!;
  t.is(data.textOf('Calendar:OrganizerEmail'), 'alice@example.com');
  t.is(data.textOf('Calendar:MeetingStatus'), '1');
  // The phone that added it hears nothing back of it.
  t.deepEqual((await sync(phone, { syncKey: res.syncKey, collectionId: calendar })).changes, []);
});

test('16.1 Change: a new time is an update (SEQUENCE 1) to all; a reminder is nothing; a removed attendee gets a CANCEL', async (t) => {
  const w = await world(t);
  const { phone, calendar, state } = await organiser(w, '16.1');
  const when = nextWeek();
  let s = await sync(phone, { syncKey: state.syncKey, collectionId: calendar, commands: [meetingAdd('c1', { subject: 'Review', ...when, attendees: [CAROL, BOB] })] });
  const id = s.responses[0]!.textOf('ServerId')!;
  t.is(w.smarthost.received.length, 1);

  s = await sync(phone, { syncKey: s.syncKey, collectionId: calendar, commands: [cmd.change(id, [el('Calendar:Reminder', 15)])] });
  t.is((await itipIn(w, w.carol, 'REQUEST')).length, 1);
  t.is(w.smarthost.received.length, 1);

  const later = nextWeek(2);
  s = await sync(phone, { syncKey: s.syncKey, collectionId: calendar, commands: [cmd.change(id, [el('Calendar:StartTime', compact(later.start)), el('Calendar:EndTime', compact(later.end))])] });
  const updates = await itipIn(w, w.carol, 'REQUEST');
  t.is(updates.length, 2);
  const v = updates[1]!.vevents[0]!;
  t.is(Number(v.getFirstPropertyValue('sequence')), 1);
  t.is((v.getFirstPropertyValue('dtstart') as { toJSDate(): Date }).toJSDate().getTime(), later.start.getTime());
  t.is(w.smarthost.received.length, 2);
  t.is(Number((await calendarOf(w.smarthost.received[1]!.raw)).vevents[0]!.getFirstPropertyValue('sequence')), 1);

  // At 16.x a Change's Attendees is the whole new list: bob is taken off.
  await sync(phone, {
    syncKey: s.syncKey,
    collectionId: calendar,
    commands: [cmd.change(id, [el('Calendar:Attendees', [el('Calendar:Attendee', [el('Calendar:Email', CAROL.email), el('Calendar:Name', CAROL.name), el('Calendar:AttendeeType', 1)])])])],
  });
  t.is(w.smarthost.received.length, 3);
  const cancel = await calendarOf(w.smarthost.received[2]!.raw);
  t.is(cancel.method, 'CANCEL');
  t.deepEqual(w.smarthost.received[2]!.to, ['bob@example.org']);
  t.is(Number(cancel.vevents[0]!.getFirstPropertyValue('sequence')), 2);
  t.is(cancel.vevents[0]!.getFirstPropertyValue('status'), 'CANCELLED');
  const toCarol = await itipIn(w, w.carol, 'REQUEST');
  t.is(toCarol.length, 3);
  t.is(Number(toCarol[2]!.vevents[0]!.getFirstPropertyValue('sequence')), 2);
  t.is(attendeeParam(toCarol[2]!.vevents[0]!, 'bob@example.org', 'partstat'), null);
});

test('16.1: MeetingStatus cancelled by a Change, and one occurrence deleted (InstanceId): CANCEL, the occurrence by RECURRENCE-ID', async (t) => {
  const w = await world(t);
  const { phone, calendar, state } = await organiser(w, '16.1');
  const when = nextWeek();
  const daily = (clientId: string, subject: string) => {
    const add = meetingAdd(clientId, { subject, ...when, attendees: [CAROL] });
    add.child('ApplicationData')!.add(el('Calendar:Recurrence', [el('Calendar:Type', 0), el('Calendar:Interval', 1), el('Calendar:Occurrences', 5)]));
    return add;
  };
  let s = await sync(phone, { syncKey: state.syncKey, collectionId: calendar, commands: [daily('a', 'Standup'), meetingAdd('b', { subject: 'Offsite', ...when, attendees: [CAROL] })] });
  const [series, offsite] = s.responses.map((r) => r.textOf('ServerId')!);
  t.is((await itipIn(w, w.carol, 'REQUEST')).length, 2);

  const third = new Date(when.start.getTime() + 2 * 24 * 3_600_000);
  s = await sync(phone, {
    syncKey: s.syncKey,
    collectionId: calendar,
    commands: [
      el('AirSync:Delete', [el('AirSync:ServerId', series!), el('AirSyncBase:InstanceId', third.toISOString())]),
      cmd.change(offsite!, [el('Calendar:MeetingStatus', 5)]),
    ],
  });
  const cancels = await itipIn(w, w.carol, 'CANCEL');
  t.is(cancels.length, 2);
  const [occurrence, whole] = cancels.sort((a, b) => Number(a.vevents[0]!.hasProperty('recurrence-id')) < Number(b.vevents[0]!.hasProperty('recurrence-id')) ? 1 : -1);
  t.is((occurrence!.vevents[0]!.getFirstPropertyValue('recurrence-id') as { toJSDate(): Date }).toJSDate().getTime(), third.getTime());
  t.is(Number(occurrence!.vevents[0]!.getFirstPropertyValue('sequence')), 1);
  t.is(occurrence!.subject, 'Canceled: Standup');
  t.false(whole!.vevents[0]!.hasProperty('recurrence-id'));
  t.is(whole!.subject, 'Canceled: Offsite');
  t.is(attendeeParam(whole!.vevents[0]!, 'carol@example.com', 'partstat'), null);
  t.is(whole!.vevents[0]!.getFirstPropertyValue('status'), 'CANCELLED');
});

test('16.1 Delete of the meeting: every attendee gets a CANCEL (eas/sync/apply.ts calls the class after a Delete)', async (t) => {
  const w = await world(t);
  const { phone, calendar, state } = await organiser(w, '16.1');
  let s = await sync(phone, { syncKey: state.syncKey, collectionId: calendar, commands: [meetingAdd('c1', { subject: 'Dropped', ...nextWeek(), attendees: [CAROL, BOB] })] });
  const id = s.responses[0]!.textOf('ServerId')!;
  const uid = (await added(w, 'Dropped')).uid;
  s = await sync(phone, { syncKey: s.syncKey, collectionId: calendar, commands: [cmd.delete(id)] });
  const cancels = await itipIn(w, w.carol, 'CANCEL');
  t.is(cancels.length, 1);
  t.is(cancels[0]!.vevents[0]!.getFirstPropertyValue('uid'), uid);
  t.is(Number(cancels[0]!.vevents[0]!.getFirstPropertyValue('sequence')), 1);
  t.is(w.smarthost.received.length, 2);
  t.is((await calendarOf(w.smarthost.received[1]!.raw)).method, 'CANCEL');
});

test('14.1 organiser: nothing is sent on Add, Change or Delete (the phone mails its invitations with SendMail)', async (t) => {
  const w = await world(t);
  const { phone, calendar, state } = await organiser(w, '14.1');
  let s = await sync(phone, { syncKey: state.syncKey, collectionId: calendar, commands: [meetingAdd('c1', { subject: 'Old style', ...nextWeek(), attendees: [CAROL, BOB] })] });
  const id = s.responses[0]!.textOf('ServerId')!;
  s = await sync(phone, { syncKey: s.syncKey, collectionId: calendar, commands: [cmd.change(id, [el('Calendar:Subject', 'Old style, moved')])] });
  await sync(phone, { syncKey: s.syncKey, collectionId: calendar, commands: [cmd.delete(id)] });
  t.deepEqual(await itipIn(w, w.carol, 'REQUEST'), []);
  t.deepEqual(await itipIn(w, w.carol, 'CANCEL'), []);
  t.is(w.smarthost.received.length, 0);
});

test("16.1 edits of a meeting alice was invited to never mail anyone: an attendee's change is no invitation", async (t) => {
  const w = await world(t);
  const inv = await invite(w, w.alice, { uid: 'THEIRS-1', organizer: CAROL, attendees: ['alice@example.com', 'bob@example.org'], subject: 'Their meeting', ...nextWeek() });
  const { phone, calendar, state } = await organiser(w, '16.1');
  t.is(state.adds.length, 1);
  const s = await sync(phone, { syncKey: state.syncKey, collectionId: calendar, commands: [cmd.change(sid(inv.event!), [el('Calendar:Subject', 'Their meeting (my notes)'), el('Calendar:Reminder', 30)])] });
  t.is(s.status, 1);
  await sync(phone, { syncKey: s.syncKey, collectionId: calendar, commands: [cmd.delete(sid(inv.event!))] });
  t.deepEqual(await itipIn(w, w.carol, 'REQUEST'), []);
  t.deepEqual(await itipIn(w, w.carol, 'CANCEL'), []);
  t.is(w.smarthost.received.length, 0);
});

test('the whole round at 16.1: carol invites alice from her phone, alice accepts from hers, carol\'s phone shows alice accepted', async (t) => {
  const w = await world(t);
  const carolPhone = w.device(w.carol, 'CAROL161', '16.1');
  const carolCalendar = await carolPhone.folderIdOfType(FolderType.Calendar);
  let carolState = await startSync(carolPhone, carolCalendar);
  const when = nextWeek(1);
  carolState = await sync(carolPhone, {
    syncKey: carolState.syncKey,
    collectionId: carolCalendar,
    commands: [meetingAdd('m1', { subject: 'Budget', ...when, attendees: [{ email: 'alice@example.com', name: 'Alice Liddell' }, BOB] })],
  });
  const meetingId = carolState.responses[0]!.textOf('ServerId')!;

  // The REQUEST reached alice by local delivery: a meeting request, and the event in her calendar.
  const alicePhone = w.device(w.alice, 'ALICE161', '16.1');
  const inbox = await alicePhone.inboxId();
  const aliceInbox = await startSync(alicePhone, inbox);
  t.is(aliceInbox.adds.length, 1);
  const request = aliceInbox.adds[0]!;
  t.is(request.data?.textOf('Email:MessageClass'), 'IPM.Schedule.Meeting.Request');
  const aliceCalendar = await alicePhone.folderIdOfType(FolderType.Calendar);
  const placed = await startSync(alicePhone, aliceCalendar);
  t.is(placed.adds.length, 1);
  t.is(placed.adds[0]!.data?.textOf('Calendar:OrganizerEmail'), 'carol@example.com');

  const [result] = await meetingResponse(alicePhone, [[
    el('MeetingResponse:UserResponse', 1),
    el('MeetingResponse:CollectionId', inbox),
    el('MeetingResponse:RequestId', request.serverId),
    el('MeetingResponse:SendResponse', []),
  ]]);
  t.deepEqual(result, { status: 1, requestId: request.serverId, calendarId: placed.adds[0]!.serverId });

  // carol's Inbox has alice's acceptance, and her phone sees alice's status change.
  const carolInbox = await startSync(carolPhone, await carolPhone.inboxId());
  t.deepEqual(carolInbox.adds.map((a) => a.data?.textOf('Email:MessageClass')), ['IPM.Schedule.Meeting.Resp.Pos']);
  const changed = await sync(carolPhone, { syncKey: carolState.syncKey, collectionId: carolCalendar });
  t.deepEqual(changed.changes.map((c) => c.serverId), [meetingId]);
  const alice = changed.changes[0]!.data!.child('Calendar:Attendees')!.all('Calendar:Attendee').find((a) => a.textOf('Calendar:Email') === 'alice@example.com');
  t.is(alice?.textOf('Calendar:AttendeeStatus'), '3');
  // Only the remote attendee's invitation went through the smarthost; nothing else left.
  t.deepEqual(w.smarthost.received.map((m) => m.to), [['bob@example.org']]);
});
