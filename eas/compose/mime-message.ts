// A client's RFC 5322 message as a list of header fields plus the body bytes, so the sending
// path can read and rewrite top-level headers (Bcc, From, References…) without re-encoding
// anything else. Header bytes are kept as latin1 strings: a lossless round trip for 8-bit
// (RFC 6532 UTF-8) headers; values are decoded as UTF-8 only when read.

import { crlfBytes } from '../model/text.js';

export interface HeaderField {
  /** Lower-case field name. */
  key: string;
  /** The field as written, folding included, without the final CRLF (latin1 of the bytes). */
  line: string;
}

export interface MimeMessage {
  fields: HeaderField[];
  /** Everything after the empty line that ends the header block. */
  body: Buffer;
}

/**
 * Splits a message into header fields and body, line ends made CRLF first (Nine sends a mix
 * of CRLF and bare LF; SMTP and the store want CRLF only).
 */
export function parseMessage(raw: Buffer): MimeMessage {
  const crlf = crlfBytes(raw);
  let end = crlf.indexOf('\r\n\r\n');
  let bodyStart: number;
  if (crlf.subarray(0, 2).toString('latin1') === '\r\n') {
    end = 0;
    bodyStart = 2;
  } else if (end < 0) {
    end = crlf.length;
    bodyStart = crlf.length;
  } else {
    bodyStart = end + 4;
  }
  const block = crlf.subarray(0, end).toString('latin1');
  const fields: HeaderField[] = [];
  for (const line of block.split('\r\n')) {
    if (line === '') continue;
    const last = fields[fields.length - 1];
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      last.line += '\r\n' + line;
      continue;
    }
    const colon = line.indexOf(':');
    // A line that is not a field (no colon) is kept glued to the previous field rather than lost.
    if (colon <= 0) {
      if (last) last.line += '\r\n ' + line;
      continue;
    }
    fields.push({ key: line.slice(0, colon).trim().toLowerCase(), line });
  }
  return { fields, body: crlf.subarray(bodyStart) };
}

/** Unfolded value of a field, UTF-8 decoded. */
export function fieldValue(field: HeaderField): string {
  const raw = field.line.slice(field.line.indexOf(':') + 1);
  return Buffer.from(raw, 'latin1').toString('utf8').replace(/\r\n[ \t]+/g, ' ').trim();
}

/** Value of the first field with this name, or null. */
export function header(msg: MimeMessage, name: string): string | null {
  const key = name.toLowerCase();
  const f = msg.fields.find((x) => x.key === key);
  return f ? fieldValue(f) : null;
}

/** All values of a field (To may appear more than once in the wild). */
export function headers(msg: MimeMessage, name: string): string[] {
  const key = name.toLowerCase();
  return msg.fields.filter((x) => x.key === key).map(fieldValue);
}

export function withoutHeaders(msg: MimeMessage, names: string[]): MimeMessage {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return { fields: msg.fields.filter((f) => !drop.has(f.key)), body: msg.body };
}

/**
 * Sets a field (replacing any of the same name) with a UTF-8 value; long values are folded
 * at spaces so no line exceeds 998 octets.
 */
export function withHeader(msg: MimeMessage, name: string, value: string): MimeMessage {
  const rest = withoutHeaders(msg, [name]);
  // A value never carries a line break: no header can be smuggled in through it.
  const clean = value.replace(/[\r\n]+/g, ' ').trim();
  const line = fold(`${name}: ${Buffer.from(clean, 'utf8').toString('latin1')}`);
  return { fields: [...rest.fields, { key: name.toLowerCase(), line }], body: rest.body };
}

/** Sets the field only when the message has none. */
export function withDefaultHeader(msg: MimeMessage, name: string, value: string): MimeMessage {
  return header(msg, name) === null ? withHeader(msg, name, value) : msg;
}

function fold(line: string): string {
  if (line.length <= 78) return line;
  const words = line.split(' ');
  const lines: string[] = [];
  let cur = words.shift() ?? '';
  for (const w of words) {
    if (cur.length + 1 + w.length > 78 && cur.trim() !== '') {
      lines.push(cur);
      cur = ' ' + w;
    } else cur += ' ' + w;
  }
  lines.push(cur);
  return lines.join('\r\n');
}

export function serializeMessage(msg: MimeMessage): Buffer {
  const head = msg.fields.map((f) => f.line + '\r\n').join('');
  return Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), msg.body]);
}
