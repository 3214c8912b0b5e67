// MS-ASAIRS 2.2.2.9 Body of a document item (calendar, contact, task, note): stored as the client
// sent it (Type and Data), sent back per the client's BodyPreference with the same rules as mail
// (eas/model/body.ts): truncation, AllOrNone, HTML → plain text when plain is all it wants.

import type { MessageBody } from '../../../store/types.js';
import { bodyElement } from '../../model/body.js';
import type { ItemOptions } from '../../model/options.js';
import type { ProtocolVersion } from '../../protocol.js';
import { el, type WbxmlElement } from '../../wbxml/tree.js';
import { htmlToText } from '../../../store/html-text.js';
import { firstChars } from '../../model/text.js';
import { findNode, textNode, textOfNode, type PropNode } from './nodes.js';

export const BODY_TAG = 'AirSyncBase:Body';

/** The client's Body reduced to what is kept: its Type and its Data (the rest is derived). */
export function storedBody(sent: PropNode): PropNode {
  const type = textOfNode(sent.children, 'AirSyncBase:Type') ?? '1';
  const data = findNode(sent.children, 'AirSyncBase:Data');
  return { tag: BODY_TAG, children: [textNode('AirSyncBase:Type', type.trim()), data ?? textNode('AirSyncBase:Data', '')] };
}

/** Plain text of a stored Body (for previews, exports, search). */
export function bodyText(body: PropNode | undefined): string {
  if (!body) return '';
  const type = textOfNode(body.children, 'AirSyncBase:Type')?.trim();
  const data = textOfNode(body.children, 'AirSyncBase:Data') ?? '';
  return type === '2' ? htmlToText(data) : type === '3' ? '' : data;
}

/** The Body element for the client's preferences. RTF (Type 3) is only ever sent as it is. */
export function renderBody(body: PropNode | undefined, options: ItemOptions, version: ProtocolVersion): WbxmlElement {
  const type = textOfNode(body?.children, 'AirSyncBase:Type')?.trim() ?? '1';
  const data = textOfNode(body?.children, 'AirSyncBase:Data') ?? '';
  if (type === '3') {
    return el('AirSyncBase:Body', [
      el('AirSyncBase:Type', 3),
      el('AirSyncBase:EstimatedDataSize', Buffer.byteLength(data, 'utf8')),
      el('AirSyncBase:Data', data),
    ]);
  }
  const stored: MessageBody = { text: type === '2' ? null : data, html: type === '2' ? data : null, raw: Buffer.alloc(0) };
  // MIME (Type 4) means nothing for these classes: the preferences without it.
  const pimOptions: ItemOptions = { ...options, mimeSupport: 0, bodyPreferences: options.bodyPreferences.filter((p) => p.type !== 4) };
  return bodyElement(stored, firstChars(bodyText(body), 255), [], pimOptions, version);
}
