// MS-ASCMD 2.2.1.11 MeetingResponse over HTTP against the whole server: accept, tentative and
// decline at 14.1 and 16.1, from the Inbox and from the calendar item, one occurrence with
// InstanceId; what the account's other device then syncs; the REPLY the server sends at 16.x
// with SendResponse (a local organiser's Inbox, a remote one's smarthost) and never below 16.0;
// and the Status of each kind of bad request.

import test from 'ava';
import ICAL from 'ical.js';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import {
  answer, attendeeParam, calendarOf, inboxOf, invite, itipIn, meetingAdd, meetingResponse, nextWeek, sendResponse, startSync, sync, world,
  type InvitationSpec, type World,
} from './world.js';
import { sid } from '../helpers/items.js';
import { until } from '../push/helpers.js';
import { sendMail } from '../helpers/swaks.js';

const CAROL = { email: 'carol@example.com', name: 'Carol' };
const BOB = { email: 'bob@example.org', name: 'Bob Remote' };
/** Sent by someone else than its organiser: the calendar-spam policy keeps its event out of the calendar. */
const SPAM = { sender: 'mallory@example.net' };

function spec(uid: string, organizer = CAROL, extra: Partial<InvitationSpec> = {}): InvitationSpec {
  return { uid, organizer, attendees: ['alice@example.com'], subject: `Planning ${uid}`, ...nextWeek(), ...extra };
}

/** alice's phone (answers) and tablet (watches her calendar), both past their first calendar Sync. */
async function devices(w: World, version: string) {
  const phone = w.device(w.alice, `PHONE${version.replace('.', '')}`, version);
  const tablet = w.device(w.alice, `TABLET${version.replace('.', '')}`, version);
  const calendar = await tablet.folderIdOfType(FolderType.Calendar);
  await phone.folderIdOfType(FolderType.Calendar);
  return { phone, tablet, calendar };
}

for (const version of ['14.1', '16.1']) {
  test(`${version}: accept from the Inbox: Status 1, CalendarId the event; the other device gets ResponseType 3, BusyStatus 2; the answering one no echo`, async (t) => {
    const w = await world(t);
    const inv = await invite(w, w.alice, spec(`ACC-${version}`));
    const { phone, tablet, calendar } = await devices(w, version);
    const tabletStart = await startSync(tablet, calendar);
    const phoneStart = await startSync(phone, calendar);
    const phoneInbox = await startSync(phone, inv.inboxId);
    t.true(phoneInbox.adds.some((a) => a.serverId === inv.mailServerId));
    t.is(tabletStart.adds.length, 1);
    t.is(tabletStart.adds[0]!.data?.textOf('Calendar:BusyStatus'), '1');

    const [result] = await meetingResponse(phone, [answer(1, inv.inboxId, inv.mailServerId)]);
    t.deepEqual(result, { status: 1, requestId: inv.mailServerId, calendarId: sid(inv.event!) });

    const seen = await sync(tablet, { syncKey: tabletStart.syncKey, collectionId: calendar });
    t.is(seen.changes.length, 1);
    const data = seen.changes[0]!.data!;
    t.is(data.textOf('Calendar:ResponseType'), '3');
    t.is(data.textOf('Calendar:BusyStatus'), '2');
    t.is(data.textOf('Calendar:MeetingStatus'), '3');
    t.truthy(data.textOf('Calendar:AppointmentReplyTime'));
    const own = data.child('Calendar:Attendees')!.all('Calendar:Attendee').find((a) => a.textOf('Calendar:Email') === 'alice@example.com');
    t.is(own?.textOf('Calendar:AttendeeStatus'), '3');
    // The answering phone changed its own copy (MS-ASCMD 2.2.3.18): no Change back.
    t.deepEqual((await sync(phone, { syncKey: phoneStart.syncKey, collectionId: calendar })).changes, []);
    // No SendResponse: nothing is mailed, at any version.
    t.deepEqual(await itipIn(w, w.carol, 'REPLY'), []);
    // The answered request leaves the Inbox for Deleted Items, the answering phone included.
    t.deepEqual((await sync(phone, { syncKey: phoneInbox.syncKey, collectionId: inv.inboxId })).deletes, [inv.mailServerId]);
    const deletedItems = (await w.ts.store.folderByType(w.alice.id, FolderType.DeletedItems))!;
    const moved = await w.ts.store.listItems(w.alice.id, deletedItems.id);
    t.deepEqual(moved.map((i) => (i.kind === 'mail' ? i.summary.subject : null)), [`Planning ACC-${version}`]);
  });

  test(`${version}: decline from the Inbox removes the event; no CalendarId; the other device gets the Delete`, async (t) => {
    const w = await world(t);
    const inv = await invite(w, w.alice, spec(`DEC-${version}`));
    const { phone, tablet, calendar } = await devices(w, version);
    const before = await startSync(tablet, calendar);

    const [result] = await meetingResponse(phone, [answer(3, inv.inboxId, inv.mailServerId)]);
    t.deepEqual(result, { status: 1, requestId: inv.mailServerId });
    t.is(await w.ts.store.getItem(w.alice.id, inv.event!.id), null);
    const seen = await sync(tablet, { syncKey: before.syncKey, collectionId: calendar });
    t.deepEqual(seen.deletes, [sid(inv.event!)]);
  });
}

