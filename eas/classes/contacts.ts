// The Contacts class (MS-ASCNTC): Contacts and Contacts2 properties plus AirSyncBase:Body, in the
// Contacts folders. Every property a client sends is kept as sent (eas/classes/doc/nodes.ts)
// except where the spec's meaning needs a normal form: Birthday and Anniversary are kept as the
// DATE they mean (contacts/birthday.ts), Picture as clean base64 text (contacts/picture.ts).
//
// Ghosting: MS-ASCMD 2.2.3.179 Supported covers "contact and calendar elements", and MS-ASCNTC
// 3.1.5.3 lets Contact class elements be named in it with no version limit (unlike MS-ASCAL
// 3.1.5.3, where 16.0 and 16.1 ghost every absent calendar element). So in every version: no
// Supported list → an absent property is deleted; a list → what it names and the Change lacks
// is deleted, the rest is kept; an empty list → everything absent is kept.
//
// A contact has no UID in EAS. An importer (vCard) that needs one to update its contacts keeps
// it in a private node, tag CONTACT_UID_TAG: never sent to a client, kept through every client
// Change (contacts/pim-props.ts), and what uid() (and so store.upsertDocs) matches on.

import { FolderType } from '../../store/types.js';
import { DATE_TAGS, dateForClient, storedDateNode } from './contacts/birthday.js';
import { FAR_FUTURE, mergeKeepingPrivate, wireProps, withoutEmpty } from './contacts/pim-props.js';
import { PICTURE_TAG, storedPicture } from './contacts/picture.js';
import { createDocClass, DocConversionError, type DocClassSpec } from './doc/doc-class.js';
import { BODY_TAG } from './doc/body.js';
import { textOfNode, type PropNode } from './doc/nodes.js';
import type { ItemClass } from './types.js';

/** The private node an importer keeps a vCard UID in (see above). */
export const CONTACT_UID_TAG = 'vCard:UID';

/**
 * Never sent as stored: Contacts:Body/BodySize/BodyTruncated are protocol 2.5's (MS-ASCNTC
 * 2.2.2.7.2; a 2.5 client's become the stored AirSyncBase:Body and go back to 2.5 as its own
 * form, doc/body-25.ts), Alias and WeightedRank are returned only in recipient information cache
 * responses (MS-ASCNTC 2.2.2.2, 2.2.2.64).
 */
const NOT_SENT = new Set(['Contacts:Body', 'Contacts:BodySize', 'Contacts:BodyTruncated', 'Contacts:Alias', 'Contacts:WeightedRank']);

function fromClient(sent: PropNode[]): PropNode[] {
  return sent.map((node) => {
    if ((DATE_TAGS as readonly string[]).includes(node.tag)) {
      const stored = storedDateNode(node);
      // MS-ASDTYPE 2.3: a dateTime; a value that names no date cannot be converted.
      if (!stored) throw new DocConversionError(`${node.tag} "${node.text ?? ''}" is not a date`);
      return stored;
    }
    if (node.tag === PICTURE_TAG) return storedPicture(node);
    return node;
  });
}

/** What a client is sent; every Contacts/Contacts2 element exists in all versions served (2.5 up). */
function toClient(props: readonly PropNode[]): PropNode[] {
  const out: PropNode[] = [];
  for (const node of wireProps(props, ['Contacts', 'Contacts2', 'AirSyncBase'])) {
    if (NOT_SENT.has(node.tag)) continue;
    if (node.tag.startsWith('AirSyncBase:') && node.tag !== BODY_TAG) continue;
    if ((DATE_TAGS as readonly string[]).includes(node.tag) && node.text) {
      out.push({ tag: node.tag, text: dateForClient(node.text) });
      continue;
    }
    out.push(node);
  }
  return out;
}

export function createContactsSpec(): DocClassSpec {
  return {
    name: 'Contacts',
    folderTypes: [FolderType.Contacts, FolderType.UserContacts],
    minVersion: '2.5',
    // MS-ASCNTC 2.2.2.7.2–2.2.2.9 and CompressedRTF: the notes at 2.5 (doc/body-25.ts).
    body25: { ns: 'Contacts', bodySize: true },
    // MS-ASCMD 2.2.3.68.2: FilterType does not apply to contacts; every contact is in the window.
    windowSince: () => null,
    fromClient: (sent) => fromClient(sent),
    complete: (props) => withoutEmpty(props),
    ghosting: () => 'supported',
    merge: (stored, sent, absentKept) => mergeKeepingPrivate(stored, sent, absentKept),
    toClient: (props) => toClient(props),
    windowAt: () => FAR_FUTURE,
    uid: (props) => textOfNode(props, CONTACT_UID_TAG) || null,
  };
}

export function createContactsClass(): ItemClass {
  return createDocClass(createContactsSpec());
}
