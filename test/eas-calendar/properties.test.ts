// Every Calendar property through the class at 14.1 and 16.1: added by one device, rendered for
// another device of the same version and of the other one, changed with each version's ghosting
// (MS-ASCMD 2.2.3.168 Supported below 16.0, "absent is unchanged" at 16.x), rendered again.

import test from 'ava';
import { encodeTimeZoneBlob, timeZoneFromIana } from '../../eas/classes/calendar/timezone.js';
import { atLeast, type ProtocolVersion } from '../../eas/protocol.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { calendarBox, canonical, find, tags, text } from './harness.js';

const BERLIN = encodeTimeZoneBlob(timeZoneFromIana('Europe/Berlin', 2030));

/** Each property a client can send at `v`, in that version's form. Mondays 10:00 Berlin, 2030. */
function fullEvent(v: ProtocolVersion): WbxmlElement[] {
  const v16 = atLeast(v, '16.0');
  const key = (at: string) => (v16 ? el('AirSyncBase:InstanceId', at) : el('Calendar:ExceptionStartTime', at));
  const items: (WbxmlElement | false)[] = [
    el('Calendar:Timezone', BERLIN),
    el('Calendar:DtStamp', '20300101T080000Z'),
    el('Calendar:StartTime', '20300107T090000Z'),
    el('Calendar:EndTime', '20300107T100000Z'),
    el('Calendar:Subject', 'Planning'),
    v16
      ? el('AirSyncBase:Location', [el('AirSyncBase:DisplayName', 'Room 1'), el('AirSyncBase:City', 'Berlin'), el('AirSyncBase:Latitude', '52.52')])
      : el('Calendar:Location', 'Room 1'),
    el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', 'Agenda: budget')]),
    el('Calendar:Reminder', 15),
    el('Calendar:BusyStatus', 2),
    el('Calendar:Sensitivity', 0),
    el('Calendar:Categories', [el('Calendar:Category', 'Work'), el('Calendar:Category', 'Team')]),
    !v16 && el('Calendar:UID', 'uid-planning-1'),
    v16 && el('Calendar:ClientUid', 'client-uid-1'),
    el('Calendar:OrganizerName', 'Alice'),
    el('Calendar:OrganizerEmail', 'alice@example.com'),
    el('Calendar:Attendees', [
      el('Calendar:Attendee', [el('Calendar:Email', 'bob@example.org'), el('Calendar:Name', 'Bob'), el('Calendar:AttendeeStatus', 3), el('Calendar:AttendeeType', 1)]),
      el('Calendar:Attendee', [el('Calendar:Email', 'room@example.org'), el('Calendar:Name', 'Room 1'), el('Calendar:AttendeeStatus', 0), el('Calendar:AttendeeType', 3)]),
    ]),
    el('Calendar:MeetingStatus', 1),
    el('Calendar:ResponseRequested', 1),
    el('Calendar:ResponseType', 1),
    el('Calendar:DisallowNewTimeProposal', 0),
    el('Calendar:AppointmentReplyTime', '20300101T090000Z'),
    el('Calendar:OnlineMeetingConfLink', 'https://meet.example.com/conf'),
    el('Calendar:OnlineMeetingExternalLink', 'https://meet.example.com/ext'),
    el('Calendar:Recurrence', [
      el('Calendar:Type', 1), el('Calendar:Interval', 1), el('Calendar:DayOfWeek', 2),
      el('Calendar:Until', '20300401T090000Z'), el('Calendar:FirstDayOfWeek', 1),
    ]),
    el('Calendar:Exceptions', [
      el('Calendar:Exception', [el('Calendar:Deleted', 1), key('20300114T090000Z')]),
      el('Calendar:Exception', [
        key('20300121T090000Z'), el('Calendar:Subject', 'Planning (moved)'),
        el('Calendar:StartTime', '20300122T090000Z'), el('Calendar:EndTime', '20300122T100000Z'),
        v16 ? el('AirSyncBase:Location', [el('AirSyncBase:DisplayName', 'Room 2')]) : el('Calendar:Location', 'Room 2'),
      ]),
    ]),
  ];
  return items.filter((e): e is WbxmlElement => e !== false);
}

/** Asserts every sent property (but those in `except`) comes back as sent. */
function sameAsSent(t: { deepEqual(a: unknown, b: unknown, m?: string): void }, back: WbxmlElement[], sent: WbxmlElement[], except: string[] = []) {
  for (const e of sent) {
    if (except.includes(e.tag)) continue;
    const got = find(back, e.tag);
    t.deepEqual(got ? canonical(got) : undefined, canonical(e), e.tag);
  }
}

