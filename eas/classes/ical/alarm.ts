// VALARM (RFC 5545 3.6.6) → MS-ASCAL 2.2.2.40 Reminder (minutes before the start). EAS has one
// reminder: the first DISPLAY or AUDIO alarm (else the first alarm of any action) whose trigger
// lies at or before the start becomes it; the other alarms stay in the kept original for export.

import ICAL from 'ical.js';

const SECOND = 1000;

/** The alarm EAS carries, or null. */
export function reminderAlarm(event: ICAL.Component): ICAL.Component | null {
  const alarms = event.getAllSubcomponents('valarm');
  const shown = alarms.find((a) => /^(DISPLAY|AUDIO)$/i.test(String(a.getFirstPropertyValue('action') ?? '')));
  return shown ?? alarms[0] ?? null;
}

/** Minutes between the alarm and the start (0 or more), or null when it rings after the start or never. */
export function reminderMinutes(alarm: ICAL.Component, start: Date, end: Date): number | null {
  const prop = alarm.getFirstProperty('trigger');
  const value = prop?.getFirstValue();
  let at: number;
  if (value instanceof ICAL.Duration) {
    const related = String(prop!.getParameter('related') ?? 'START').toUpperCase();
    at = (related === 'END' ? end.getTime() : start.getTime()) + value.toSeconds() * SECOND;
  } else if (value instanceof ICAL.Time) {
    at = value.toUnixTime() * SECOND;
  } else return null;
  const minutes = Math.round((start.getTime() - at) / (60 * SECOND));
  return minutes >= 0 ? minutes : null;
}

/** A VALARM that shows a reminder `minutes` before the start. */
export function displayAlarm(minutes: number, description: string): ICAL.Component {
  const alarm = new ICAL.Component('valarm');
  alarm.addPropertyWithValue('action', 'DISPLAY');
  alarm.addPropertyWithValue('description', description || 'Reminder');
  alarm.addPropertyWithValue('trigger', ICAL.Duration.fromSeconds(-minutes * 60));
  return alarm;
}
