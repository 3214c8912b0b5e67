// What later messages about a meeting do to the event an invitation placed (RFC 5546): a newer
// revision replaces it and keeps what the user set, an older one changes nothing, an occurrence's
// own message changes that occurrence, a cancellation marks the event or occurrence cancelled
// (MS-ASCAL MeetingStatus 7). Each is pushed to the phone with the mail that brought it.

import test from 'ava';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { readPing } from '../push/helpers.js';
import { calendarItems, only, phone, sendEml, waitParked, world, type Phone, type World } from './helpers.js';
import type { Account } from '../../store/types.js';

const TB = { from: 'sender@example.com', to: 'receiver@example.com' };

function request(mail: WbxmlElement): WbxmlElement {
  return mail.child('Email:MeetingRequest')!;
}

/** Delivers `file` while the phone's Ping on Inbox and Calendar is parked; the Ping's folders. */
async function pushed(w: World, account: Account, p: Phone, deviceId: string, file: string): Promise<string[]> {
  const parked = p.ping();
  await waitParked(w, account, deviceId);
  await sendEml(w, file, TB);
  const answer = readPing(await parked);
  if (answer.status !== 2) throw new Error(`Ping Status ${answer.status}`);
  return [...answer.folders].sort();
}

test('an update keeps the user\'s response, reminder and categories; a rescheduling asks again; an older revision changes nothing', async (t) => {
  const w = await world(t);
  const receiver = await w.account('receiver@example.com');
  const p = await phone(w, 'receiver@example.com', 'UPDATES');
  await sendEml(w, 'single-event.eml', TB);
  await p.sync(p.inbox);
  const [id, placed] = only((await p.sync(p.calendar)).adds);
  t.is(placed.textOf('Calendar:ResponseType'), '5');

  // The user accepts on the phone, sets a reminder of 5 minutes and a category.
  t.is(
    await p.changeEvent(id, [
      el('Calendar:ResponseType', 3),
      el('Calendar:BusyStatus', 2),
      el('Calendar:Reminder', 5),
      el('Calendar:Categories', [el('Calendar:Category', 'Work')]),
    ]),
    1,
  );
  await p.sync(p.calendar);

  // update-minor.eml: same SEQUENCE, later DTSTAMP (RFC 5546 2.1.5), new title, same times.
  t.deepEqual(await pushed(w, receiver, p, 'UPDATES', 'update-minor.eml'), [p.inbox, p.calendar].sort(), 'the change is reported with the mail');
  const [, minorMail] = only((await p.sync(p.inbox)).adds);
  t.is(request(minorMail).textOf('Email2:MeetingMessageType'), '3', 'an informational update');
  const [changedId, minor] = only((await p.sync(p.calendar)).changes);
  t.is(changedId, id, 'the same event, replaced');
  t.is(minor.textOf('Calendar:Subject'), 'Updated Event');
  t.is(minor.child('AirSyncBase:Location')?.textOf('AirSyncBase:DisplayName'), 'Updated location');
  t.is(minor.textOf('Calendar:ResponseType'), '3', 'the user\'s answer is kept');
  t.is(minor.textOf('Calendar:BusyStatus'), '2');
  t.is(minor.textOf('Calendar:Reminder'), '5');
  t.is(minor.child('Calendar:Categories')?.textOf('Calendar:Category'), 'Work');

  // update-major.eml: SEQUENCE 2, the meeting moves to 05:00.
  await pushed(w, receiver, p, 'UPDATES', 'update-major.eml');
  const [, majorMail] = only((await p.sync(p.inbox)).adds);
  t.is(request(majorMail).textOf('Email2:MeetingMessageType'), '2', 'a full update');
  const [, major] = only((await p.sync(p.calendar)).changes);
  t.is(major.textOf('Calendar:StartTime'), '20220316T050000Z');
  t.is(major.textOf('Calendar:ResponseType'), '5', 'an answer to the old time is asked again');
  t.is(major.textOf('Calendar:BusyStatus'), '1');
  t.is(major.textOf('Calendar:Reminder'), '5', 'the user\'s reminder stays');
  t.is(major.child('Calendar:Categories')?.textOf('Calendar:Category'), 'Work');

  // update-minor.eml again: SEQUENCE 0 < 2. The mail is delivered; the calendar does not change.
  const before = (await calendarItems(w, receiver))[0]!;
  await sendEml(w, 'update-minor.eml', TB);
  const [, staleMail] = only((await p.sync(p.inbox)).adds);
  t.is(staleMail.textOf('Email:MessageClass'), 'IPM.Schedule.Meeting.Request');
  t.is(request(staleMail).textOf('Email2:MeetingMessageType'), '4', 'outdated');
  t.is((await p.sync(p.calendar)).changes.size, 0);
  const after = (await calendarItems(w, receiver))[0]!;
  t.is(after.modseq, before.modseq);
  t.deepEqual(after.data, before.data);
});