for (const v of ['14.1', '16.1'] as const) {
  test(`${v}: every property added by one device comes back to another ${v} device`, async (t) => {
    const box = await calendarBox(t);
    const sent = fullEvent(v);
    const { status, item } = await box.add(v, sent, { device: 'phone-a' });
    t.is(status, 1);
    const back = await box.render(item!, v);
    // 2.2.2.13 ClientUid is for requests only.
    sameAsSent(t, back, sent, ['Calendar:ClientUid']);
    t.false(tags(back).includes('Calendar:ClientUid'));
    if (v === '16.1') {
      // MS-ASCAL 2.2.2.46: at 16.x the server makes the UID.
      t.regex(text(back, 'Calendar:UID') ?? '', /^040000008200E00074C5B7101A82E008/);
    }
    t.is(tags(back).filter((x) => x === 'Calendar:Timezone').length, 1);
  });
}

test('14.1 → 16.1: Location becomes the container, ExceptionStartTime becomes InstanceId', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', fullEvent('14.1'));
  const back = await box.render(item!, '16.1');
  t.false(tags(back).includes('Calendar:Location'));
  t.deepEqual(canonical(find(back, 'AirSyncBase:Location')!), ['AirSyncBase:Location', [{ 'AirSyncBase:DisplayName': 'Room 1' }]]);
  const exceptions = find(back, 'Calendar:Exceptions')!.children;
  t.deepEqual(exceptions.map((e) => text(e.children, 'AirSyncBase:InstanceId')), ['20300114T090000Z', '20300121T090000Z']);
  t.false(exceptions.some((e) => tags(e.children).includes('Calendar:ExceptionStartTime')));
  t.is(text(find(exceptions[1]!.children, 'AirSyncBase:Location')!.children, 'AirSyncBase:DisplayName'), 'Room 2');
  t.is(text(back, 'Calendar:UID'), 'uid-planning-1');
});

test('16.1 → 14.1: Location is its DisplayName, InstanceId becomes ExceptionStartTime', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('16.1', fullEvent('16.1'));
  const back = await box.render(item!, '14.1');
  t.false(tags(back).includes('AirSyncBase:Location'));
  t.is(text(back, 'Calendar:Location'), 'Room 1');
  const exceptions = find(back, 'Calendar:Exceptions')!.children;
  t.deepEqual(exceptions.map((e) => text(e.children, 'Calendar:ExceptionStartTime')), ['20300114T090000Z', '20300121T090000Z']);
  t.is(text(exceptions[1]!.children, 'Calendar:Location'), 'Room 2');
  t.false(exceptions.some((e) => tags(e.children).includes('AirSyncBase:InstanceId')));
});

test('a 14.1 client that keeps the place\'s name keeps what 16.1 knew of it; another name is another place', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('16.1', fullEvent('16.1'));
  await box.change('14.1', item!, [el('Calendar:Subject', 'Planning v2'), el('Calendar:Location', 'Room 1')], { supported: [] });
  t.deepEqual(canonical(find(await box.render(item!, '16.1'), 'AirSyncBase:Location')!), canonical(find(fullEvent('16.1'), 'AirSyncBase:Location')!));
  await box.change('14.1', item!, [el('Calendar:Location', 'Café Einstein')], { supported: [] });
  t.deepEqual(canonical(find(await box.render(item!, '16.1'), 'AirSyncBase:Location')!), ['AirSyncBase:Location', [{ 'AirSyncBase:DisplayName': 'Café Einstein' }]]);
});

test('versions below the ones a property exists at are not sent it (MS-ASCAL protocol version tables)', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', fullEvent('14.1'));
  const at121 = await box.render(item!, '12.1');
  for (const tag of ['Calendar:ResponseRequested', 'Calendar:ResponseType', 'Calendar:DisallowNewTimeProposal', 'Calendar:AppointmentReplyTime', 'Calendar:OnlineMeetingConfLink', 'Calendar:OnlineMeetingExternalLink']) {
    t.false(tags(at121).includes(tag), tag);
  }
  t.false(tags(find(at121, 'Calendar:Recurrence')!.children).includes('Calendar:FirstDayOfWeek'));
  const at140 = await box.render(item!, '14.0');
  t.true(tags(at140).includes('Calendar:ResponseRequested'));
  t.false(tags(at140).includes('Calendar:OnlineMeetingConfLink'));
  t.false(tags(find(at140, 'Calendar:Recurrence')!.children).includes('Calendar:FirstDayOfWeek'));
  t.true(tags(await box.render(item!, '14.1')).includes('Calendar:OnlineMeetingConfLink'));
});