test('14.1: tentative with a SendResponse element sends nothing: below 16.0 the client mails its own reply', async (t) => {
  const w = await world(t);
  const inv = await invite(w, w.alice, spec('OLD-1'));
  const { phone, tablet, calendar } = await devices(w, '14.1');
  const before = await startSync(tablet, calendar);
  const [result] = await meetingResponse(phone, [answer(2, inv.inboxId, inv.mailServerId, [sendResponse('See you')])]);
  t.is(result!.status, 1);
  const data = (await sync(tablet, { syncKey: before.syncKey, collectionId: calendar })).changes[0]!.data!;
  t.is(data.textOf('Calendar:ResponseType'), '2');
  t.is(data.textOf('Calendar:BusyStatus'), '1');
  t.deepEqual(await itipIn(w, w.carol, 'REPLY'), []);
  t.is(w.smarthost.received.length, 0);
});

test('16.1 tentative with SendResponse: the local organiser gets one REPLY (PARTSTAT=TENTATIVE, same UID and SEQUENCE) with the body', async (t) => {
  const w = await world(t);
  const inv = await invite(w, w.alice, spec('TENT-1', CAROL, { sequence: 2 }));
  const { phone, tablet, calendar } = await devices(w, '16.1');
  const before = await startSync(tablet, calendar);

  const [result] = await meetingResponse(phone, [answer(2, inv.inboxId, inv.mailServerId, [sendResponse('Probably, if the train is on time.')])]);
  t.deepEqual(result, { status: 1, requestId: inv.mailServerId, calendarId: sid(inv.event!) });

  const replies = await itipIn(w, w.carol, 'REPLY');
  t.is(replies.length, 1);
  const reply = replies[0]!;
  t.is(reply.from, 'alice@example.com');
  t.is(reply.subject, 'Tentative: Planning TENT-1');
  t.is(reply.vevents.length, 1);
  const v = reply.vevents[0]!;
  t.is(v.getFirstPropertyValue('uid'), 'TENT-1');
  t.is(Number(v.getFirstPropertyValue('sequence')), 2);
  t.is(String(v.getFirstPropertyValue('organizer')).toLowerCase(), 'mailto:carol@example.com');
  t.is(v.getAllProperties('attendee').length, 1);
  t.is(attendeeParam(v, 'alice@example.com', 'partstat'), 'TENTATIVE');
  t.false(v.hasProperty('recurrence-id'));
  const carolMail = (await inboxOf(w, w.carol)).at(-1)!;
  t.true(carolMail.raw.toString('utf8').includes('Probably, if the train is on time.'));
  t.is(w.smarthost.received.length, 0);
  // What was sent on alice's behalf is in her Sent Items, as if her phone had sent it.
  const sentItems = (await w.ts.store.folderByType(w.alice.id, FolderType.SentItems))!;
  const sent = await w.ts.store.listItems(w.alice.id, sentItems.id);
  t.is(sent.length, 1);
  t.is(sent[0]!.kind === 'mail' ? sent[0]!.summary.subject : null, 'Tentative: Planning TENT-1');
  t.regex((await w.ts.store.getBody(w.alice.id, sent[0]!.id))!.raw.toString('utf8'), /METHOD[=:]"?REPLY/i);

  const data = (await sync(tablet, { syncKey: before.syncKey, collectionId: calendar })).changes[0]!.data!;
  t.is(data.textOf('Calendar:ResponseType'), '2');
  t.is(data.textOf('Calendar:BusyStatus'), '1');
});

test('16.1 tentative proposing a new time: the organiser gets a COUNTER with the proposed times; a meeting that allows none gets the REPLY', async (t) => {
  const w = await world(t);
  const planned = nextWeek();
  const open = await invite(w, w.alice, spec('PROPOSE-1', CAROL, planned));
  const closed = await invite(w, w.alice, spec('PROPOSE-2', CAROL, { ...planned, disallowCounter: true }));
  const { phone } = await devices(w, '16.1');
  const start = new Date(planned.start.getTime() + 3 * 3_600_000);
  const compactOf = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const propose = (text: string, s: Date, e?: Date) =>
    el('MeetingResponse:SendResponse', [
      el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', text)]),
      el('MeetingResponse:ProposedStartTime', compactOf(s)),
      ...(e ? [el('MeetingResponse:ProposedEndTime', compactOf(e))] : []),
    ]);

  const end = new Date(start.getTime() + 45 * 60_000);
  const [a, b] = await meetingResponse(phone, [
    answer(2, open.inboxId, open.mailServerId, [propose('Could we move it?', start, end)]),
    answer(2, closed.inboxId, closed.mailServerId, [propose('Could we move this one too?', start)]),
  ]);
  t.is(a!.status, 1);
  t.is(b!.status, 1);

  const counters = await itipIn(w, w.carol, 'COUNTER');
  t.is(counters.length, 1);
  const counter = counters[0]!;
  t.is(counter.subject, 'New Time Proposed: Planning PROPOSE-1');
  const v = counter.vevents[0]!;
  t.is(v.getFirstPropertyValue('uid'), 'PROPOSE-1');
  t.is((v.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().getTime(), start.getTime());
  t.is((v.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate().getTime(), end.getTime());
  t.is(attendeeParam(v, 'alice@example.com', 'partstat'), 'TENTATIVE');
  // The meeting that allows no proposals is answered, without one.
  const replies = await itipIn(w, w.carol, 'REPLY');
  t.deepEqual(replies.map((r) => r.subject), ['Tentative: Planning PROPOSE-2']);
  t.is((replies[0]!.vevents[0]!.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().getTime(), planned.start.getTime());

  // An end without a start, or an end before its start, is a bad request (Status 2); nothing is sent.
  const third = await invite(w, w.alice, spec('PROPOSE-3'));
  const [c, d] = await meetingResponse(phone, [
    answer(2, third.inboxId, third.mailServerId, [el('MeetingResponse:SendResponse', [el('MeetingResponse:ProposedEndTime', compactOf(end))])]),
    answer(3, third.inboxId, third.mailServerId, [propose('Earlier?', end, start)]),
  ]);
  t.is(c!.status, 2);
  t.is(d!.status, 2);
  t.is((await itipIn(w, w.carol, 'COUNTER')).length, 1);
});

test('16.1 decline with an empty SendResponse: a remote organiser gets the REPLY (DECLINED) through the smarthost', async (t) => {
  const w = await world(t);
  const inv = await invite(w, w.alice, spec('REMOTE-1', BOB));
  const phone = w.device(w.alice, 'PHONE161', '16.1');
  const [result] = await meetingResponse(phone, [answer(3, inv.inboxId, inv.mailServerId, [sendResponse()])]);
  t.deepEqual(result, { status: 1, requestId: inv.mailServerId });
  t.is(w.smarthost.received.length, 1);
  const sent = w.smarthost.received[0]!;
  t.deepEqual(sent.to, ['bob@example.org']);
  t.is(sent.from, 'alice@example.com');
  const reply = await calendarOf(sent.raw);
  t.is(reply.method, 'REPLY');
  t.is(attendeeParam(reply.vevents[0]!, 'alice@example.com', 'partstat'), 'DECLINED');
  t.is(reply.subject, 'Declined: Planning REMOTE-1');
  t.is(await w.ts.store.getItem(w.alice.id, inv.event!.id), null);
});

test('16.1 accept with SendResponse and no smarthost: Status 1, the event is accepted, nothing leaves', async (t) => {
  const w = await world(t, { smarthost: false });
  const inv = await invite(w, w.alice, spec('NOHOST-1', BOB));
  const phone = w.device(w.alice, 'PHONE161', '16.1');
  const [result] = await meetingResponse(phone, [answer(1, inv.inboxId, inv.mailServerId, [sendResponse('yes')])]);
  t.deepEqual(result, { status: 1, requestId: inv.mailServerId, calendarId: sid(inv.event!) });
  t.is(w.smarthost.received.length, 0);
});

test('an accepted request that is not in the calendar is placed there; its CalendarId reaches the answering device as an Add', async (t) => {
  const w = await world(t);
  const inv = await invite(w, w.alice, spec('UNPLACED-1'), SPAM);
  const { phone, calendar } = await devices(w, '16.1');
  const before = await startSync(phone, calendar);
  t.is(before.adds.length, 0);

  const [result] = await meetingResponse(phone, [answer(1, inv.inboxId, inv.mailServerId)]);
  t.is(result!.status, 1);
  const placed = await w.ts.store.findDocByUid(w.alice.id, null, 'UNPLACED-1');
  t.truthy(placed);
  t.is(result!.calendarId, sid(placed!));
  const seen = await sync(phone, { syncKey: before.syncKey, collectionId: calendar });
  t.deepEqual(seen.adds.map((a) => a.serverId), [sid(placed!)]);
  const data = seen.adds[0]!.data!;
  t.is(data.textOf('Calendar:Subject'), 'Planning UNPLACED-1');
  t.is(data.textOf('Calendar:ResponseType'), '3');
  t.is(data.textOf('Calendar:BusyStatus'), '2');
  t.is(data.textOf('Calendar:MeetingStatus'), '3');
  t.is(data.textOf('Calendar:OrganizerEmail'), 'carol@example.com');
  // Declining a request that is not in the calendar: nothing to remove, Status 1, no CalendarId.
  const other = await invite(w, w.alice, spec('UNPLACED-2'), SPAM);
  t.deepEqual(await meetingResponse(phone, [answer(3, other.inboxId, other.mailServerId)]), [{ status: 1, requestId: other.mailServerId }]);
  t.is(await w.ts.store.findDocByUid(w.alice.id, null, 'UNPLACED-2'), null);
});

test('16.1 from the calendar item: accept the series, then one occurrence tentative, then decline another (InstanceId)', async (t) => {
  const w = await world(t);
  const inv = await invite(w, w.alice, spec('SERIES-1', CAROL, { rrule: 'FREQ=DAILY;COUNT=5' }));
  const { phone, tablet, calendar } = await devices(w, '16.1');
  let tabletState = await startSync(tablet, calendar);
  const eventId = sid(inv.event!);
  const start = nextWeek().start;
  const second = new Date(start.getTime() + 24 * 3_600_000).toISOString();
  const third = new Date(start.getTime() + 2 * 24 * 3_600_000).toISOString();

  const results = await meetingResponse(phone, [
    answer(1, calendar, eventId),
    answer(2, calendar, eventId, [el('MeetingResponse:InstanceId', second)]),
    answer(3, calendar, eventId, [el('MeetingResponse:InstanceId', third), sendResponse('Not that day')]),
  ]);
  t.deepEqual(results, [
    { status: 1, requestId: eventId, calendarId: eventId },
    { status: 1, requestId: eventId, calendarId: eventId, instanceId: second },
    { status: 1, requestId: eventId, instanceId: third },
  ]);
  tabletState = await sync(tablet, { syncKey: tabletState.syncKey, collectionId: calendar });
  const data = tabletState.changes[0]!.data!;
  t.is(data.textOf('Calendar:ResponseType'), '3');
  const exceptions = data.child('Calendar:Exceptions')!.all('Calendar:Exception');
  const byInstance = new Map(exceptions.map((x) => [x.textOf('AirSyncBase:InstanceId'), x]));
  const compactOf = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  t.is(byInstance.get(compactOf(second))?.textOf('Calendar:ResponseType'), '2');
  t.is(byInstance.get(compactOf(second))?.textOf('Calendar:BusyStatus'), '1');
  t.is(byInstance.get(compactOf(third))?.textOf('Calendar:Deleted'), '1');

  // The REPLY for the declined occurrence names it by RECURRENCE-ID.
  const replies = await itipIn(w, w.carol, 'REPLY');
  t.is(replies.length, 1);
  const v = replies[0]!.vevents[0]!;
  t.is(attendeeParam(v, 'alice@example.com', 'partstat'), 'DECLINED');
  t.is((v.getFirstPropertyValue('recurrence-id') as { toJSDate(): Date }).toJSDate().toISOString(), third);
});

test('bad requests get their Status: 2 for unknown or wrong items and values, 104 for a bad InstanceId, 146 for an event that does not recur', async (t) => {
  const w = await world(t);
  const inv = await invite(w, w.alice, spec('BAD-1'));
  const { phone, calendar } = await devices(w, '16.1');
  const inbox = inv.inboxId;
  const eventId = sid(inv.event!);
  // A plain mail in the Inbox, and a meeting alice organises (added by her 14.1 phone: no mail).
  t.is((await sendMail({ port: w.ts.smtpPort, to: 'alice@example.com', subject: 'hi', body: 'plain' })).code, 0);
  const plain = (await w.ts.store.listItems(w.alice.id, Number(inbox))).find((i) => i.kind === 'mail' && i.summary.subject === 'hi')!;
  const old = w.device(w.alice, 'PHONE140', '14.0');
  await old.folderIdOfType(FolderType.Calendar);
  const oldState = await startSync(old, calendar);
  const added = await sync(old, { syncKey: oldState.syncKey, collectionId: calendar, commands: [meetingAdd('mine', { subject: 'Mine', ...nextWeek(5), attendees: [CAROL] })] });
  const own = { folderId: Number(calendar), id: Number(added.responses[0]!.textOf('ServerId')!.split(':')[1]) };

  const results = await meetingResponse(phone, [
    answer(1, inbox, `${inbox}:999999`),
    answer(4, inbox, inv.mailServerId),
    answer(1, calendar, inv.mailServerId),
    answer(1, inbox, sid(plain)),
    answer(1, calendar, sid(own)),
    answer(1, inbox, inv.mailServerId, [el('MeetingResponse:InstanceId', nextWeek().start.toISOString())]),
    answer(1, calendar, eventId, [el('MeetingResponse:InstanceId', 'tomorrow')]),
    answer(1, calendar, eventId, [el('MeetingResponse:InstanceId', nextWeek().start.toISOString())]),
    [el('MeetingResponse:UserResponse', 1), el('Search:LongId', inv.mailServerId)],
  ]);
  t.deepEqual(results.map((r) => r.status), [2, 2, 2, 2, 2, 2, 104, 146, 1]);
  t.is(results[8]!.calendarId, eventId);

  t.deepEqual((await meetingResponse(old, [answer(1, calendar, eventId, [el('MeetingResponse:InstanceId', nextWeek().start.toISOString())])])).map((r) => r.status), [2]);

  const notOne = await phone.post('MeetingResponse', el('MeetingResponse:MeetingResponse', []));
  t.is(notOne.status, 200);
  t.is(notOne.body?.path('Result')?.intOf('Status'), 2);
  // Nothing of this reached carol.
  t.deepEqual(await itipIn(w, w.carol, 'REPLY'), []);
});

test('the other device parked on the calendar is woken by the event an answer places', async (t) => {
  const w = await world(t);
  const inv = await invite(w, w.alice, spec('PUSH-1'), SPAM);
  const { phone, tablet, calendar } = await devices(w, '16.1');
  const before = await startSync(tablet, calendar);
  await sync(tablet, { syncKey: before.syncKey, collectionId: calendar });
  const pinged = tablet.post('Ping', el('Ping:Ping', [el('Ping:HeartbeatInterval', 60), el('Ping:Folders', [el('Ping:Folder', [el('Ping:Id', calendar), el('Ping:Class', 'Calendar')])])]));
  const device = async () => await w.ts.store.getDevice(w.alice.id, 'TABLET161');
  await until(async () => await device() !== null && w.ts.server.push.isParked(w.alice.id, (await device())!.id), 'tablet parked');
  await meetingResponse(phone, [answer(1, inv.inboxId, inv.mailServerId)]);
  const res = await pinged;
  t.is(res.body?.intOf('Status'), 2);
  t.deepEqual(res.body?.child('Folders')?.all('Folder').map((f) => f.text), [calendar]);
});
