// MS-ASWBXML 2.1.2 encoding: WbxmlElement tree → WBXML 1.3 bytes.
//
// Emits only what MS-ASWBXML uses and what every client reads: the header 03 01 6A 00 (WBXML 1.3,
// unknown public id, UTF-8, empty string table; docs/clients.md rule 5), SWITCH_PAGE only when the page
// changes, STR_I for text (NUL stripped: it would end the string early) and OPAQUE for binary
// content. This runs for every Sync response, so it writes straight into one growing Buffer and
// resolves each element with two Map lookups (one when the namespace repeats).

import { ASWBXML, type CodePageIndex } from './codepages.js';
import { WbxmlError } from './errors.js';
import type { WbxmlElement } from './tree.js';

const HEADER = [0x03, 0x01, 0x6a, 0x00] as const;
const SWITCH_PAGE = 0x00;
const END = 0x01;
const STR_I = 0x03;
const OPAQUE = 0xc3;
const HAS_CONTENT = 0x40;

/** Deeper than any EAS document; also stops a tree that (by mistake) contains itself. */
const MAX_ENCODE_DEPTH = 256;

/** Encodes a response tree. Throws WbxmlError for a namespace or tag MS-ASWBXML does not define. */
export function encode(root: WbxmlElement): Buffer {
  const enc = new Encoder(ASWBXML);
  for (const b of HEADER) enc.byte(b);
  enc.element(root, 1);
  return enc.result();
}

type PageEntry = { readonly page: number; readonly tokens: ReadonlyMap<string, number> };

class Encoder {
  private buf: Buffer = Buffer.allocUnsafe(4096);
  private len = 0;
  /** The code page the decoder on the other side is on; WBXML starts on page 0. */
  private page = 0;
  private lastNs = '';
  private lastEntry: PageEntry | undefined;

  constructor(private readonly pages: CodePageIndex) {}

  result(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  byte(b: number): void {
    if (this.len >= this.buf.length) this.grow(1);
    this.buf[this.len++] = b;
  }

  element(el: WbxmlElement, depth: number): void {
    if (depth > MAX_ENCODE_DEPTH) throw new WbxmlError('too-deep', `tree deeper than ${MAX_ENCODE_DEPTH} at ${el.tag}`);
    let entry = this.lastEntry;
    if (el.ns !== this.lastNs || entry === undefined) {
      entry = this.pages.tokensByNs.get(el.ns);
      if (entry === undefined) throw new WbxmlError('unknown-page', `no MS-ASWBXML code page for namespace "${el.ns}" (${el.tag})`);
      this.lastNs = el.ns;
      this.lastEntry = entry;
    }
    const token = entry.tokens.get(el.name);
    if (token === undefined) throw new WbxmlError('unknown-tag', `code page ${el.ns} has no tag "${el.name}"`);
    if (entry.page !== this.page) {
      this.byte(SWITCH_PAGE);
      this.byte(entry.page);
      this.page = entry.page;
    }

    const text = el.text;
    const opaque = el.opaque;
    const children = el.children;
    const hasText = text !== undefined && text.length > 0;
    if (!hasText && opaque === undefined && children.length === 0) {
      // Empty tag: a single byte, as the spec example encodes empty elements.
      this.byte(token);
      return;
    }
    this.byte(token | HAS_CONTENT);
    if (hasText) this.inlineString(text);
    if (opaque !== undefined) this.opaque(opaque);
    for (const child of children) this.element(child, depth + 1);
    this.byte(END);
  }

  private inlineString(s: string): void {
    if (s.indexOf('\0') !== -1) s = s.replaceAll('\0', '');
    // Worst case 3 bytes per UTF-16 unit, plus STR_I and the terminator.
    this.ensure(s.length * 3 + 2);
    const buf = this.buf;
    buf[this.len++] = STR_I;
    this.len += buf.write(s, this.len, 'utf8');
    buf[this.len++] = 0;
  }

  private opaque(data: Uint8Array): void {
    this.ensure(data.length + 6);
    this.buf[this.len++] = OPAQUE;
    this.mbUint32(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** WBXML mb_u_int32; the caller has reserved 5 bytes. */
  private mbUint32(value: number): void {
    if (value > 0xffffffff) throw new WbxmlError('bad-length', `length ${value} does not fit mb_u_int32`);
    let n = 1;
    for (let v = value; v >= 0x80; v = Math.floor(v / 128)) n++;
    for (let i = n - 1; i >= 0; i--) {
      const septet = Math.floor(value / 128 ** i) % 128;
      this.buf[this.len++] = i > 0 ? septet | 0x80 : septet;
    }
  }

  private ensure(n: number): void {
    if (this.len + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}
