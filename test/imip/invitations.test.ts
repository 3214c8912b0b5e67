// Invitations by mail, end to end: each client's shape of an RFC 6047 invitation goes over SMTP
// (swaks) into a real server; the phone's Ping parked on Inbox and Calendar is answered by that
// one delivery, the Inbox item is a meeting request (MS-ASEMAIL MessageClass and MeetingRequest
// in each version's form) and the Calendar has the event, not yet answered (MS-ASCAL).

import test from 'ava';
import { uidOfGlobalObjId } from '../../eas/imip/global-obj-id.js';
import type { WbxmlElement } from '../../eas/wbxml/tree.js';
import { readPing } from '../push/helpers.js';
import { attendeeStatuses, calendarItems, mailItems, only, phone, propsOf, sendEml, waitParked, world } from './helpers.js';

function request(data: WbxmlElement): WbxmlElement {
  const r = data.child('Email:MeetingRequest');
  if (!r) throw new Error('no MeetingRequest');
  return r;
}

test('Thunderbird: one delivery answers the Ping parked on Inbox and Calendar; the mail is a meeting request, the event is in the calendar', async (t) => {
  const w = await world(t);
  const receiver = await w.account('receiver@example.com');
  const p = await phone(w, 'receiver@example.com', 'TBPHONE');
  await p.sync(p.inbox);
  await p.sync(p.calendar);
  const parked = p.ping();
  await waitParked(w, receiver, 'TBPHONE');
  await sendEml(w, 'single-event.eml', { from: 'sender@example.com', to: 'receiver@example.com' });
  const answer = readPing(await parked);
  t.is(answer.status, 2);
  t.deepEqual([...answer.folders].sort(), [p.inbox, p.calendar].sort(), 'both folders in the one answer');

  const [, mail] = only((await p.sync(p.inbox)).adds);
  t.is(mail.textOf('Email:MessageClass'), 'IPM.Schedule.Meeting.Request');
  t.is(mail.textOf('Email:ContentClass'), 'urn:content-classes:calendarmessage');
  const r = request(mail);
  t.deepEqual(
    r.children.map((c) => c.tag),
    [
      'Email:AllDayEvent', 'Email:StartTime', 'Email:DtStamp', 'Email:EndTime', 'Email:InstanceType', 'AirSyncBase:Location',
      'Email:Organizer', 'Email:Reminder', 'Email:ResponseRequested', 'Email:Sensitivity', 'Email:BusyStatus', 'Email:TimeZone',
      'Calendar:UID', 'Email:DisallowNewTimeProposal', 'Email2:MeetingMessageType',
    ],
    '16.1: calendar:UID instead of GlobalObjId, airsyncbase:Location',
  );
  t.is(r.textOf('Email:StartTime'), '2022-03-16T11:00:00.000Z');
  t.is(r.textOf('Email:EndTime'), '2022-03-16T11:30:00.000Z');
  t.is(r.textOf('Email:DtStamp'), '2022-03-16T19:16:02.000Z');
  t.is(r.textOf('Email:InstanceType'), '0');
  t.is(r.child('AirSyncBase:Location')?.textOf('AirSyncBase:DisplayName'), 'Somewhere');
  t.is(r.textOf('Email:Organizer'), '"Sender" <sender@example.com>');
  t.is(r.textOf('Email:Reminder'), '86400', 'seconds (MS-ASEMAIL 2.2.2.63): TRIGGER:-P1D');
  t.is(r.textOf('Email:ResponseRequested'), '1', 'RSVP=TRUE on the receiver\'s ATTENDEE line');
  t.is(r.textOf('Calendar:UID'), '02e79b96');
  t.is(r.textOf('Email2:MeetingMessageType'), '1', 'initial meeting request');

  const [, event] = only((await p.sync(p.calendar)).adds);
  t.is(event.textOf('Calendar:Subject'), 'Single Event');
  t.is(event.textOf('Calendar:UID'), '02e79b96', 'the invitation\'s UID, not one the server made');
  t.is(event.textOf('Calendar:StartTime'), '20220316T110000Z');
  t.is(event.textOf('Calendar:EndTime'), '20220316T113000Z');
  t.is(event.textOf('Calendar:MeetingStatus'), '3', 'a meeting received from someone else');
  t.is(event.textOf('Calendar:ResponseType'), '5', 'not responded yet');
  t.is(event.textOf('Calendar:ResponseRequested'), '1');
  t.is(event.textOf('Calendar:BusyStatus'), '1', 'tentative until answered');
  t.is(event.textOf('Calendar:OrganizerEmail'), 'sender@example.com');
  t.is(event.textOf('Calendar:Reminder'), '1440');
  t.deepEqual(attendeeStatuses(event), { 'sender@example.com': '3', 'receiver@example.com': '5', 'other@example.com': '5' });

  // One commit: the message and the event share their modseq.
  const [item] = await mailItems(w, receiver);
  const [doc] = await calendarItems(w, receiver);
  t.is(item!.createdModseq, doc!.createdModseq);
});

