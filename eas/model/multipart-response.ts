// MS-ASCMD 2.2.1.10.1 multipart ItemOperations response (asked for with the MS-ASAcceptMultiPart
// header or the base64 query bit): the WBXML goes first, each Data moves into its own binary
// part and is replaced by an itemoperations:Part carrying the part's index (MS-ASCMD 2.2.3.130;
// also inside airsyncbase:Body, MS-ASAIRS 2.2.2.33). Layout, little-endian:
//   int32 PartsCount, then PartsCount × (int32 Offset, int32 Count), then the parts.

import { el } from '../wbxml/tree.js';
import type { WbxmlElement } from '../wbxml/tree.js';

export const MULTIPART_CONTENT_TYPE = 'application/vnd.ms-sync.multipart';

/** Data elements that move into parts, by parent: item bodies and attachment data. */
const MOVABLE: Record<string, string> = {
  'AirSyncBase:Body': 'AirSyncBase:Data',
  'ItemOperations:Properties': 'ItemOperations:Data',
};

/**
 * Replaces every movable Data element under `root` with an ItemOperations:Part and
 * returns the binary parts in index order (index 1 = first entry; 0 is the WBXML itself).
 * Attachment Data is base64 text in the plain form; its part carries the decoded bytes.
 */
export function extractParts(root: WbxmlElement): Buffer[] {
  const parts: Buffer[] = [];
  const walk = (node: WbxmlElement): void => {
    for (let i = 0; i < node.children.length; i++) {
      const child = node.children[i] as WbxmlElement;
      if (MOVABLE[node.tag] === child.tag && child.children.length === 0) {
        parts.push(partBytes(child));
        node.children[i] = el('ItemOperations:Part', parts.length);
      } else {
        walk(child);
      }
    }
  };
  walk(root);
  return parts;
}

function partBytes(data: WbxmlElement): Buffer {
  if (data.opaque !== undefined) return Buffer.from(data.opaque);
  const text = data.text ?? '';
  // ItemOperations:Data carries base64 (attachments); AirSyncBase:Data carries the body text.
  return data.ns === 'ItemOperations' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
}

/** Lays out the multipart body: `wbxml` is part 0, `parts` follow. */
export function multipartBody(wbxml: Buffer, parts: Buffer[]): Buffer {
  const all = [wbxml, ...parts];
  const headerSize = 4 + 8 * all.length;
  const header = Buffer.alloc(headerSize);
  header.writeInt32LE(all.length, 0);
  let offset = headerSize;
  all.forEach((p, i) => {
    header.writeInt32LE(offset, 4 + 8 * i);
    header.writeInt32LE(p.length, 8 + 8 * i);
    offset += p.length;
  });
  return Buffer.concat([header, ...all]);
}

/** Reads a multipart body back into its parts (tests, and a sanity check of the layout). */
export function parseMultipart(body: Buffer): Buffer[] {
  if (body.length < 4) throw new Error('multipart body shorter than its count');
  const count = body.readInt32LE(0);
  if (count < 1 || 4 + 8 * count > body.length) throw new Error(`bad multipart part count ${count}`);
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const offset = body.readInt32LE(4 + 8 * i);
    const length = body.readInt32LE(8 + 8 * i);
    if (offset < 0 || length < 0 || offset + length > body.length) throw new Error(`bad multipart part ${i}`);
    parts.push(body.subarray(offset, offset + length));
  }
  return parts;
}
