// `eas-push contacts import|export`: a .vcf file (vCard 3.0 or 4.0) into an account's contacts,
// or the contacts out as vCard 4.0. The same command as `calendar` (calendar.ts pimCommand),
// with the vCard format of eas/classes/vcard/.

import { contactsFormat } from '../../eas/classes/vcard/contacts-format.js';
import type { ClassRegistry } from '../../eas/classes/types.js';
import { FOLDER, OUT, pimCommand, pimHelp, type PimCommand } from './calendar.js';
import { DATA_DIR, STORE, type Io } from './common.js';

export const CONTACTS_USAGE: Record<string, string> = {
  import: 'contacts import ADDRESS FILE.vcf [--folder NAME]',
  export: 'contacts export ADDRESS [--folder NAME] [--out FILE]',
};

const CONTACTS: PimCommand = {
  name: 'contacts',
  format: () => contactsFormat(),
  options: { import: [DATA_DIR, STORE, FOLDER], export: [DATA_DIR, STORE, FOLDER, OUT] },
  usage: CONTACTS_USAGE,
  notes: {
    import:
      'Imports the cards of a vCard file (3.0 or 4.0; 2.1 cards that parse are read as 3.0) into the\n' +
      'account\'s Contacts, or the contacts folder --folder names. A card whose UID is already there\n' +
      'is updated, not added again. Each bad card is reported with its line and number and the others\n' +
      'are imported, in one transaction; exit code 1 when any card was refused. What EAS cannot carry\n' +
      '(X- properties, a fourth e-mail address, a PHOTO that is a link) is kept for export.',
    export:
      'Writes the contacts as vCard 4.0 (RFC 6350), one card per contact: imported cards with everything\n' +
      'they had (3.0 cards converted to 4.0), changed where a phone changed them; contacts made on a\n' +
      'phone from their EAS properties. Pictures are written as data: URIs.',
  },
};

export function contactsHelp(sub: string | undefined): string {
  return pimHelp(CONTACTS, sub);
}

export function contacts(sub: string, args: readonly string[], io: Io, classes?: ClassRegistry): Promise<number> {
  return pimCommand(CONTACTS, sub, args, io, classes);
}
