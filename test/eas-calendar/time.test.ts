// The Calendar class's time reader (MS-ASDTYPE 2.7.2 Compact DateTime, and the 2.3 dateTime some
// clients send instead): what it takes, and what it refuses.

import test from 'ava';
import { compact, parseEasTime } from '../../eas/classes/calendar/time.js';

const at = (iso: string) => new Date(iso);

test('a Compact DateTime and the dateTime form both read as their UTC instant', (t) => {
  t.deepEqual(parseEasTime('20300215T090000Z'), at('2030-02-15T09:00:00.000Z'));
  t.deepEqual(parseEasTime(' 20300215T090000Z\n'), at('2030-02-15T09:00:00.000Z'), 'white space around it');
  t.deepEqual(parseEasTime('20240229T235959Z'), at('2024-02-29T23:59:59.000Z'), 'a leap day');
  t.deepEqual(parseEasTime('2030-02-15T09:00:00.000Z'), at('2030-02-15T09:00:00.000Z'));
  t.deepEqual(parseEasTime('2030-02-15T09:00:00Z'), at('2030-02-15T09:00:00.000Z'));
  t.is(parseEasTime(undefined), null);
});

test('what is not one of the two forms, or names no real instant, is null', (t) => {
  for (const bad of [
    '',
    'tomorrow',
    '20300215T0900Z',
    '20300215T090000',
    '20300215 090000Z',
    '2030021AT090000Z',
    '20300215T09000-Z',
    '2030-0215T090000Z',
    '20300215T090000z',
    '20230229T000000Z',
    '20301301T000000Z',
    '20300931T000000Z',
    '20300215T240000Z',
    '20300215T096000Z',
    '20300215T090060Z',
    '2030-02-15 09:00:00Z',
    '００３００２１５T090000Z',
  ]) {
    t.is(parseEasTime(bad), null, bad);
  }
});

test('a time read is written back the same', (t) => {
  for (const s of ['20300215T090000Z', '19991231T235959Z', '20000101T000000Z']) t.is(compact(parseEasTime(s)!), s);
});
