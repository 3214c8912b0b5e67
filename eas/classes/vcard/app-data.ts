// EasContact ↔ Contacts ApplicationData (MS-ASCNTC 2.2.2): out as a 14.1 client sends it in a
// Sync Add, in from what the class renders for a device. Birthday and Anniversary are dateTime
// on the wire (MS-ASDTYPE 2.3); a device in another zone sends local midnight, so a date is read
// as the nearest day (the instant plus 12 hours, in UTC) and written as midnight UTC.

import { htmlToText } from '../../../store/html-text.js';
import { el, WbxmlElement } from '../../wbxml/tree.js';
import { BODY, CATEGORIES, DATE_TAGS, PICTURE, TEXT_TAGS, type EasContact } from './contact.js';
import { parseEasTime } from '../ical/compact-time.js';

const HALF_DAY = 43_200_000;

const text = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : String(v ?? ''));

export function contactToAppData(c: EasContact): WbxmlElement {
  const children: WbxmlElement[] = [];
  const body = text(c.get(BODY));
  if (body) children.push(el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', body)]));
  for (const tag of DATE_TAGS) {
    const date = text(c.get(tag));
    if (date) children.push(el(tag, `${date}T00:00:00.000Z`));
  }
  const categories = c.get(CATEGORIES);
  if (Array.isArray(categories) && categories.length > 0) children.push(el(CATEGORIES, categories.map((x) => el('Contacts:Category', x))));
  for (const tag of TEXT_TAGS) {
    const value = text(c.get(tag));
    if (value) children.push(el(tag, value));
  }
  const picture = text(c.get(PICTURE));
  if (picture) children.push(el(PICTURE, picture));
  return el('AirSync:ApplicationData', children);
}

const EMAIL_TAGS = new Set(['Contacts:Email1Address', 'Contacts:Email2Address', 'Contacts:Email3Address']);

/** Phones send e-mail fields as '"Jane Public" <jane@example.com>' (RFC 5322); a vCard EMAIL is the address. */
function addressOnly(value: string): string {
  return /<([^<>]+)>\s*$/.exec(value)?.[1]?.trim() ?? value.trim();
}

function dateOf(s: string | undefined): string | null {
  const t = parseEasTime(s);
  return t ? new Date(t.getTime() + HALF_DAY).toISOString().slice(0, 10) : null;
}

export function contactFromAppData(children: readonly WbxmlElement[]): EasContact {
  const e = new WbxmlElement('AirSync', 'ApplicationData', [...children]);
  const c: EasContact = new Map();
  for (const tag of TEXT_TAGS) {
    const v = e.textOf(tag);
    if (v) c.set(tag, EMAIL_TAGS.has(tag) ? addressOnly(v) : v);
  }
  for (const tag of DATE_TAGS) {
    const date = dateOf(e.textOf(tag));
    if (date) c.set(tag, date);
  }
  const categories = e.child(CATEGORIES)?.all('Contacts:Category').map((x) => x.text ?? '').filter(Boolean);
  if (categories?.length) c.set(CATEGORIES, categories);
  const body = e.child(BODY);
  if (body) {
    const data = body.textOf('AirSyncBase:Data') ?? '';
    // The body is sent with CRLF line ends; the vCard NOTE has LF.
    const plain = (body.textOf('AirSyncBase:Type')?.trim() === '2' ? htmlToText(data) : data).replace(/\r\n/g, '\n');
    if (plain) c.set(BODY, plain);
  }
  const picture = e.textOf(PICTURE)?.replace(/\s+/g, '');
  if (picture) c.set(PICTURE, picture);
  return c;
}
