// Protocol 2.5 bodies (AirSyncBase does not exist there, MS-ASAIRS 2.2.2): the body as elements of
// the item's own namespace. Mail: MS-ASEMAIL 2.2.2.10.2 Email:Body, 2.2.2.13 BodyTruncated,
// 2.2.2.12 BodySize, sized by AirSync:Truncation (MS-ASCMD 2.2.3.185, a count of characters); or,
// when MIMESupport asks for MIME (MS-ASCMD 2.2.3.100: 1 = S/MIME items, 2 = all), the message as
// Email:MIMEData with MIMETruncated and MIMESize, cut at MIMETruncation (2.2.3.101).
// Calendar, contacts and tasks (MS-ASCAL 2.2.2.7.2, MS-ASCNTC 2.2.2.7.2, MS-ASTASK 2.2.2.1.2) use
// the same plain-text form from their stored AirSyncBase:Body (eas/classes/doc/body-25.ts).

import { htmlToText } from '../../store/html-text.js';
import type { MessageBody } from '../../store/types.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import { isSmime } from './body.js';
import type { ItemOptions } from './options.js';
import { crlfBytes, isWbxmlSafeUtf8, normalizeText } from './text.js';

/** The first `max` characters (code points) of `text`, and whether anything was cut. */
export function truncateChars(text: string, max: number | null): { text: string; truncated: boolean; size: number } {
  const chars = Array.from(text);
  if (max === null || chars.length <= max) return { text, truncated: false, size: chars.length };
  return { text: chars.slice(0, max).join(''), truncated: true, size: chars.length };
}

/**
 * `Ns:Body`, `Ns:BodyTruncated` and (where the namespace has it) `Ns:BodySize` for a plain text:
 * Body is left out when Truncation 0 cuts everything; BodySize only when something was cut
 * (MS-ASEMAIL 2.2.2.12: "present only when the BodyTruncated element is set to 1").
 */
export function plainBodyElements(ns: string, text: string, truncation: number | null, withSize = true): WbxmlElement[] {
  const cut = truncateChars(normalizeText(text), truncation);
  return [
    cut.text.length > 0 || !cut.truncated ? el(`${ns}:Body`, cut.text) : undefined,
    withSize && cut.truncated ? el(`${ns}:BodySize`, cut.size) : undefined,
    el(`${ns}:BodyTruncated`, cut.truncated ? 1 : 0),
  ].filter((e): e is WbxmlElement => e !== undefined);
}

function plainOf(body: MessageBody | null): string {
  if (!body) return '';
  if (body.text !== null) return body.text;
  return body.html !== null ? htmlToText(body.html) : '';
}

/** Email:MIMETruncated, MIMESize and MIMEData: MIME that is not valid UTF-8 travels as OPAQUE. */
function mimeElements(raw: Buffer, limit: number | null): WbxmlElement[] {
  const mime = crlfBytes(raw);
  const truncated = limit !== null && mime.length > limit;
  const bytes = truncated ? mime.subarray(0, limit ?? 0) : mime;
  const data = isWbxmlSafeUtf8(bytes) ? el('Email:MIMEData', bytes.toString('utf8')) : el('Email:MIMEData', new Uint8Array(bytes));
  return [el('Email:MIMETruncated', truncated ? 1 : 0), el('Email:MIMESize', mime.length), data];
}

/** The 2.5 body of a mail item, per the collection's Truncation, MIMESupport and MIMETruncation. */
export function emailBody25(body: MessageBody | null, attachmentTypes: string[], options: ItemOptions): WbxmlElement[] {
  const mimeWanted = options.mimeSupport === 2 || (options.mimeSupport === 1 && isSmime(attachmentTypes));
  if (mimeWanted && body) return mimeElements(body.raw, options.mimeTruncation);
  return plainBodyElements('Email', plainOf(body), options.truncation);
}
