// The vCard format of `eas-push contacts import|export`: VCARD 3.0/4.0 in, 4.0 out ↔ Contacts
// ApplicationData at EAS 14.1 (Contacts2 included).

import { FolderType } from '../../../store/types.js';
import type { PimFormat } from '../ical/pim-transfer.js';
import { readContactsFile, VCARD_NODE } from './contacts-read.js';
import { writeContactsFile } from './contacts-write.js';

export function contactsFormat(): PimFormat {
  return {
    kind: { item: 'contact', noun: 'contacts', defaultType: FolderType.Contacts, userType: FolderType.UserContacts },
    version: '14.1',
    privateTag: VCARD_NODE,
    read: (text) => readContactsFile(text),
    write: (docs) => writeContactsFile(docs),
  };
}
