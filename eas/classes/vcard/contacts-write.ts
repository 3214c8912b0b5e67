// Stored contacts → one .vcf file of vCard 4.0 cards (RFC 6350), each merged with the card it
// was imported from (export-card.ts).

import type ICAL from 'ical.js';
import type { WbxmlElement } from '../../wbxml/tree.js';
import type { EntryProblem } from '../ical/entries.js';
import { parseComponent } from '../ical/parse-entry.js';
import { syntheticUid } from '../ical/synthetic-uid.js';
import { contactFromAppData } from './app-data.js';
import { exportCard } from './export-card.js';

export interface StoredContact {
  position: string;
  uid: string | null;
  appData: readonly WbxmlElement[];
  /** The kept original ("x:vcard"), when the contact was imported. */
  original: string | null;
}

export interface WrittenContacts {
  text: string;
  count: number;
  problems: EntryProblem[];
}

export function writeContactsFile(contacts: readonly StoredContact[]): WrittenContacts {
  const problems: EntryProblem[] = [];
  let text = '';
  for (const stored of contacts) {
    const cur = contactFromAppData(stored.appData);
    let original: ICAL.Component | null = null;
    if (stored.original) {
      try {
        original = parseComponent(stored.original);
      } catch (err) {
        problems.push({ position: stored.position, reason: `the imported original cannot be read (${(err as Error).message}): written from its EAS fields only` });
      }
    }
    const uid = stored.uid ?? syntheticUid([stored.position, ...[...cur.entries()].map(([k, v]) => `${k}:${String(v)}`)]);
    text += exportCard(cur, original, uid).toString() + '\r\n';
  }
  return { text, count: contacts.length, problems };
}
