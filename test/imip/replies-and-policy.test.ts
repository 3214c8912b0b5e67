// REPLY to a meeting a local user organizes (RFC 5546 3.2.3), and calendar spam: under
// --calendar-invitations sender-match an invitation enters the calendar only when its ORGANIZER
// sent it; "all" trusts every invitation; "off" makes every meeting message plain mail. Whatever
// the policy, a message never rewrites another organizer's event.

import test from 'ava';
import { encodeTimeZoneBlob, timeZoneFromIana } from '../../eas/classes/calendar/timezone.js';
import { el } from '../../eas/wbxml/tree.js';
import { attendeeStatuses, calendarItems, fixture, mailItems, only, phone, sendEml, world } from './helpers.js';

test('a REPLY sets the attendee\'s status in the event the account organizes; the mail is Resp.Pos, then Resp.Neg', async (t) => {
  const w = await world(t);
  const alice = await w.account('alice@example.com');
  // Alice's phone (14.1, whose UID the server keeps) creates the meeting she organizes.
  const p = await phone(w, 'alice@example.com', 'ORGANIZER', '14.1');
  const status = await p.addEvent([
    el('Calendar:Timezone', encodeTimeZoneBlob(timeZoneFromIana('UTC', 2030))),
    el('Calendar:Subject', 'Project review'),
    el('Calendar:StartTime', '20300110T140000Z'),
    el('Calendar:EndTime', '20300110T150000Z'),
    el('Calendar:UID', 'review-2030@example.com'),
    el('Calendar:OrganizerEmail', 'alice@example.com'),
    el('Calendar:OrganizerName', 'Alice'),
    el('Calendar:MeetingStatus', 1),
    el('Calendar:Attendees', [
      el('Calendar:Attendee', [el('Calendar:Email', 'bob@example.org'), el('Calendar:Name', 'Bob'), el('Calendar:AttendeeType', 1)]),
      el('Calendar:Attendee', [el('Calendar:Email', 'carol@example.org'), el('Calendar:Name', 'Carol'), el('Calendar:AttendeeType', 1)]),
    ]),
  ]);
  t.is(status, 1);
  await p.sync(p.calendar);

  await sendEml(w, 'reply-accepted.eml', { from: 'bob@example.org', to: 'alice@example.com' });
  const [, mail] = only((await p.sync(p.inbox)).adds);
  t.is(mail.textOf('Email:MessageClass'), 'IPM.Schedule.Meeting.Resp.Pos');
  t.false(mail.has('Email:MeetingRequest'), 'a response to the user\'s own meeting carries no request');
  const [, accepted] = only((await p.sync(p.calendar)).changes);
  t.deepEqual(attendeeStatuses(accepted), { 'bob@example.org': '3', 'carol@example.org': undefined });
  t.is(accepted.textOf('Calendar:Subject'), 'Project review', 'nothing else changes');

  await sendEml(w, 'reply-declined.eml', { from: 'bob@example.org', to: 'alice@example.com' });
  t.is(only((await p.sync(p.inbox)).adds)[1].textOf('Email:MessageClass'), 'IPM.Schedule.Meeting.Resp.Neg');
  t.deepEqual(attendeeStatuses(only((await p.sync(p.calendar)).changes)[1]), { 'bob@example.org': '4', 'carol@example.org': undefined });
  t.is((await calendarItems(w, alice)).length, 1);
});

const SPOOF = { from: 'mallory@example.net', to: 'receiver@example.com' };

test('sender-match (the default): an invitation not sent by its organizer is a meeting request but stays out of the calendar', async (t) => {
  const w = await world(t);
  const receiver = await w.account('receiver@example.com');
  const p = await phone(w, 'receiver@example.com', 'SPAMDEFAULT');
  await sendEml(w, 'spoofed-invite.eml', SPOOF);
  const [, mail] = only((await p.sync(p.inbox)).adds);
  t.is(mail.textOf('Email:MessageClass'), 'IPM.Schedule.Meeting.Request');
  t.is(mail.child('Email:MeetingRequest')?.textOf('Calendar:UID'), 'spoofed-0001', 'the user can still accept it');
  t.is((await p.sync(p.calendar)).adds.size, 0);
  t.is((await calendarItems(w, receiver)).length, 0);

  // Sent by its organizer (envelope and From), the same kind of message is placed.
  await sendEml(w, 'single-event.eml', { from: 'sender@example.com', to: 'receiver@example.com' });
  t.is(only((await p.sync(p.calendar)).adds)[1].textOf('Calendar:Subject'), 'Single Event');
});

test('sender-match: the From address counts as the sender (the envelope may be a bounce address)', async (t) => {
  const w = await world(t);
  const receiver = await w.account('receiver@example.com');
  await sendEml(w, 'single-event.eml', { from: 'bounces+123@mailer.example.net', to: 'receiver@example.com' });
  t.is((await calendarItems(w, receiver)).length, 1);
});

test('--calendar-invitations all: every invitation enters the calendar, but never rewrites another organizer\'s event', async (t) => {
  const w = await world(t, { calendarInvitations: 'all' });
  const receiver = await w.account('receiver@example.com');
  const p = await phone(w, 'receiver@example.com', 'SPAMALL');
  await sendEml(w, 'spoofed-invite.eml', SPOOF);
  t.is(only((await p.sync(p.calendar)).adds)[1].textOf('Calendar:Subject'), 'Free Prize Draw');

  await sendEml(w, 'single-event.eml', { from: 'sender@example.com', to: 'receiver@example.com' });
  await p.sync(p.calendar);
  const before = (await calendarItems(w, receiver)).find((i) => i.uid === '02e79b96')!;
  // The same UID from another ORGANIZER, a higher SEQUENCE: not an update of this meeting.
  const hijack = fixture('update-major.eml')
    .toString('latin1')
    .replace(/ORGANIZER;CN=3DSender;\r?\n EMAIL=3Dsender@example.com:mailto:sender@example.com/, 'ORGANIZER:mailto:mallory@example.net')
    .replace('From: Sender <sender@example.com>', 'From: Mallory <mallory@example.net>');
  t.regex(hijack, /ORGANIZER:mailto:mallory@example\.net/);
  await sendEml(w, Buffer.from(hijack, 'latin1'), SPOOF);
  t.is((await mailItems(w, receiver)).length, 3, 'the mail is delivered');
  t.is((await p.sync(p.calendar)).changes.size, 0);
  t.deepEqual((await calendarItems(w, receiver)).find((i) => i.uid === '02e79b96')!.data, before.data);
});

test('--calendar-invitations off: meeting messages are plain mail', async (t) => {
  const w = await world(t, { calendarInvitations: 'off' });
  const receiver = await w.account('receiver@example.com');
  const p = await phone(w, 'receiver@example.com', 'SPAMOFF');
  await sendEml(w, 'single-event.eml', { from: 'sender@example.com', to: 'receiver@example.com' });
  const [, mail] = only((await p.sync(p.inbox)).adds);
  t.is(mail.textOf('Email:MessageClass'), 'IPM.Note');
  t.false(mail.has('Email:MeetingRequest'));
  t.is(mail.textOf('Email:ContentClass'), 'urn:content-classes:message');
  t.is((await calendarItems(w, receiver)).length, 0);
  t.is((await mailItems(w, receiver))[0]!.meeting, null);
});
