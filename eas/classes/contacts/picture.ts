// Contacts:Picture (MS-ASCNTC 2.2.2.58): a string, "a stream that is encoded with base64
// encoding". The spec limits it to 48 KB of base64 and has the server answer Status 6 above
// that; clients send larger pictures nonetheless (iOS and Android keep camera-sized contact
// photos), and refusing the whole contact over its photo loses the contact on the server. So the
// server accepts any size (the request size limit, EasConfig.maxRequestBytes, still applies) and
// sends the picture as stored: Sync has no picture size option. Where the protocol does give the
// client a limit — Picture/MaxSize in Find, ResolveRecipients and Search requests (MS-ASCMD
// 2.2.3.105 MaxSize, at most 102400 bytes) — pictureWithin() below tells whether a stored one fits.

import type { PropNode } from '../doc/nodes.js';

export const PICTURE_TAG = 'Contacts:Picture';

const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The picture as the base64 text the spec calls for. Whitespace a client wrapped it with is
 * dropped; an OPAQUE value (allowed by no spec, but the decoder may hand one over) becomes text:
 * base64 text sent as bytes is read as text, anything else (raw JPEG/PNG bytes) is encoded.
 */
export function storedPicture(node: PropNode): PropNode {
  if (node.opaque !== undefined) {
    const bytes = Buffer.from(node.opaque, 'base64');
    const asText = bytes.toString('latin1').replace(/\s+/g, '');
    const text = BASE64_TEXT.test(asText) && asText.length % 4 === 0 ? asText : bytes.toString('base64');
    return text ? { tag: node.tag, text } : { tag: node.tag };
  }
  const text = (node.text ?? '').replace(/\s+/g, '');
  return text ? { tag: node.tag, text } : { tag: node.tag };
}

/** Size in bytes of the image a stored picture holds. */
export function pictureBytes(node: PropNode): number {
  return Buffer.byteLength(node.text ?? '', 'base64');
}

/**
 * The contact's picture when its image is at most `maxBytes` (a client's MaxSize); undefined
 * when it has none or it is larger (the caller answers the spec's "picture too large" status).
 */
export function pictureWithin(props: readonly PropNode[], maxBytes: number): PropNode | undefined {
  const node = props.find((n) => n.tag === PICTURE_TAG);
  if (!node?.text) return undefined;
  return pictureBytes(node) <= maxBytes ? node : undefined;
}