test('14.1 Change with a Supported list: absent and promised is removed, absent and not promised is kept', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', fullEvent('14.1'));
  const supported = ['Calendar:Subject', 'Calendar:Location', 'Calendar:Categories', 'Calendar:Attendees', 'Calendar:Timezone', 'Calendar:StartTime', 'Calendar:EndTime'];
  const { status } = await box.change('14.1', item!, [
    el('Calendar:Subject', 'Planning v2'),
    el('Calendar:Categories', [el('Calendar:Category', 'Work')]),
  ], { supported });
  t.is(status, 1);
  const back = await box.render(item!, '14.1');
  t.is(text(back, 'Calendar:Subject'), 'Planning v2');
  t.deepEqual(canonical(find(back, 'Calendar:Categories')!), ['Calendar:Categories', [{ 'Calendar:Category': 'Work' }]]);
  // Promised and not sent: the client removed them.
  t.false(tags(back).includes('Calendar:Location'));
  t.false(tags(back).includes('Calendar:Attendees'));
  // Not promised: the client cannot show them, so they are unchanged.
  sameAsSent(t, back, fullEvent('14.1'), [
    'Calendar:Subject', 'Calendar:Categories', 'Calendar:Location', 'Calendar:Attendees',
  ]);
  t.is(text(back, 'Calendar:Timezone'), BERLIN); // promised, absent, kept: a Change without a Timezone keeps it
});

test('14.1 Change without a Supported list replaces the event: only its times, zone and UID outlive it', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', fullEvent('14.1'));
  await box.change('14.1', item!, [el('Calendar:Subject', 'Only this')], { supported: null });
  const back = await box.render(item!, '14.1');
  t.deepEqual(tags(back).sort(), ['Calendar:EndTime', 'Calendar:StartTime', 'Calendar:Subject', 'Calendar:Timezone', 'Calendar:UID']);
  t.is(text(back, 'Calendar:UID'), 'uid-planning-1');
  t.is(text(back, 'Calendar:StartTime'), '20300107T090000Z');
});

test('16.1 Change: an absent property is unchanged (MS-ASCAL), whatever the Supported list says', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('16.1', fullEvent('16.1'));
  const uid = text(await box.render(item!, '16.1'), 'Calendar:UID');
  const { status } = await box.change('16.1', item!, [el('Calendar:Subject', 'Planning v2'), el('Calendar:Reminder', 30)], { supported: ['Calendar:Location'] });
  t.is(status, 1);
  const back = await box.render(item!, '16.1');
  t.is(text(back, 'Calendar:Subject'), 'Planning v2');
  t.is(text(back, 'Calendar:Reminder'), '30');
  t.is(text(back, 'Calendar:UID'), uid);
  sameAsSent(t, back, fullEvent('16.1'), ['Calendar:Subject', 'Calendar:Reminder', 'Calendar:ClientUid']);
  // …and the older device sees the change in its own forms.
  const old = await box.render(item!, '14.1');
  t.is(text(old, 'Calendar:Subject'), 'Planning v2');
  t.is(text(old, 'Calendar:Location'), 'Room 1');
});

test('16.1: a UID in a request is not the client\'s to set (MS-ASCAL 2.2.2.46)', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('16.1', [...fullEvent('16.1'), el('Calendar:UID', 'client-made')]);
  const uid = text(await box.render(item!, '16.1'), 'Calendar:UID')!;
  t.not(uid, 'client-made');
  t.is(box.cls.name, 'Calendar');
  t.is(item!.uid, uid);
  t.is((await box.store.findDocByUid(box.account.id, box.folder.id, uid))?.id, item!.id);
  await box.change('16.1', item!, [el('Calendar:UID', 'client-made-2')]);
  t.is(text(await box.render(item!, '16.1'), 'Calendar:UID'), uid);
});

test('values outside their tables are refused with Status 6 and nothing is stored', async (t) => {
  const box = await calendarBox(t);
  const base = () => fullEvent('14.1').filter((e) => !['Calendar:Exceptions', 'Calendar:Recurrence'].includes(e.tag));
  const cases: [string, WbxmlElement][] = [
    ['BusyStatus 9', el('Calendar:BusyStatus', 9)],
    ['Sensitivity 4', el('Calendar:Sensitivity', 4)],
    ['AllDayEvent 2', el('Calendar:AllDayEvent', 2)],
    ['MeetingStatus 2', el('Calendar:MeetingStatus', 2)],
    ['StartTime not a Compact DateTime', el('Calendar:StartTime', 'tomorrow')],
    ['EndTime before StartTime', el('Calendar:EndTime', '20300107T080000Z')],
    ['Timezone not 172 bytes', el('Calendar:Timezone', Buffer.from('short').toString('base64'))],
    ['Recurrence Type 4', el('Calendar:Recurrence', [el('Calendar:Type', 4)])],
    ['Recurrence DayOfWeek 128', el('Calendar:Recurrence', [el('Calendar:Type', 1), el('Calendar:DayOfWeek', 128)])],
    ['Recurrence FirstDayOfWeek 7', el('Calendar:Recurrence', [el('Calendar:Type', 1), el('Calendar:DayOfWeek', 2), el('Calendar:FirstDayOfWeek', 7)])],
    ['Exception without a key', el('Calendar:Exceptions', [el('Calendar:Exception', [el('Calendar:Deleted', 1)])])],
  ];
  for (const [name, bad] of cases) {
    const sent = [...base().filter((e) => e.tag !== bad.tag), bad];
    t.is((await box.add('14.1', sent)).status, 6, name);
  }
  t.is(await box.store.countItems(box.account.id, box.folder.id), 0);
});

