// A .vcf file (RFC 6350 / RFC 2426) → one import entry per VCARD. Each card is parsed on its
// own (ical.js picks the 3.0 or 4.0 rules per card), so a broken card is refused with its line
// and number and the others import. The card is kept (without an inline PHOTO, which the EAS
// Picture holds) in the item's private "x:vcard" node for export.

import ICAL from 'ical.js';
import { CONTACT_UID_TAG } from '../contacts.js';
import { textNode } from '../doc/nodes.js';
import { splitBlocks, strayRuns } from '../ical/blocks.js';
import { FileError, type ImportEntry, type ReadResult } from '../ical/entries.js';
import { joinLines, parseComponent } from '../ical/parse-entry.js';
import { syntheticUid } from '../ical/synthetic-uid.js';
import { contactToAppData } from './app-data.js';
import { PICTURE } from './contact.js';
import { contactFromVcard } from './from-vcard.js';

export const VCARD_NODE = 'x:vcard';

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function keptText(card: ICAL.Component, pictureMapped: boolean): string {
  if (pictureMapped) card.removeProperty('photo');
  return card.toString() + '\r\n';
}

export function readContactsFile(text: string): ReadResult {
  const { roots, stray } = splitBlocks(text);
  if (!roots.some((r) => r.name === 'VCARD')) throw new FileError('not a vCard file: no BEGIN:VCARD');
  const result: ReadResult = { entries: [], refused: strayRuns(stray), skipped: [] };
  const seen = new Map<string, string>();
  let index = 0;
  for (const root of roots) {
    if (root.name !== 'VCARD') {
      result.refused.push({ position: `line ${root.line}`, reason: `BEGIN:${root.name} is not a vCard` });
      continue;
    }
    index++;
    const position = `line ${root.line} (card ${index})`;
    try {
      if (root.broken) throw new Error(root.broken);
      const card = parseComponent(joinLines(root.lines));
      const version = String(card.getFirstPropertyValue('version') ?? '').trim();
      const { contact, notes } = contactFromVcard(card);
      if (contact.size === 0) throw new Error('no name, address, phone or other property EAS carries');
      if (version !== '3.0' && version !== '4.0') notes.push(`VERSION ${version || '(none)'} read with the vCard 3.0 rules`);
      const uid = String(card.getFirstPropertyValue('uid') ?? '').trim() || syntheticUid(root.lines);
      const earlier = seen.get(uid);
      if (earlier) throw new Error(`UID ${uid} is also the card at ${earlier}`);
      seen.set(uid, position);
      const entry: ImportEntry = {
        position,
        uid,
        appData: contactToAppData(contact),
        // The Contacts class matches imports on CONTACT_UID_TAG (EAS contacts have no UID).
        privateNodes: [textNode(VCARD_NODE, keptText(card, contact.has(PICTURE))), textNode(CONTACT_UID_TAG, uid)],
        setNodes: [],
        notes,
      };
      result.entries.push(entry);
    } catch (err) {
      result.refused.push({ position, reason: `VCARD: ${reasonOf(err)}` });
    }
  }
  return result;
}
