// VCARD (3.0 or 4.0) → EasContact through the group table (groups.ts), keeping which property
// filled which tags, so export can tell a property no device changed from one it did.

import type ICAL from 'ical.js';
import type { EasContact } from './contact.js';
import { GROUPS, type Group, type Slot } from './groups.js';

export interface ReadCard {
  contact: EasContact;
  slots: Map<Group, Slot[]>;
  /** What was not carried over to EAS (kept for export). */
  notes: string[];
}

export function contactFromVcard(card: ICAL.Component): ReadCard {
  const contact: EasContact = new Map();
  const slots = new Map<Group, Slot[]>();
  const notes: string[] = [];
  for (const group of GROUPS) {
    const found = group.read(card, notes);
    slots.set(group, found);
    for (const slot of found) for (const [tag, value] of slot.values) contact.set(tag, value);
  }
  return { contact, slots, notes };
}
