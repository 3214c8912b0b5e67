// One stored contact → a vCard 4.0 for export. An imported contact is written from the card it
// came from (as 4.0): a group of properties whose EAS values no device changed stays exactly as
// it was, X- and other properties EAS has no field for stay too; a changed group is rewritten,
// keeping each of its properties whose own values did not change (with their TYPE and PREF).
// A contact a device created is written from its EAS fields.

import ICAL from 'ical.js';
import { same } from '../ical/same.js';
import type { ContactValue, EasContact } from './contact.js';
import { contactFromVcard } from './from-vcard.js';
import { GROUPS, type Group } from './groups.js';
import { asVcard4 } from './upgrade.js';

const pick = (c: EasContact, tags: readonly string[]): Map<string, ContactValue> =>
  new Map(tags.filter((t) => c.has(t)).map((t) => [t, c.get(t)!]));

function rewrite(card: ICAL.Component, group: Group, cur: EasContact, slots: ReturnType<typeof contactFromVcard>['slots']): void {
  const remaining = pick(cur, group.tags);
  for (const slot of slots.get(group) ?? []) {
    const unchanged = slot.prop !== null && slot.tags.every((t) => same(cur.get(t), slot.values.get(t)));
    if (unchanged) {
      for (const t of slot.tags) remaining.delete(t);
      continue;
    }
    if (slot.prop) card.removeProperty(slot.prop);
    for (const p of slot.also ?? []) card.removeProperty(p);
  }
  for (const prop of group.write(remaining, card)) card.addProperty(prop);
}

/** FN is required in 4.0: the file-as name, else the name, company or first address. */
function displayName(cur: EasContact): string {
  const s = (t: string): string => {
    const v = cur.get(t);
    return Array.isArray(v) ? v.join(', ') : (v ?? '');
  };
  const name = [s('Contacts:FirstName'), s('Contacts:MiddleName'), s('Contacts:LastName')].filter(Boolean).join(' ');
  return s('Contacts:FileAs') || name || s('Contacts:CompanyName') || s('Contacts:Email1Address') || 'Unnamed';
}

export function exportCard(cur: EasContact, original: ICAL.Component | null, uid: string): ICAL.Component {
  const card = original ? asVcard4(original) : new ICAL.Component(['vcard', [['version', {}, 'text', '4.0']], []]);
  const read = contactFromVcard(card);
  for (const group of GROUPS) {
    if (!original || !same(pick(read.contact, group.tags), pick(cur, group.tags))) rewrite(card, group, cur, read.slots);
  }
  if (!card.hasProperty('fn')) card.addPropertyWithValue('fn', displayName(cur));
  if (!card.hasProperty('uid')) card.addPropertyWithValue('uid', uid);
  return card;
}