test('Outlook/Exchange at 14.1: a Windows time zone, GlobalObjId that reads back to the UID, email:Location forms', async (t) => {
  const w = await world(t);
  await w.account('homer@example.org');
  const p = await phone(w, 'homer@example.org', 'OUTLOOK141', '14.1');
  await sendEml(w, 'outlook-test-invite.eml', { from: 'marge@example.org', to: 'homer@example.org' });

  const [, mail] = only((await p.sync(p.inbox)).adds);
  t.is(mail.textOf('Email:MessageClass'), 'IPM.Schedule.Meeting.Request');
  const r = request(mail);
  const uid = '030000008200E00074C5B7101A82E0080000000060B608D090DDD7010000000000000000100000004BE0CFFA54BCF64E956E34143362C3C0';
  t.is(uidOfGlobalObjId(r.textOf('Email:GlobalObjId')!), uid, 'MS-ASEMAIL 3.1.4.7 gives the client the event\'s UID');
  t.false(r.has('Calendar:UID'), 'calendar:UID is 16.x only');
  t.false(r.has('AirSyncBase:Location'));
  t.is(r.textOf('Email:StartTime'), '2021-11-27T07:00:00.000Z', '09:00 FLE Standard Time (UTC+2 in November)');
  t.is(r.textOf('Email:BusyStatus'), '2', 'X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY');
  t.is(r.textOf('Email:Reminder'), '900');
  t.is(r.textOf('Email:DisallowNewTimeProposal'), '0', 'from 14.0');
  t.is(r.textOf('Email2:MeetingMessageType'), '1', 'from 14.1');

  const [, event] = only((await p.sync(p.calendar)).adds);
  t.is(event.textOf('Calendar:UID'), uid);
  t.is(event.textOf('Calendar:StartTime'), '20211127T070000Z');
  t.is(event.textOf('Calendar:Subject'), 'Testaus');
  t.is(event.textOf('Calendar:BusyStatus'), '1');
  t.is(event.textOf('Calendar:Reminder'), '15');
  t.is(event.textOf('Calendar:ResponseType'), '5');
});

test('Teams (Exchange Online) to two local attendees at 12.1: each gets the request and an event of their own', async (t) => {
  const w = await world(t);
  const bart = await w.account('bart@example.com');
  const homer = await w.account('homer@example.com');
  const p = await phone(w, 'bart@example.com', 'BART121', '12.1');
  await sendEml(w, 'teams-meeting-invite.eml', { from: 'marge@example.com', to: ['bart@example.com', 'homer@example.com'] });

  const [, mail] = only((await p.sync(p.inbox)).adds);
  const r = request(mail);
  t.is(r.textOf('Email:Organizer'), '"Marge" <marge@example.com>');
  t.true(r.has('Email:GlobalObjId'));
  t.false(r.has('Email:DisallowNewTimeProposal'), 'not at 12.1');
  t.false(r.has('Email2:MeetingMessageType'), 'not at 12.1');
  t.is(r.textOf('Email:StartTime'), '2020-12-02T17:00:00.000Z');
  const [, event] = only((await p.sync(p.calendar)).adds);
  t.is(event.textOf('Calendar:Subject'), 'Teams meeting');
  t.regex(event.child('AirSyncBase:Body')?.textOf('AirSyncBase:Data') ?? event.textOf('Calendar:Body') ?? '', /Microsoft Teams/);
  for (const who of [bart, homer]) {
    t.is((await calendarItems(w, who)).length, 1, `${who.address} has the event`);
    t.is((await mailItems(w, who)).length, 1);
  }
});

