// PHOTO (RFC 6350 6.2.4, RFC 2426 3.1.4) ↔ MS-ASCNTC 2.2.2.57 Picture (base64 of the image).
// Inline pictures are read in every form: 3.0 binary (ENCODING=b), a data: URI in 3.0
// (VALUE=URI) or 4.0. A link (http…) cannot be fetched here: it stays in the kept vCard only.

import ICAL from 'ical.js';

export type PhotoValue = { kind: 'inline'; base64: string; bytes: number } | { kind: 'link'; uri: string } | { kind: 'bad'; reason: string };

export function readPhoto(prop: ICAL.Property): PhotoValue {
  const value = prop.getFirstValue() as unknown;
  if (value instanceof ICAL.Binary) {
    const base64 = String(value.value).replace(/\s+/g, '');
    return { kind: 'inline', base64, bytes: Buffer.from(base64, 'base64').length };
  }
  // ical.js escapes the comma of a data: URI as text ("base64\,"): accept both.
  const uri = String(value ?? '').trim().replace(/\\,/g, ',');
  const data = /^data:([^,]*?)(;base64)?,(.*)$/is.exec(uri);
  if (!data) return /^[a-z][a-z0-9+.-]*:/i.test(uri) ? { kind: 'link', uri } : { kind: 'bad', reason: 'PHOTO is neither inline data nor a URI' };
  const bytes = data[2] ? Buffer.from(data[3]!.replace(/\s+/g, ''), 'base64') : Buffer.from(decodeURIComponent(data[3]!), 'latin1');
  return { kind: 'inline', base64: bytes.toString('base64'), bytes: bytes.length };
}

function mediaType(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString('latin1') === '\x89PNG') return 'image/png';
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  return 'application/octet-stream';
}

/** A 4.0 PHOTO of `card` with the picture as a data: URI. */
export function photoProperty(base64: string, card: ICAL.Component): ICAL.Property {
  const prop = new ICAL.Property('photo', card);
  prop.setValue(`data:${mediaType(Buffer.from(base64, 'base64'))};base64,${base64}`);
  return prop;
}
