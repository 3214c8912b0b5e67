// Address lists of a client's message: who the envelope goes to (To, Cc, Bcc) and who it
// claims to be from. nodemailer's addressparser handles groups, quoted names and comments.

import addressparser from 'nodemailer/lib/addressparser';
import { headers, type MimeMessage } from './mime-message.js';

export interface Mailbox {
  name: string;
  address: string;
}

/** A deliberately plain check: one @, no spaces or angle brackets, a dotless domain allowed (tests, intranets). */
export function isValidAddress(address: string): boolean {
  return /^[^\s@<>()",;:]+@[^\s@<>()",;:]+$/.test(address) && !address.endsWith('.');
}

export function parseAddressList(value: string): Mailbox[] {
  return addressparser(value, { flatten: true })
    .map((a) => ({ name: a.name ?? '', address: (a.address ?? '').trim() }))
    .filter((a) => a.address !== '' || a.name !== '');
}

export function mailboxesOf(msg: MimeMessage, ...fieldNames: string[]): Mailbox[] {
  const out: Mailbox[] = [];
  for (const name of fieldNames) for (const value of headers(msg, name)) out.push(...parseAddressList(value));
  return out;
}

export interface Recipients {
  /** Lower-case, de-duplicated envelope recipients from To, Cc and Bcc. */
  addresses: string[];
  /** Entries that are not addresses (an empty group such as "undisclosed-recipients:;" is none). */
  invalid: string[];
}

export function envelopeRecipients(msg: MimeMessage): Recipients {
  const seen = new Set<string>();
  const invalid: string[] = [];
  for (const m of mailboxesOf(msg, 'to', 'cc', 'bcc')) {
    const a = m.address.toLowerCase();
    if (!isValidAddress(a)) invalid.push(m.address || m.name);
    else seen.add(a);
  }
  return { addresses: [...seen], invalid };
}
