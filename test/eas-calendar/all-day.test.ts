// All-day events (MS-ASCAL 2.2.2.1) across the two generations: below 16.0 local midnights of the
// event's Timezone, at 16.x days at 00:00:00 without a time zone.

import test from 'ava';
import { encodeTimeZoneBlob, timeZoneFromIana } from '../../eas/classes/calendar/timezone.js';
import { el } from '../../eas/wbxml/tree.js';
import { calendarBox, tags, text } from './harness.js';

const BERLIN_2030 = encodeTimeZoneBlob(timeZoneFromIana('Europe/Berlin', 2030));

test('14.1 all-day event in Berlin: the same midnights back at 14.1, the days at 16.1', async (t) => {
  const box = await calendarBox(t);
  // 15–17 July 2030, Berlin summer time (UTC+2): local midnights are 22:00Z the day before.
  const { status, item } = await box.add('14.1', [
    el('Calendar:Timezone', BERLIN_2030),
    el('Calendar:AllDayEvent', 1),
    el('Calendar:StartTime', '20300714T220000Z'),
    el('Calendar:EndTime', '20300716T220000Z'),
    el('Calendar:Subject', 'Conference'),
  ]);
  t.is(status, 1);
  const old = await box.render(item!, '14.1');
  t.is(text(old, 'Calendar:StartTime'), '20300714T220000Z');
  t.is(text(old, 'Calendar:EndTime'), '20300716T220000Z');
  t.is(text(old, 'Calendar:Timezone'), BERLIN_2030);
  const v16 = await box.render(item!, '16.1');
  t.is(text(v16, 'Calendar:StartTime'), '20300715T000000Z');
  t.is(text(v16, 'Calendar:EndTime'), '20300717T000000Z');
  t.false(tags(v16).includes('Calendar:Timezone'));
  // It is in FilterType windows until its last day has ended in Berlin.
  t.is(item!.receivedAt, '2030-07-16T22:00:00.000Z');
});

test('16.1 all-day event: days back at 16.1; at 14.1 midnights of the account\'s zone, with that zone', async (t) => {
  const box = await calendarBox(t, { preferredZone: () => 'America/New_York' });
  const { status, item } = await box.add('16.1', [
    el('Calendar:AllDayEvent', 1),
    el('Calendar:StartTime', '20300115T000000Z'),
    el('Calendar:EndTime', '20300116T000000Z'),
    el('Calendar:Subject', 'Holiday'),
  ]);
  t.is(status, 1);
  const v16 = await box.render(item!, '16.1');
  t.is(text(v16, 'Calendar:StartTime'), '20300115T000000Z');
  t.is(text(v16, 'Calendar:EndTime'), '20300116T000000Z');
  t.false(tags(v16).includes('Calendar:Timezone'));
  const old = await box.render(item!, '14.1');
  t.is(text(old, 'Calendar:StartTime'), '20300115T050000Z');
  t.is(text(old, 'Calendar:EndTime'), '20300116T050000Z');
  t.is(text(old, 'Calendar:Timezone'), encodeTimeZoneBlob(timeZoneFromIana('America/New_York', 2030)));
});

test('16.1 all-day event, no zone known: UTC midnights and a UTC Timezone for 14.1', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('16.1', [
    el('Calendar:AllDayEvent', 1),
    el('Calendar:StartTime', '20300115T000000Z'),
    el('Calendar:EndTime', '20300116T000000Z'),
  ]);
  const old = await box.render(item!, '14.1');
  t.is(text(old, 'Calendar:StartTime'), '20300115T000000Z');
  t.is(text(old, 'Calendar:Timezone'), encodeTimeZoneBlob(timeZoneFromIana('UTC', 2030)));
  // Without a zone it stays in the window until the day has ended everywhere (UTC-12).
  t.is(item!.receivedAt, '2030-01-16T12:00:00.000Z');
});

test('16.1 all-day event whose times are not midnights is refused (Status 6), on Add and on Change', async (t) => {
  const box = await calendarBox(t);
  const bad = await box.add('16.1', [
    el('Calendar:AllDayEvent', 1),
    el('Calendar:StartTime', '20300115T090000Z'),
    el('Calendar:EndTime', '20300116T000000Z'),
  ]);
  t.is(bad.status, 6);
  t.is(await box.store.countItems(box.account.id, box.folder.id), 0);
  const { item } = await box.add('16.1', [el('Calendar:AllDayEvent', 1), el('Calendar:StartTime', '20300115T000000Z'), el('Calendar:EndTime', '20300116T000000Z')]);
  const change = await box.change('16.1', item!, [el('Calendar:EndTime', '20300116T120000Z')]);
  t.is(change.status, 6);
  t.is(text(await box.render(item!, '16.1'), 'Calendar:EndTime'), '20300116T000000Z');
});

test('14.1 all-day event sent with other hours keeps every hour it was given (whole local days)', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', [
    el('Calendar:Timezone', BERLIN_2030),
    el('Calendar:AllDayEvent', 1),
    el('Calendar:StartTime', '20300715T080000Z'), // 10:00 on the 15th in Berlin
    el('Calendar:EndTime', '20300715T100000Z'), // 12:00 the same day
  ]);
  const v16 = await box.render(item!, '16.1');
  t.is(text(v16, 'Calendar:StartTime'), '20300715T000000Z');
  t.is(text(v16, 'Calendar:EndTime'), '20300716T000000Z');
});

test('an event made all-day by a 14.1 Change that kept its times gets the days they fall on', async (t) => {
  const box = await calendarBox(t);
  const { item } = await box.add('14.1', [
    el('Calendar:Timezone', BERLIN_2030),
    el('Calendar:StartTime', '20300715T080000Z'),
    el('Calendar:EndTime', '20300715T100000Z'),
    el('Calendar:Subject', 'Meeting'),
  ]);
  const { status } = await box.change('14.1', item!, [el('Calendar:AllDayEvent', 1)], { supported: ['Calendar:AllDayEvent'] });
  t.is(status, 1);
  const v16 = await box.render(item!, '16.1');
  t.is(text(v16, 'Calendar:StartTime'), '20300715T000000Z');
  t.is(text(v16, 'Calendar:EndTime'), '20300716T000000Z');
  t.is(text(await box.render(item!, '14.1'), 'Calendar:StartTime'), '20300714T220000Z');
});
