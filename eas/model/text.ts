// Text as EAS clients want it: UTF-8, CRLF line ends, no NULs (docs/clients.md rule 26),
// and truncation by bytes (MS-ASAIRS TruncationSize counts bytes) that never splits a character.

/** CRLF line ends everywhere, NULs removed (WBXML strings cannot carry them). */
export function normalizeText(text: string): string {
  return text.replace(/\0/g, '').replace(/\r\n|\r|\n/g, '\r\n');
}

/**
 * HTML re-encoded as UTF-8 must not keep declaring its old charset, or the phone decodes
 * our UTF-8 as, say, ISO-8859-1.
 */
export function declareUtf8(html: string): string {
  return html
    .replace(/(<meta\b[^>]*\bcharset\s*=\s*["']?)[\w.:-]+/gi, '$1utf-8');
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, cut between characters. */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so a multi-byte character is never split.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

/** At most `max` characters (code points, not UTF-16 units), for Preview. */
export function firstChars(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('');
}

/** Plain text as HTML, for a BodyPart (HTML only) of a text-only message. */
export function plainToHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<html><head><meta charset="utf-8"></head><body><pre style="white-space:pre-wrap">${escaped}</pre></body></html>`;
}

/**
 * Raw MIME with bare LF turned into CRLF (Outlook and iOS expect RFC 5322 line ends, as do
 * SMTP and the store; some senders, e.g. Nine, mix them). Other bytes, a lone CR included,
 * are kept as received.
 */
export function crlfBytes(raw: Buffer): Buffer {
  let bare = 0;
  for (let i = 0; i < raw.length; i++) if (raw[i] === 0x0a && (i === 0 || raw[i - 1] !== 0x0d)) bare++;
  if (bare === 0) return raw;
  const out = Buffer.allocUnsafe(raw.length + bare);
  let j = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i] as number;
    if (b === 0x0a && (i === 0 || raw[i - 1] !== 0x0d)) out[j++] = 0x0d;
    out[j++] = b;
  }
  return out;
}

/** True when the bytes are valid UTF-8 without NUL, i.e. can travel as a WBXML string. */
export function isWbxmlSafeUtf8(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
