// Horde's calendar ApplicationData (test/fixtures/calendar/SOURCE.txt), decoded from its WBXML,
// added by a 14.1 device and sent back to another 14.1 device: nothing the client sent is lost.
// At 16.1 the same items come back in 16.x's forms (all-day days without Timezone, InstanceId).

import test from 'ava';
import { calendarBox, canonical, find, fixture, tags, text } from './harness.js';

const NAMES = ['allday_appointment', 'appointment', 'dst', 'recurrence', 'simpleexception'];

for (const name of NAMES) {
  test(`${name}: added at 14.1, rendered at 14.1 with every sent property`, async (t) => {
    const box = await calendarBox(t);
    const sent = fixture(`${name}.wbxml`);
    const { status, item } = await box.add('14.1', sent);
    t.is(status, 1);
    const back = await box.render(item!, '14.1');
    for (const e of sent) {
      if (e.tag === 'Calendar:Body' || e.tag === 'Calendar:BodyTruncated') continue; // 2.5's body: below
      t.deepEqual(canonical(find(back, e.tag)!), canonical(e), e.tag);
    }
    const legacyBody = text(sent, 'Calendar:Body');
    if (legacyBody !== undefined) {
      // MS-ASCAL 2.2.2.7.2: 2.5's body is kept as the airsyncbase:Body of 12.0 and later.
      const body = find(back, 'AirSyncBase:Body')!;
      t.is(text(body.children, 'AirSyncBase:Type'), '1');
      t.is(text(body.children, 'AirSyncBase:Data'), legacyBody);
      t.false(tags(back).includes('Calendar:Body'));
    }
    // MS-ASCAL 2.2.2.46: the server made the UID the client did not send.
    t.regex(text(back, 'Calendar:UID') ?? '', /^040000008200E00074C5B7101A82E008[0-9A-F]{80}$/);
  });
}

test('allday_appointment at 16.1: the days at 00:00:00Z and no Timezone (MS-ASCAL 2.2.2.1)', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', fixture('allday_appointment.wbxml'));
  const back = await box.render(item!, '16.1');
  t.is(text(back, 'Calendar:StartTime'), '19700320T000000Z');
  t.is(text(back, 'Calendar:EndTime'), '19700321T000000Z');
  t.is(text(back, 'Calendar:AllDayEvent'), '1');
  t.false(tags(back).includes('Calendar:Timezone'));
});

test('allday_appointment sent by a 16.1 client is refused: its times are not midnights (Status 6)', async (t) => {
  const box = await calendarBox(t);
  const { status, item } = await box.add('16.1', fixture('allday_appointment.wbxml'));
  t.is(status, 6);
  t.is(item, null);
  t.is(await box.store.countItems(box.account.id, box.folder.id), 0);
});

test('simpleexception at 16.1: the deleted occurrence is named by InstanceId (MS-ASAIRS 2.2.2.25)', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', fixture('simpleexception.wbxml'));
  const exception = find(find(await box.render(item!, '16.1'), 'Calendar:Exceptions')!.children, 'Calendar:Exception')!;
  t.deepEqual(tags(exception.children), ['Calendar:Deleted', 'AirSyncBase:InstanceId']);
  t.is(text(exception.children, 'AirSyncBase:InstanceId'), '20111229T200000Z');
  t.is(text(exception.children, 'Calendar:Deleted'), '1');
});

test('window times: a single event ends at its EndTime, a series without an end never leaves', async (t) => {
  const box = await calendarBox(t);
  const single = (await box.add('14.1', fixture('appointment.wbxml'))).item!;
  const series = (await box.add('14.1', fixture('recurrence.wbxml'))).item!;
  const allDay = (await box.add('14.1', fixture('allday_appointment.wbxml'))).item!;
  t.is(single.receivedAt, '2011-12-01T21:00:00.000Z');
  t.is(series.receivedAt, '9999-12-31T23:59:59.999Z');
  // The all-day event ends at the local midnight of its zone (UTC-5 in March 1970).
  t.is(allDay.receivedAt, '1970-03-21T05:00:00.000Z');
});
