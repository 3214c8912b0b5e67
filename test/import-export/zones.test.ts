// The zones of a calendar file (eas/classes/ical/zones.ts): one made from a VTIMEZONE, wall times
// to UTC instants and back on both sides of its daylight-saving changes, and a TZID without one.
// Each is asked again and again, as an invitation's times are: what the zones remember of
// earlier answers must stay right.

import test from 'ava';
import ICAL from 'ical.js';
import { createZoneTable, ianaOfTzid, isIana, utcZone, vtimezoneZone } from '../../eas/classes/ical/zones.js';

const BERLIN = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

const wall = (iso: string) => {
  const [d, t] = iso.split('T') as [string, string];
  const [year, month, day] = d.split('-').map(Number) as [number, number, number];
  const [hour, minute, second] = t.split(':').map(Number) as [number, number, number];
  return { year, month, day, hour, minute, second };
};

test('winter and summer times convert right, the first time and every time after', (t) => {
  const zone = vtimezoneZone(new ICAL.Component(ICAL.parse(BERLIN) as unknown[]));
  const cases: [string, string][] = [
    ['2030-02-15T10:00:00', '2030-02-15T09:00:00.000Z'],
    ['2030-07-15T10:00:00', '2030-07-15T08:00:00.000Z'],
    ['2030-03-31T01:59:59', '2030-03-31T00:59:59.000Z'],
    ['2030-03-31T03:00:00', '2030-03-31T01:00:00.000Z'],
    ['2030-10-27T01:00:00', '2030-10-26T23:00:00.000Z'],
    ['2030-10-27T04:00:00', '2030-10-27T03:00:00.000Z'],
  ];
  for (let round = 0; round < 3; round++) {
    for (const [w, utc] of cases) {
      t.is(zone.toUtc(wall(w)).toISOString(), utc, `${w}, round ${round}`);
      t.deepEqual(zone.toWall(new Date(utc)), wall(w), `${utc} back, round ${round}`);
    }
  }
});

test('past the number of times it remembers, earlier times are still right', (t) => {
  const zone = vtimezoneZone(new ICAL.Component(ICAL.parse(BERLIN) as unknown[]));
  t.is(zone.toUtc(wall('2030-07-01T12:00:00')).toISOString(), '2030-07-01T10:00:00.000Z');
  // The oracle is ICU's own Europe/Berlin (a different implementation from ical.js's).
  const icu = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', timeZoneName: 'shortOffset' });
  // A thousand distinct days, winter and summer, then the first again.
  for (let d = 0; d < 1000; d++) {
    const day = new Date(Date.UTC(2030, 0, 1 + d));
    const w = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: 12, minute: 0, second: 0 };
    const offsetHours = 12 - zone.toUtc(w).getUTCHours();
    // At 10:00Z, after the day's change at 01:00Z, if any, as 12:00 local is.
    const named = icu.formatToParts(new Date(day.getTime() + 10 * 3_600_000));
    const summer = named.find((p) => p.type === 'timeZoneName')?.value === 'GMT+2';
    t.is(offsetHours, summer ? 2 : 1, w.year + '-' + w.month + '-' + w.day);
  }
  t.is(zone.toUtc(wall('2030-07-01T12:00:00')).toISOString(), '2030-07-01T10:00:00.000Z');
});

test('a TZID without a VTIMEZONE: an IANA or Windows name is its zone, another name is none, every time', (t) => {
  for (let round = 0; round < 3; round++) {
    const zones = createZoneTable([], utcZone());
    t.is(zones.byTzid('Europe/Berlin').toUtc(wall('2030-07-15T10:00:00')).toISOString(), '2030-07-15T08:00:00.000Z');
    t.is(zones.byTzid('America/New_York').toUtc(wall('2030-01-15T10:00:00')).toISOString(), '2030-01-15T15:00:00.000Z');
    t.true(isIana('Europe/Berlin'));
    t.false(isIana('Europe/Atlantis'), 'the shape of a name, not one ICU knows');
    t.false(isIana('W. Europe Standard Time'));
    t.is(ianaOfTzid('W. Europe Standard Time'), 'Europe/Berlin');
    t.is(ianaOfTzid('/mozilla.org/20050126_1/America/New_York'), 'America/New_York');
    t.throws(() => zones.byTzid('Europe/Atlantis'), { message: /unknown time zone "Europe\/Atlantis"/ });
  }
});