test('Google Calendar (Meet): quoted-printable UTF-8 with "\\n" escapes, the inline part chosen over the invite.ics attachment', async (t) => {
  const w = await world(t);
  await w.account('homer@example.com');
  const p = await phone(w, 'homer@example.com', 'GOOGLE161');
  await sendEml(w, 'meet-meeting-invite.eml', { from: 'example@gmail.com', to: 'homer@example.com' });
  const [, mail] = only((await p.sync(p.inbox)).adds);
  t.is(mail.textOf('Email:MessageClass'), 'IPM.Schedule.Meeting.Request');
  t.is(request(mail).textOf('Calendar:UID'), '65m17hsdolmotv3kvmrtg40ont@google.com');
  const [, event] = only((await p.sync(p.calendar)).adds);
  t.is(event.textOf('Calendar:Subject'), 'Meeeeet me HTML');
  t.is(event.textOf('Calendar:StartTime'), '20210322T093000Z');
  t.regex(event.child('AirSyncBase:Body')?.textOf('AirSyncBase:Data') ?? '', /Ändra inte det här avsnittet i beskrivningen\.\r?\n/);
  t.deepEqual(attendeeStatuses(event), { 'example@gmail.com': '3', 'homer@example.com': '5' });
});

test('Apple Calendar: an attached .ics with a weekly series and one override; the request carries its Recurrences', async (t) => {
  const w = await world(t);
  await w.account('alice@example.com');
  const p = await phone(w, 'alice@example.com', 'APPLE161');
  const old = await phone(w, 'alice@example.com', 'APPLE141', '14.1');
  await sendEml(w, 'apple-series-override.eml', { from: 'tim@example.net', to: 'alice@example.com' });

  const [, mail] = only((await p.sync(p.inbox)).adds);
  const r = request(mail);
  t.is(r.textOf('Email:InstanceType'), '1', 'a master recurring appointment');
  t.is(r.textOf('Email:StartTime'), '2030-01-07T08:30:00.000Z');
  t.is(r.child('AirSyncBase:Location')?.textOf('AirSyncBase:DisplayName'), 'Salle Lumière');
  const rec = r.child('Email:Recurrences')?.child('Email:Recurrence');
  t.is(rec?.textOf('Email:Type'), '1');
  t.is(rec?.textOf('Email:Occurrences'), '10');
  t.is(r.textOf('Email:Reminder'), '600');

  const [, event] = only((await p.sync(p.calendar)).adds);
  t.is(event.textOf('Calendar:Subject'), 'Weekly sync');
  t.is(event.child('Calendar:Recurrence')?.textOf('Calendar:Type'), '1');
  const exceptions = event.child('Calendar:Exceptions')?.all('Calendar:Exception') ?? [];
  t.is(exceptions.length, 1);
  t.is(exceptions[0]!.textOf('AirSyncBase:InstanceId'), '20300121T083000Z', '09:30 in Paris');
  t.is(exceptions[0]!.textOf('Calendar:StartTime'), '20300121T130000Z');
  t.is(exceptions[0]!.textOf('Calendar:Subject'), 'Weekly sync (afternoon)');

  const [, oldMail] = only((await old.sync(old.inbox)).adds);
  const oldRequest = request(oldMail);
  t.is(oldRequest.textOf('Email:Location'), 'Salle Lumière', 'email:Location below 16.0');
  t.is(uidOfGlobalObjId(oldRequest.textOf('Email:GlobalObjId')!), '8F3A6F2C-7D4B-4B8E-9C3A-1F2E3D4C5B6A');
  const [, oldEvent] = only((await old.sync(old.calendar)).adds);
  t.is(oldEvent.child('Calendar:Exceptions')?.child('Calendar:Exception')?.textOf('Calendar:ExceptionStartTime'), '20300121T083000Z');
});

test('an ATTACH naming a local file is never read: the event carries no attachment', async (t) => {
  const w = await world(t);
  const receiver = await w.account('receiver@example.com');
  await sendEml(w, 'event-with-file-attachment.eml', { from: 'sender@example.com', to: 'receiver@example.com' });
  const [event] = await calendarItems(w, receiver);
  t.truthy(event);
  const tags = JSON.stringify(propsOf(event!).filter((p) => p.tag !== 'x:ical')).match(/"tag":"[^"]+"/g) ?? [];
  t.true(tags.length > 10);
  t.false(tags.some((tag) => /Attachment/.test(tag)), 'no AirSyncBase:Attachments, nothing fetched from file:///etc/hostname');
});
