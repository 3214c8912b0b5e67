// Reads the header block of a message without any MIME machinery: used where mailparser
// cannot help (a broken message, the subject of an attached message/rfc822).

/** Byte offset where the body starts (after the first empty line), or the length when there is none. */
export function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  if (lf >= 0) return lf + 2;
  return raw.length;
}

/** Header fields by lower-case name, unfolded, in order. UTF-8 (RFC 6532) is read as such. */
export function readHeaders(raw: Buffer): Map<string, string[]> {
  const block = raw.subarray(0, headerEnd(raw)).toString('utf8');
  const headers = new Map<string, string[]>();
  let current: { name: string; value: string } | null = null;
  const flush = (): void => {
    if (!current) return;
    const list = headers.get(current.name) ?? [];
    list.push(current.value.trim());
    headers.set(current.name, list);
    current = null;
  };
  for (const line of block.split(/\r?\n/)) {
    if (line === '') break;
    if ((line[0] === ' ' || line[0] === '\t') && current) {
      current.value += ' ' + line.trim();
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon > 0) current = { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1) };
  }
  flush();
  return headers;
}

/** True when the message starts with something that looks like a header field. */
export function startsWithHeader(raw: Buffer): boolean {
  const firstLine = raw.subarray(0, Math.min(raw.length, 1000)).toString('latin1').split(/\r?\n/, 1)[0] ?? '';
  return /^[!-9;-~]+:/.test(firstLine);
}
