// A vCard 3.0 (RFC 2426) card as 4.0 (RFC 6350), which is what export writes: VERSION first,
// inline binary PHOTO/LOGO as data: URIs, TYPE=pref as PREF=1, X-ANNIVERSARY as ANNIVERSARY,
// TEL as text. Every other property is carried over as it is (X- properties included).

import ICAL from 'ical.js';
import { photoProperty } from './photo.js';
import { typesOf } from './values.js';

function converted(prop: ICAL.Property, card: ICAL.Component): ICAL.Property {
  const value = prop.getFirstValue();
  if ((prop.name === 'photo' || prop.name === 'logo') && value instanceof ICAL.Binary) {
    const out = photoProperty(String(value.value).replace(/\s+/g, ''), card);
    return prop.name === 'photo' ? out : new ICAL.Property(['logo', {}, 'uri', out.getFirstValue()], card);
  }
  const [name, params, type, ...values] = prop.toJSON() as [string, Record<string, unknown>, string, ...unknown[]];
  if (name === 'x-anniversary') {
    const date = String(values[0] ?? '').trim().replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
    if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return new ICAL.Property(['anniversary', { ...params }, 'date', date], card);
  }
  const out = new ICAL.Property([name, { ...params }, name === 'tel' ? 'text' : type, ...values], card);
  if (typesOf(out).includes('pref')) {
    const rest = typesOf(out).filter((t) => t !== 'pref');
    if (rest.length) out.setParameter('type', rest);
    else out.removeParameter('type');
    out.setParameter('pref', '1');
  }
  out.removeParameter('encoding');
  out.removeParameter('charset');
  return out;
}

/** The card as a new 4.0 component (a 4.0 card is copied as it is). */
export function asVcard4(card: ICAL.Component): ICAL.Component {
  const out = new ICAL.Component(['vcard', [], []]);
  out.addPropertyWithValue('version', '4.0');
  const is4 = String(card.getFirstPropertyValue('version') ?? '').trim() === '4.0';
  for (const prop of card.getAllProperties()) {
    if (prop.name === 'version') continue;
    out.addProperty(is4 ? new ICAL.Property(prop.toJSON() as unknown[], out) : converted(prop, out));
  }
  return out;
}
