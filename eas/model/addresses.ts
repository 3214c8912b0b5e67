// MS-ASEMAIL 2.2.2.To/Cc/From/ReplyTo/DisplayTo: addresses in the display form phones parse,
// `"Name" <addr>` joined by ", ".

import type { Address } from '../../store/types.js';

/** Control characters (a folded header's CR/LF, tabs) would break the client's address parser. */
function clean(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

export function displayAddress(a: Address): string {
  const address = clean(a.address);
  const name = clean(a.name).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  if (!address) return name ? `"${name}"` : '';
  return name ? `"${name}" <${address}>` : address;
}

/** Comma-separated display list; empty string when there are none. */
export function addressList(list: Address[]): string {
  return list.map(displayAddress).filter(Boolean).join(', ');
}

/** DisplayTo: the names of the To recipients (the address when a name is missing), "; "-joined. */
export function displayTo(list: Address[]): string {
  return list
    .map((a) => clean(a.name) || clean(a.address))
    .filter(Boolean)
    .join('; ');
}