test('an Add without StartTime/EndTime gets the next half hour (MS-ASCAL 3.2.4.4)', async (t) => {
  const box = await calendarBox(t);
  const before = Date.now();
  const { status, item } = await box.add('16.1', [el('Calendar:Subject', 'Now-ish')]);
  t.is(status, 1);
  const back = await box.render(item!, '16.1');
  const start = Date.parse(text(back, 'Calendar:StartTime')!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const end = Date.parse(text(back, 'Calendar:EndTime')!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  t.is(start % (30 * 60_000), 0);
  t.true(start >= before && start - before <= 30 * 60_000);
  t.is(end - start, 30 * 60_000);
  // An EndTime in the past without a StartTime: refused.
  t.is((await box.add('16.1', [el('Calendar:Subject', 'x'), el('Calendar:EndTime', '20000101T000000Z')])).status, 6);
});

test('Timezone: the blob as sent, and the IANA zone derived from it kept beside it (never sent)', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', fullEvent('14.1'));
  const stored = await box.props(item!);
  t.is(stored.find((p) => p.tag === 'Calendar:Timezone')?.text, BERLIN);
  t.is(stored.find((p) => p.tag === 'x:zone')?.text, 'Europe/Berlin');
  for (const v of ['12.1', '14.1', '16.1'] as const) t.false(tags(await box.render(item!, v)).some((x) => x.startsWith('x:')));
  // A new Timezone is a new zone.
  const tokyo = encodeTimeZoneBlob(timeZoneFromIana('Asia/Tokyo', 2030));
  await box.change('16.1', item!, [el('Calendar:Timezone', tokyo)]);
  t.is((await box.props(item!)).find((p) => p.tag === 'x:zone')?.text, 'Asia/Tokyo');
  t.is(text(await box.render(item!, '16.1'), 'Calendar:Timezone'), tokyo);
});

test('a preferred zone this machine does not know is no zone (UTC), not a failure', async (t) => {
  const box = await calendarBox(t, { preferredZone: () => 'Mars/Olympus_Mons' });
  const { status, item } = await box.add('16.1', [el('Calendar:AllDayEvent', 1), el('Calendar:StartTime', '20300115T000000Z'), el('Calendar:EndTime', '20300116T000000Z')]);
  t.is(status, 1);
  t.is(text(await box.render(item!, '14.1'), 'Calendar:StartTime'), '20300115T000000Z');
});

test('an empty Recurrence clears the series and its exceptions (16.1: absent would mean unchanged)', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('16.1', fullEvent('16.1'));
  t.is((await box.change('16.1', item!, [el('Calendar:Recurrence', [])])).status, 1);
  const back = await box.render(item!, '16.1');
  t.false(tags(back).includes('Calendar:Recurrence'));
  t.false(tags(back).includes('Calendar:Exceptions'));
  t.is((await box.get(item!)).receivedAt, '2030-01-07T10:00:00.000Z');
});

test('the server\'s private nodes (an import\'s x:ical) outlive a 14.1 Change that replaces everything else', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', fullEvent('14.1'));
  const doc = await box.get(item!);
  const withPrivate = [...await box.props(item!), { tag: 'x:ical', text: 'BEGIN:VEVENT\r\nX-KEPT:1\r\nEND:VEVENT' }];
  await box.store.replaceDoc(box.account.id, doc.id, { data: { v: 1, props: withPrivate }, uid: doc.uid, windowAt: doc.receivedAt }, null);
  t.is((await box.change('14.1', item!, [el('Calendar:Subject', 'Only this')], { supported: null })).status, 1);
  t.is((await box.props(item!)).find((p) => p.tag === 'x:ical')?.text, 'BEGIN:VEVENT\r\nX-KEPT:1\r\nEND:VEVENT');
  t.false(tags(await box.render(item!, '14.1')).some((x) => x.startsWith('x:')));
});
