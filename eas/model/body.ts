// MS-ASAIRS 2.2.2.9 Body and 2.2.2.10 BodyPart: the body of a mail item per the client's
// BodyPreference / BodyPartPreference, MIMESupport and MIMETruncation (MS-ASCMD 2.2.3.100/101).

import { htmlToText } from '../../store/html-text.js';
import type { MessageBody } from '../../store/types.js';
import { el } from '../wbxml/tree.js';
import type { WbxmlElement } from '../wbxml/tree.js';
import { atLeast, type ProtocolVersion } from '../protocol.js';
import type { BodyPreference, ItemOptions } from './options.js';
import {
  crlfBytes,
  declareUtf8,
  firstChars,
  isWbxmlSafeUtf8,
  normalizeText,
  plainToHtml,
  truncateUtf8,
} from './text.js';

/** MS-ASAIRS 2.2.2.37 BodyPart Status: 176 = the part is too large for AllOrNone. */
const BODYPART_STATUS_OK = 1;
const BODYPART_STATUS_TOO_LARGE = 176;

/** One renderable representation of the body. */
interface Representation {
  type: 1 | 2 | 4;
  /** UTF-8 text (types 1, 2) or raw bytes (type 4). */
  content: string | Buffer;
}


function plainOf(body: MessageBody | null): string {
  if (!body) return '';
  if (body.text !== null) return normalizeText(body.text);
  return body.html !== null ? normalizeText(htmlToText(body.html)) : '';
}

function htmlOf(body: MessageBody): string {
  return normalizeText(declareUtf8(body.html ?? ''));
}

/** What the stored message natively is (NativeBodyType): never 0 (Outlook breaks). */
export function nativeBodyType(body: MessageBody | null): 1 | 2 {
  return body?.html ? 2 : 1;
}

/**
 * The representation a preference type gets. HTML asked but only text exists: Type 1
 * (docs/clients.md rule 24). RTF (3) we cannot produce: plain text instead.
 */
function representation(type: BodyPreference['type'], body: MessageBody | null): Representation {
  if (type === 4) return { type: 4, content: body ? crlfBytes(body.raw) : Buffer.alloc(0) };
  if (type === 2 && body?.html) return { type: 2, content: htmlOf(body) };
  return { type: 1, content: plainOf(body) };
}

function sizeOf(r: Representation): number {
  return typeof r.content === 'string' ? Buffer.byteLength(r.content, 'utf8') : r.content.length;
}

/** Body Data: a string per MS-ASAIRS 2.2.2.20.1; MIME that is not valid UTF-8 travels as OPAQUE. */
function dataElement(r: Representation, limit: number | null): { data: WbxmlElement; truncated: boolean } {
  if (typeof r.content === 'string') {
    const cut = limit === null ? { text: r.content, truncated: false } : truncateUtf8(r.content, limit);
    return { data: el('AirSyncBase:Data', cut.text), truncated: cut.truncated };
  }
  const truncated = limit !== null && r.content.length > limit;
  const bytes = truncated ? r.content.subarray(0, limit ?? 0) : r.content;
  // A string keeps every reader happy; bytes a string cannot carry (8-bit non-UTF-8, NUL)
  // go as OPAQUE so the MIME arrives byte-exact instead of mangled.
  const data = isWbxmlSafeUtf8(bytes) ? el('AirSyncBase:Data', bytes.toString('utf8')) : el('AirSyncBase:Data', new Uint8Array(bytes));
  return { data, truncated };
}

export function isSmime(contentTypes: string[]): boolean {
  return contentTypes.some((t) => /^application\/(x-)?pkcs7-(mime|signature)\b/i.test(t));
}

interface Choice {
  pref: BodyPreference;
  rep: Representation;
}

/** The preferences to try, best first (MS-ASAIRS 2.2.2.3.2: AllOrNone moves on to the next). */
function candidates(options: ItemOptions, smime: boolean, native: 1 | 2): BodyPreference[] {
  const mimeWanted = options.mimeSupport === 2 || (options.mimeSupport === 1 && smime);
  // MS-ASAIRS 2.2.2.3.2: by default the preference matching the native format is served.
  const prefs = options.bodyPreferences
    .filter((p) => p.type !== 4 || mimeWanted)
    .sort((a, b) => (a.type === native ? -1 : 0) - (b.type === native ? -1 : 0));
  // A client that names only Type 4 wants MIME even without MIMESupport (ItemOperations).
  if (prefs.length === 0) {
    const mime = options.bodyPreferences.find((p) => p.type === 4);
    if (mime) prefs.push(mime);
  }
  if (mimeWanted && !prefs.some((p) => p.type === 4)) {
    prefs.unshift({ type: 4, truncationSize: options.mimeTruncation, allOrNone: false, preview: null });
  } else if (mimeWanted) {
    // With MIMESupport the MIME preference wins over the others.
    prefs.sort((a, b) => (a.type === 4 ? -1 : 0) - (b.type === 4 ? -1 : 0));
  }
  if (prefs.length === 0) {
    // No BodyPreference (12.x, plain ItemOperations): plain text, 12.x Truncation if given.
    prefs.push({ type: 1, truncationSize: options.truncation, allOrNone: false, preview: null });
  }
  return prefs;
}

