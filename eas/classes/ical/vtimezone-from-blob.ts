// A VTIMEZONE (RFC 5545 3.6.5) for an EAS TimeZone blob (MS-ASDTYPE 2.7.6) that matches no
// zone the exported event already names: its two SYSTEMTIME rules become yearly RRULEs
// ("the n-th weekday of the month", 5 = last), as Exchange itself exports them.

import ICAL from 'ical.js';
import type { EasTimeZone, SystemTime } from '../calendar/timezone.js';

const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

function observance(kind: 'standard' | 'daylight', rule: SystemTime | null, from: number, to: number): ICAL.Component {
  const c = new ICAL.Component(kind);
  c.addPropertyWithValue('dtstart', ICAL.Time.fromData({ year: 1970, month: 1, day: 1, hour: rule?.hour ?? 0, minute: rule?.minute ?? 0, second: rule?.second ?? 0, isDate: false }));
  c.addPropertyWithValue('tzoffsetfrom', ICAL.UtcOffset.fromSeconds(from * 60));
  c.addPropertyWithValue('tzoffsetto', ICAL.UtcOffset.fromSeconds(to * 60));
  if (rule) {
    const recur = new ICAL.Recur({ freq: 'YEARLY' });
    recur.setComponent('BYMONTH', [rule.month]);
    if (rule.year === 0) recur.setComponent('BYDAY', [`${rule.day === 5 ? -1 : rule.day}${DAYS[rule.dayOfWeek] ?? 'SU'}`]);
    else recur.setComponent('BYMONTHDAY', [rule.day]);
    c.addPropertyWithValue('rrule', recur);
  }
  return c;
}

export function vtimezoneFromBlob(tz: EasTimeZone, tzid: string): ICAL.Component {
  const vtz = new ICAL.Component('vtimezone');
  vtz.addPropertyWithValue('tzid', tzid);
  const std = -(tz.bias + tz.standardBias);
  const dst = -(tz.bias + tz.daylightBias);
  const hasDst = tz.standardDate.month >= 1 && tz.daylightDate.month >= 1;
  if (!hasDst) {
    vtz.addSubcomponent(observance('standard', null, std, std));
    return vtz;
  }
  vtz.addSubcomponent(observance('standard', tz.standardDate, dst, std));
  vtz.addSubcomponent(observance('daylight', tz.daylightDate, std, dst));
  return vtz;
}