test('a recurring meeting: occurrence messages change that occurrence only; cancelling one, then the series', async (t) => {
  const w = await world(t);
  const receiver = await w.account('receiver@example.com');
  const p = await phone(w, 'receiver@example.com', 'SERIES');
  await sendEml(w, 'repeat-event.eml', TB);
  await p.sync(p.inbox);
  const [id, series] = only((await p.sync(p.calendar)).adds);
  t.is(series.child('Calendar:Recurrence')?.textOf('Calendar:Occurrences'), '3');
  t.false(series.has('Calendar:Exceptions'));

  // exception-minor.eml: the 17 March occurrence gets its own title and place (SEQUENCE 0, later DTSTAMP).
  t.deepEqual(await pushed(w, receiver, p, 'SERIES', 'exception-minor.eml'), [p.inbox, p.calendar].sort());
  const [, minorMail] = only((await p.sync(p.inbox)).adds);
  const r = request(minorMail);
  t.is(r.textOf('Email:InstanceType'), '3', 'an exception to a recurring appointment');
  t.is(r.textOf('Email:RecurrenceId'), '2022-03-17T11:00:00.000Z');
  t.is(r.textOf('Email:StartTime'), '2022-03-17T11:00:00.000Z');
  t.false(r.has('Email:Recurrences'));
  const [changedId, minor] = only((await p.sync(p.calendar)).changes);
  t.is(changedId, id);
  t.is(minor.textOf('Calendar:Subject'), 'Repeat Event', 'the series is as it was');
  let exception = minor.child('Calendar:Exceptions')?.child('Calendar:Exception');
  t.is(exception?.textOf('AirSyncBase:InstanceId'), '20220317T110000Z');
  t.is(exception?.textOf('Calendar:Subject'), 'Exception title');
  t.is(exception?.child('AirSyncBase:Location')?.textOf('AirSyncBase:DisplayName'), 'Exception location');

  // exception-major.eml: SEQUENCE 2, that occurrence moves to 05:00.
  await sendEml(w, 'exception-major.eml', TB);
  t.is(request(only((await p.sync(p.inbox)).adds)[1]).textOf('Email2:MeetingMessageType'), '2');
  exception = only((await p.sync(p.calendar)).changes)[1].child('Calendar:Exceptions')?.child('Calendar:Exception');
  t.is(exception?.textOf('Calendar:StartTime'), '20220317T050000Z');
  t.is(exception?.textOf('Calendar:Subject'), undefined, 'exception-major carries the series\' title');

  // exception-minor.eml again: SEQUENCE 0 is older than that occurrence's 2.
  await sendEml(w, 'exception-minor.eml', TB);
  t.is(request(only((await p.sync(p.inbox)).adds)[1]).textOf('Email2:MeetingMessageType'), '4');
  t.is((await p.sync(p.calendar)).changes.size, 0);

  // cancel-occurrence.eml: the 17 March occurrence is cancelled; the series goes on.
  t.deepEqual(await pushed(w, receiver, p, 'SERIES', 'cancel-occurrence.eml'), [p.inbox, p.calendar].sort());
  const [, cancelMail] = only((await p.sync(p.inbox)).adds);
  t.is(cancelMail.textOf('Email:MessageClass'), 'IPM.Schedule.Meeting.Canceled');
  t.is(request(cancelMail).textOf('Email:RecurrenceId'), '2022-03-17T11:00:00.000Z');
  const [, cancelled] = only((await p.sync(p.calendar)).changes);
  t.is(cancelled.textOf('Calendar:MeetingStatus'), '3', 'the series is not cancelled');
  exception = cancelled.child('Calendar:Exceptions')?.child('Calendar:Exception');
  t.is(exception?.textOf('Calendar:MeetingStatus'), '7');
  t.is(exception?.textOf('Calendar:BusyStatus'), '0');
  t.is(exception?.textOf('Calendar:StartTime'), '20220317T050000Z', 'what the occurrence was is kept');

  // cancel-repeat-event.eml (Thunderbird's, without DTSTART): the whole series.
  await pushed(w, receiver, p, 'SERIES', 'cancel-repeat-event.eml');
  const [, seriesCancelMail] = only((await p.sync(p.inbox)).adds);
  t.is(seriesCancelMail.textOf('Email:MessageClass'), 'IPM.Schedule.Meeting.Canceled');
  const [, all] = only((await p.sync(p.calendar)).changes);
  t.is(all.textOf('Calendar:MeetingStatus'), '7');
  t.is(all.textOf('Calendar:BusyStatus'), '0');
});

test('a cancellation of a single meeting is pushed with its mail', async (t) => {
  const w = await world(t);
  const receiver = await w.account('receiver@example.com');
  const p = await phone(w, 'receiver@example.com', 'CANCEL');
  await sendEml(w, 'single-event.eml', TB);
  await p.sync(p.inbox);
  await p.sync(p.calendar);
  t.deepEqual(await pushed(w, receiver, p, 'CANCEL', 'cancel-single-event.eml'), [p.inbox, p.calendar].sort());
  const [, mail] = only((await p.sync(p.inbox)).adds);
  t.is(mail.textOf('Email:MessageClass'), 'IPM.Schedule.Meeting.Canceled');
  t.is(request(mail).textOf('Calendar:UID'), '02e79b96');
  const [, event] = only((await p.sync(p.calendar)).changes);
  t.is(event.textOf('Calendar:MeetingStatus'), '7');
  t.is(event.textOf('Calendar:BusyStatus'), '0');
  t.is(event.textOf('Calendar:Subject'), 'Single Event', 'the event stays, marked cancelled');
});
