// Contacts:Birthday and Contacts:Anniversary (MS-ASCNTC 2.2.2.6, 2.2.2.1) are dateTime values
// (MS-ASDTYPE 2.3) that mean a calendar DATE: "The time portion of the datetime value SHOULD be
// ignored, so that synchronizing between different time zones does not change the date."
// Clients do not agree on the time they put there, so the server keeps the date alone
// ("1980-05-17") and chooses what time to write when it sends one.
//
// What clients SEND (evidence):
//  - UTC midnight, 1980-05-17T00:00:00.000Z: AOSP Exchange (Android stock/Gmail, and the
//    Samsung/Kingsoft forks of it) formats the contact's yyyy-MM-dd in UTC (EasSyncContacts
//    sendDateData); the Nine 16.1 traces (test/fixtures/pim 721) send this form.
//  - local midnight converted to UTC, 1980-05-16T22:00:00.000Z from a UTC+2 device: what
//    Exchange itself sends (the reason AOSP rounds, below) and what iPhones send (tine20 issues
//    #1385, #7416, z-push-ox #6: "the birthday is sent from the device encoded in the device's
//    timezone").
//  - local noon, e.g. 1980-05-17T11:00:00.000Z from a UTC+1 device (BlackBerry 10 "expects the
//    birthday to be at 12:00 local time", tine20 #4463; Palm Pre #1803).
// Reading rule: the UTC date of the instant plus 12 hours, i.e. the NEAREST UTC midnight. That is
// AOSP's own reading rule (ContactsSyncParser.addBirthday: "if HOUR_OF_DAY >= 12, add a day"),
// and it gives the meant date for local midnight from UTC-11 to UTC+12, for UTC midnight, and
// for local noon from UTC+1 to UTC+12 (the 11:00 UTC form). Left ambiguous, since the instant
// alone cannot tell them apart: local midnight east of UTC+12 (one day early) and local noon at
// or west of UTC (one day late).
//
// What clients READ (evidence): AOSP rounds to the nearest UTC midnight (above); iPhone and
// Outlook show a value one day early when it is the previous day's 22:00/23:00 UTC (tine20
// #7209, #7416), i.e. they use its UTC date or convert it to local time (Outlook at UTC+13
// showing a 12:00 UTC birthday as the next day, tine20 #5285, fits the latter). So the server
// writes 11:00 UTC of the date:
// the UTC date is right, AOSP (11 < 12) is right, and a reader that converts to local time
// stays on the date everywhere from UTC-11 to UTC+12. Midnight UTC would put it a day early
// for such a reader anywhere west of Greenwich.

import type { PropNode } from '../doc/nodes.js';
import { parseEasDateTime } from './eas-date.js';

export const DATE_TAGS = ['Contacts:Birthday', 'Contacts:Anniversary'] as const;

const HALF_DAY = 12 * 3_600_000;
/** The time of day written with a stored date (see above). */
const SENT_TIME = 'T11:00:00.000Z';

/** The calendar date ("1980-05-17") a client's Birthday/Anniversary means, or null if unreadable. */
export function calendarDateOf(text: string): string | null {
  const t = parseEasDateTime(text);
  if (t === null) return null;
  const d = new Date(t + HALF_DAY);
  const y = String(d.getUTCFullYear()).padStart(4, '0');
  return `${y}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** A stored date as the dateTime sent to a client; a value that is not a bare date goes as it is. */
export function dateForClient(stored: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(stored) ? `${stored}${SENT_TIME}` : stored;
}

/** The node with its value reduced to the date; null when the value is no date at all. */
export function storedDateNode(node: PropNode): PropNode | null {
  const text = node.text ?? '';
  if (text.trim() === '') return { tag: node.tag }; // empty: the client clears it
  const date = calendarDateOf(text);
  return date === null ? null : { tag: node.tag, text: date };
}
