// ORGANIZER and ATTENDEE (RFC 5545 3.8.4.3, 3.8.4.1) ↔ MS-ASCAL OrganizerEmail/OrganizerName
// and Attendee: PARTSTAT ↔ AttendeeStatus (2.2.2.5), ROLE and CUTYPE ↔ AttendeeType (2.2.2.7).

import ICAL from 'ical.js';
import type { EasAttendee } from './event.js';

const STATUS_OF_PARTSTAT: Record<string, number> = { 'NEEDS-ACTION': 5, ACCEPTED: 3, TENTATIVE: 2, DECLINED: 4 };
const PARTSTAT_OF_STATUS: Record<number, string> = { 2: 'TENTATIVE', 3: 'ACCEPTED', 4: 'DECLINED', 5: 'NEEDS-ACTION' };

export function addressOf(value: unknown): string {
  return String(value ?? '')
    .trim()
    .replace(/^mailto:/i, '');
}

export function organizerOf(event: ICAL.Component): { email: string; name: string } | null {
  const prop = event.getFirstProperty('organizer');
  if (!prop) return null;
  const email = addressOf(prop.getFirstValue());
  return email ? { email, name: prop.getFirstParameter('cn') ?? '' } : null;
}

export function attendeeOf(prop: ICAL.Property): EasAttendee | null {
  const email = addressOf(prop.getFirstValue());
  if (!email) return null;
  const cutype = String(prop.getFirstParameter('cutype') ?? '').toUpperCase();
  const role = String(prop.getFirstParameter('role') ?? '').toUpperCase();
  return {
    email,
    name: prop.getFirstParameter('cn') || email,
    status: STATUS_OF_PARTSTAT[String(prop.getFirstParameter('partstat') ?? '').toUpperCase()] ?? 0,
    type: cutype === 'RESOURCE' || cutype === 'ROOM' ? 3 : role === 'OPT-PARTICIPANT' || role === 'NON-PARTICIPANT' ? 2 : 1,
  };
}

export function attendeesOf(event: ICAL.Component): EasAttendee[] {
  return event
    .getAllProperties('attendee')
    .map(attendeeOf)
    .filter((a): a is EasAttendee => a !== null);
}

export function organizerProperty(organizer: { email: string; name: string }): ICAL.Property {
  const prop = new ICAL.Property('organizer');
  prop.setValue(`mailto:${organizer.email}`);
  if (organizer.name) prop.setParameter('cn', organizer.name);
  return prop;
}

export function attendeeProperty(a: EasAttendee): ICAL.Property {
  const prop = new ICAL.Property('attendee');
  prop.setValue(`mailto:${a.email}`);
  if (a.name && a.name !== a.email) prop.setParameter('cn', a.name);
  if (a.type === 3) prop.setParameter('cutype', 'RESOURCE');
  else prop.setParameter('role', a.type === 2 ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT');
  const partstat = PARTSTAT_OF_STATUS[a.status];
  if (partstat) prop.setParameter('partstat', partstat);
  return prop;
}
