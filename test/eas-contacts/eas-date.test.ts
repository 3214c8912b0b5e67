// The EAS date reader and the Compact DateTime writer (MS-ASDTYPE 2.3 and 2.7.2) the Contacts,
// Tasks and Notes classes share.

import test from 'ava';
import { formatCompactDateTime, parseEasDateTime } from '../../eas/classes/contacts/eas-date.js';

const at = (iso: string) => Date.parse(iso);

test('MS-ASDTYPE 2.3 dateTime and the looser forms clients send', (t) => {
  t.is(parseEasDateTime('2023-09-30T02:22:00.000Z'), at('2023-09-30T02:22:00.000Z'));
  t.is(parseEasDateTime('2023-09-30T02:22:00Z'), at('2023-09-30T02:22:00.000Z'));
  t.is(parseEasDateTime('2023-09-30T02:22:00.5Z'), at('2023-09-30T02:22:00.500Z'));
  t.is(parseEasDateTime('2023-09-30T02:22:00'), at('2023-09-30T02:22:00.000Z'), 'no zone: UTC, as the spec says the value is');
  t.is(parseEasDateTime('2023-09-30T04:22:00+02:00'), at('2023-09-30T02:22:00.000Z'));
  t.is(parseEasDateTime('2023-09-29T21:22:00-0500'), at('2023-09-30T02:22:00.000Z'));
  t.is(parseEasDateTime(' 2023-09-30 '), at('2023-09-30T00:00:00.000Z'));
});

test('MS-ASDTYPE 2.7.2 Compact DateTime both ways', (t) => {
  t.is(parseEasDateTime('20230930T022200Z'), at('2023-09-30T02:22:00.000Z'));
  t.is(formatCompactDateTime(at('2023-09-30T02:22:00.999Z')), '20230930T022200Z');
  t.is(formatCompactDateTime(at('0099-01-02T03:04:05.000Z')), '00990102T030405Z');
  t.is(parseEasDateTime('00990102T030405Z'), at('0099-01-02T03:04:05.000Z'), 'years below 100 stay themselves');
});

test('what names no instant is null', (t) => {
  for (const bad of ['', 'tomorrow', '2023-02-29T00:00:00Z', '2023-13-01', '2023-09-30T24:00:00Z', '2023-09-30T02:60:00Z', '2023-09-30T02:22:00+2', '20230931T000000Z']) {
    t.is(parseEasDateTime(bad), null, bad);
  }
});