/**
 * AirSyncBase:Body for the item. `preview` is the stored plain-text preview (no markup).
 * `attachmentTypes` tells S/MIME items apart without reading the raw message.
 */
export function bodyElement(
  body: MessageBody | null,
  preview: string,
  attachmentTypes: string[],
  options: ItemOptions,
  version: ProtocolVersion,
): WbxmlElement {
  const prefs = candidates(options, isSmime(attachmentTypes), nativeBodyType(body));
  const reps = new Map<number, Representation>();
  const repFor = (p: BodyPreference): Representation => {
    let r = reps.get(p.type);
    if (!r) reps.set(p.type, (r = representation(p.type, body)));
    return r;
  };
  let choice: Choice | null = null;
  for (const pref of prefs) {
    const rep = repFor(pref);
    if (pref.allOrNone && pref.truncationSize !== null && sizeOf(rep) > pref.truncationSize) continue;
    choice = { pref, rep };
    break;
  }

  if (!choice) {
    // Nothing fits whole: say so (Truncated, no Data) for the first preference.
    const pref = prefs[0] as BodyPreference;
    const rep = repFor(pref);
    return el('AirSyncBase:Body', [
      el('AirSyncBase:Type', rep.type),
      el('AirSyncBase:EstimatedDataSize', sizeOf(rep)),
      el('AirSyncBase:Truncated', '1'),
      previewElement(pref, rep, false, preview, version),
    ]);
  }

  const { pref, rep } = choice;
  const { data, truncated } = dataElement(rep, pref.truncationSize);
  return el('AirSyncBase:Body', [
    el('AirSyncBase:Type', rep.type),
    el('AirSyncBase:EstimatedDataSize', sizeOf(rep)),
    truncated && el('AirSyncBase:Truncated', '1'),
    data,
    previewElement(pref, rep, true, preview, version),
  ]);
}

/** MS-ASAIRS 2.2.2.35.1: no Preview beside a Type 1 body that carries its Data. */
function previewElement(
  pref: BodyPreference,
  rep: Representation,
  hasData: boolean,
  preview: string,
  version: ProtocolVersion,
): WbxmlElement | undefined {
  if (!atLeast(version, '14.0') || pref.preview === null || pref.preview === 0) return undefined;
  if (rep.type === 1 && hasData) return undefined;
  return el('AirSyncBase:Preview', normalizeText(firstChars(preview, pref.preview)));
}

/** AirSyncBase:BodyPart (14.1+): the message part, as HTML (MS-ASAIRS 2.2.2.41.2). */
export function bodyPartElement(
  body: MessageBody | null,
  preview: string,
  pref: BodyPreference,
): WbxmlElement {
  const html = body?.html ? htmlOf(body) : normalizeText(plainToHtml(plainOf(body)));
  const size = Buffer.byteLength(html, 'utf8');
  const previewEl =
    pref.preview !== null && pref.preview > 0 ? el('AirSyncBase:Preview', normalizeText(firstChars(preview, pref.preview))) : undefined;
  if (pref.allOrNone && pref.truncationSize !== null && size > pref.truncationSize) {
    return el('AirSyncBase:BodyPart', [
      el('AirSyncBase:Status', BODYPART_STATUS_TOO_LARGE),
      el('AirSyncBase:Type', 2),
      el('AirSyncBase:EstimatedDataSize', size),
      el('AirSyncBase:Truncated', '1'),
      previewEl,
    ]);
  }
  const cut = pref.truncationSize === null ? { text: html, truncated: false } : truncateUtf8(html, pref.truncationSize);
  return el('AirSyncBase:BodyPart', [
    el('AirSyncBase:Status', BODYPART_STATUS_OK),
    el('AirSyncBase:Type', 2),
    el('AirSyncBase:EstimatedDataSize', size),
    cut.truncated && el('AirSyncBase:Truncated', '1'),
    el('AirSyncBase:Data', cut.text),
    previewEl,
  ]);
}
