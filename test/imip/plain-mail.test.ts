// Meeting mail never costs a message: a calendar part that does not parse as a whole, an iTIP
// message without the parts RFC 5546 requires, or a method the server does not act on is
// delivered as ordinary mail (250, kept byte for byte) and the calendar is not touched.

import test from 'ava';
import { calendarItems, mailItems, only, phone, sendEml, world } from './helpers.js';

test('a calendar part that does not parse is delivered as plain mail, byte for byte, and logged', async (t) => {
  const w = await world(t);
  const receiver = await w.account('receiver@example.com');
  const p = await phone(w, 'receiver@example.com', 'MALFORMED');
  const sent = await sendEml(w, 'malformed-calendar.eml', { from: 'sender@example.com', to: 'receiver@example.com' });

  const [item] = await mailItems(w, receiver);
  const raw = (await w.ts.store.getBody(receiver.id, item!.id))!.raw;
  const headers = 'Return-Path: <sender@example.com>\r\nDelivered-To: receiver@example.com\r\n';
  t.true(raw.equals(Buffer.concat([Buffer.from(headers), sent])), 'the stored message is what was sent, with the MDA headers');
  t.true(raw.includes(Buffer.from('Grüße', 'utf8')));
  t.is(item!.meeting, null);

  const [, mail] = only((await p.sync(p.inbox)).adds);
  t.is(mail.textOf('Email:MessageClass'), 'IPM.Note');
  t.false(mail.has('Email:MeetingRequest'));
  t.is((await calendarItems(w, receiver)).length, 0);
  const warned = w.logs.find((l) => l.msg === 'meeting: calendar part not used, delivered as plain mail');
  t.truthy(warned);
  t.regex(String(warned!.fields.error), /DTSTART/);
  t.truthy(w.logs.find((l) => l.msg === 'delivered'));
});

test('a REQUEST without ORGANIZER (RFC 5546 requires one) is plain mail', async (t) => {
  const w = await world(t);
  const tom = await w.account('tom@example.com');
  await sendEml(w, 'webext-invite.eml', { from: 'john@example.com', to: 'tom@example.com' });
  t.is((await mailItems(w, tom)).length, 1);
  t.is((await mailItems(w, tom))[0]!.meeting, null);
  t.is((await calendarItems(w, tom)).length, 0);
  t.regex(String(w.logs.find((l) => l.msg.startsWith('meeting:'))?.fields.error), /ORGANIZER/);
});

test('PUBLISH (an .ics a shop sends) is plain mail, its .ics an attachment, and nothing is logged as a failure', async (t) => {
  const w = await world(t);
  const foo = await w.account('foo@example.com');
  const p = await phone(w, 'foo@example.com', 'PUBLISH');
  await sendEml(w, 'message-containing-event.eml', { from: 'noreply@example.com', to: 'foo@example.com' });
  const [, mail] = only((await p.sync(p.inbox)).adds);
  t.is(mail.textOf('Email:MessageClass'), 'IPM.Note');
  t.is(mail.child('AirSyncBase:Attachments')?.child('AirSyncBase:Attachment')?.textOf('AirSyncBase:DisplayName'), 'booking.ics');
  t.is((await calendarItems(w, foo)).length, 0);
  t.is(w.logs.filter((l) => l.level !== 'info' && l.level !== 'debug').length, 0);
});

/** An invitation with an Olson VTIMEZONE, as calendar clients send it; `standardStart` is its STANDARD DTSTART. */
function zonedInvitation(uid: string, standardStart: string): string {
  return [
    'From: Organizer <organizer@example.com>', 'To: Receiver <receiver@example.com>', `Subject: Planning ${uid}`,
    `Message-ID: <${uid}@example.com>`, 'MIME-Version: 1.0', 'Content-Type: text/calendar; charset=utf-8; method=REQUEST', '',
    'BEGIN:VCALENDAR', 'PRODID:-//eas-push//test//EN', 'VERSION:2.0', 'METHOD:REQUEST',
    'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
    'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
    'BEGIN:STANDARD', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', `DTSTART:${standardStart}`, 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'END:STANDARD',
    'END:VTIMEZONE',
    'BEGIN:VEVENT', `UID:${uid}`, 'SEQUENCE:0', 'DTSTAMP:20300107T080000Z',
    'DTSTART;TZID=Europe/Berlin:20300212T100000', 'DTEND;TZID=Europe/Berlin:20300212T110000', 'SUMMARY:Planning',
    'ORGANIZER;CN=Organizer:mailto:organizer@example.com',
    'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:receiver@example.com',
    'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

test('a VTIMEZONE with a bad value makes the invitation plain mail, also after the same zone came well-formed', async (t) => {
  const w = await world(t);
  const receiver = await w.account('receiver@example.com');
  const envelope = { from: 'organizer@example.com', to: 'receiver@example.com' };
  await sendEml(w, Buffer.from(zonedInvitation('good-1', '19701025T030000')), envelope);
  t.is((await calendarItems(w, receiver)).length, 1);

  await sendEml(w, Buffer.from(zonedInvitation('bad-2', '19701025T03000')), envelope);
  const bad = (await mailItems(w, receiver)).find((m) => m.summary.subject === 'Planning bad-2');
  t.truthy(bad, 'the message is delivered');
  t.is(bad!.meeting, null);
  t.is((await calendarItems(w, receiver)).length, 1);
  t.regex(String(w.logs.find((l) => l.msg === 'meeting: calendar part not used, delivered as plain mail')?.fields.error), /VTIMEZONE: DTSTART/);

  // The well-formed zone, seen before, still places its invitations.
  await sendEml(w, Buffer.from(zonedInvitation('good-3', '19701025T030000')), envelope);
  t.is((await calendarItems(w, receiver)).length, 2);
});
