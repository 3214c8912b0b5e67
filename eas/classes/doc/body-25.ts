// Protocol 2.5 bodies of document items: AirSyncBase does not exist at 2.5 (MS-ASAIRS 2.2.2), so
// calendar, contact and task notes travel in the class's own namespace: Calendar:Body and
// BodyTruncated (MS-ASCAL 2.2.2.7.2, 2.2.2.8), Contacts:Body, BodySize, BodyTruncated (MS-ASCNTC
// 2.2.2.7.2–2.2.2.9), Tasks:Body, BodySize, BodyTruncated (MS-ASTASK 2.2.2.1.2–2.2.2.3), and
// compressed RTF as Ns:Rtf. The stored form stays AirSyncBase:Body (Type and Data), so a 2.5 and
// a 16.1 device see one note: a 2.5 Body is a Type 1 body, an Rtf a Type 3 body (its Data the
// base64 text the client sent, as AirSyncBase:Data carries RTF from 12.0 on).

import { htmlToText } from '../../../store/html-text.js';
import { plainBodyElements } from '../../model/body-25.js';
import type { ItemOptions } from '../../model/options.js';
import { el, type WbxmlElement } from '../../wbxml/tree.js';
import { BODY_TAG } from './body.js';
import { textNode, textOfNode, toElement, type PropNode } from './nodes.js';

/** How a class says its body at 2.5: its namespace, and whether it has BodySize (Calendar has not). */
export interface Body25 {
  ns: string;
  bodySize: boolean;
}

/** The 2.5 tags that stand for the stored body (a Supported entry naming any of them names it). */
export function bodyTags25(b: Body25): string[] {
  return [`${b.ns}:Body`, `${b.ns}:BodySize`, `${b.ns}:BodyTruncated`, `${b.ns}:Rtf`];
}

/**
 * A 2.5 client's properties with its body in the stored form, at every level (a calendar
 * Exception has its own Body). Body wins over Rtf when both come: plain text is what every
 * other version can show. BodySize and BodyTruncated describe what the server sent; in a
 * request they carry nothing to keep.
 */
export function bodyFrom25(nodes: readonly PropNode[], b: Body25): PropNode[] {
  const body = nodes.find((n) => n.tag === `${b.ns}:Body`);
  const rtf = nodes.find((n) => n.tag === `${b.ns}:Rtf`);
  const stored: PropNode | null = body
    ? { tag: BODY_TAG, children: [textNode('AirSyncBase:Type', 1), textNode('AirSyncBase:Data', textOfNode([body], body.tag) ?? '')] }
    : rtf
      ? { tag: BODY_TAG, children: [textNode('AirSyncBase:Type', 3), textNode('AirSyncBase:Data', (textOfNode([rtf], rtf.tag) ?? '').trim())] }
      : null;
  const legacy = new Set(bodyTags25(b));
  const out: PropNode[] = [];
  let placed = false;
  for (const n of nodes) {
    if (legacy.has(n.tag)) {
      if (stored && !placed && (n === body || (!body && n === rtf))) {
        out.push(stored);
        placed = true;
      }
      continue;
    }
    out.push(n.children ? { ...n, children: bodyFrom25(n.children, b) } : n);
  }
  return out;
}

/**
 * The stored body as a 2.5 client gets it. Text (an HTML body as its text) per AirSync:Truncation
 * at the top level, whole inside an Exception; RTF as Ns:Rtf when it fits the RTFTruncation the
 * client set (eas/model/options.ts keeps it as an RTF preference with AllOrNone), else
 * BodyTruncated 1 and no Rtf, since cut compressed RTF cannot be read.
 */
function body25(node: PropNode, options: ItemOptions, b: Body25, top: boolean): WbxmlElement[] {
  const type = textOfNode(node.children, 'AirSyncBase:Type')?.trim() ?? '1';
  const data = textOfNode(node.children, 'AirSyncBase:Data') ?? '';
  if (type === '3') {
    const limit = options.bodyPreferences.find((p) => p.type === 3)?.truncationSize ?? null;
    if (limit !== null && Buffer.byteLength(data, 'utf8') > limit) return [el(`${b.ns}:BodyTruncated`, 1)];
    return [el(`${b.ns}:Rtf`, data)];
  }
  const text = type === '2' ? htmlToText(data) : data;
  if (!top) return [el(`${b.ns}:Body`, text)];
  return plainBodyElements(b.ns, text, options.truncation, b.bodySize);
}

/**
 * Stored properties (already in the version's form, eas/classes/doc/doc-class.ts) → the 2.5
 * elements: the body in the class's namespace (none for a class without a 2.5 body), and
 * nothing of AirSyncBase, which 2.5 lacks.
 */
export function elementsFor25(nodes: readonly PropNode[], options: ItemOptions, b: Body25 | null, top = true): WbxmlElement[] {
  const out: WbxmlElement[] = [];
  for (const n of nodes) {
    if (n.tag === BODY_TAG) out.push(...(b ? body25(n, options, b, top) : []));
    else if (n.tag.startsWith('AirSyncBase:')) continue;
    else if (n.children) out.push(el(n.tag, elementsFor25(n.children, options, b, false)));
    else out.push(toElement(n));
  }
  return out;
}
