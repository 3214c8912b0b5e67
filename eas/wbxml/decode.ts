// MS-ASWBXML 2.1.2 decoding: WBXML 1.3 bytes → WbxmlElement tree.
//
// Reads everything a WBXML 1.3 encoder may legally emit for EAS: the header with a literal public
// id, any charset we can map, a string table (STR_T), SWITCH_PAGE, END, STR_I, OPAQUE, ENTITY and
// tags with or without content; attribute lists are parsed and dropped (EAS defines none). Literal
// tags, extensions and processing instructions are refused. Lenient where phones are sloppy
// (docs/clients.md rule 5): empty tags, control characters, NUL code points. Every failure, including hostile
// input, is a WbxmlError; loops always advance and every length is checked before it is used, and
// string-table references are budgeted so a small body cannot expand into gigabytes.

import { ASWBXML, TOKEN_MASK, type CodePageIndex } from './codepages.js';
import { WbxmlError } from './errors.js';
import { WbxmlElement } from './tree.js';

export interface DecodeLimits {
  /** Largest input accepted, and the most text the string table may expand to. */
  maxBytes: number;
  /** Deepest element nesting (the root is depth 1). */
  maxDepth: number;
  /** Most elements in one document. */
  maxElements: number;
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 250_000,
});

// WBXML 1.3 section 7.1 global tokens.
const SWITCH_PAGE = 0x00;
const END = 0x01;
const ENTITY = 0x02;
const STR_I = 0x03;
const LITERAL = 0x04;
const EXT_I_0 = 0x40;
const EXT_I_2 = 0x42;
const PI = 0x43;
const LITERAL_C = 0x44;
const EXT_T_0 = 0x80;
const EXT_T_2 = 0x82;
const STR_T = 0x83;
const LITERAL_A = 0x84;
const EXT_0 = 0xc0;
const EXT_2 = 0xc2;
const OPAQUE = 0xc3;
const LITERAL_AC = 0xc4;

const HAS_ATTRIBUTES = 0x80;
const HAS_CONTENT = 0x40;

/** IANA MIBenum values we can map to a Node encoding; EAS peers send 106. */
const CHARSETS: ReadonlyMap<number, BufferEncoding> = new Map<number, BufferEncoding>([
  [0, 'utf8'], // "unknown": EAS text is UTF-8
  [3, 'utf8'], // US-ASCII is a subset
  [4, 'latin1'], // ISO-8859-1
  [106, 'utf8'],
]);

/** Decodes one EAS WBXML document and returns its root element. Throws only WbxmlError. */
export function decode(bytes: Uint8Array, limits?: Partial<DecodeLimits>): WbxmlElement {
  const lim: DecodeLimits = { ...DEFAULT_DECODE_LIMITS, ...limits };
  if (bytes.byteLength > lim.maxBytes) {
    throw new WbxmlError('too-large', `WBXML body of ${bytes.byteLength} bytes exceeds ${lim.maxBytes}`);
  }
  try {
    return new Decoder(bytes, lim, ASWBXML).run();
  } catch (err) {
    if (err instanceof WbxmlError) throw err;
    // A bug of ours, not of the input: still typed, so callers have exactly one thing to catch.
    throw new WbxmlError('internal', `WBXML decoder failed: ${String(err)}`);
  }
}

class Decoder {
  private readonly buf: Buffer;
  private readonly end: number;
  private pos = 0;
  private encoding: BufferEncoding = 'utf8';
  private strtblStart = 0;
  private strtblEnd = 0;
  /** Bytes of text produced from string-table references so far. */
  private strtblExpanded = 0;

  constructor(
    bytes: Uint8Array,
    private readonly lim: DecodeLimits,
    private readonly pages: CodePageIndex,
  ) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = this.buf.length;
  }

  run(): WbxmlElement {
    this.header();
    return this.body();
  }

  private fail(code: ConstructorParameters<typeof WbxmlError>[0], message: string, at = this.pos): never {
    throw new WbxmlError(code, message, at);
  }

  private byte(): number {
    if (this.pos >= this.end) this.fail('truncated', 'unexpected end of WBXML');
    return this.buf[this.pos++]!;
  }

  /** WBXML mb_u_int32: big-endian base-128, at most 5 bytes, at most 2^32-1. */
  private mbUint32(): number {
    const start = this.pos;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      // Multiplication, not shifts: shifts would wrap at 2^31.
      value = value * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) this.fail('bad-mb-uint32', 'mb_u_int32 above 2^32-1', start);
        return value;
      }
    }
    return this.fail('bad-mb-uint32', 'mb_u_int32 longer than 5 bytes', start);
  }

  private header(): void {
    const version = this.byte();
    // 0x00 (WBXML 1.0) has a different header layout; EAS uses 1.3 (0x03).
    if (version < 0x01 || version > 0x03) this.fail('bad-header', `unsupported WBXML version 0x${version.toString(16)}`, 0);
    const publicId = this.mbUint32();
    // Public id 0 means "literal": an index into the string table follows.
    const publicIdIndex = publicId === 0 ? this.mbUint32() : undefined;
    const charsetAt = this.pos;
    const charset = this.mbUint32();
    const encoding = CHARSETS.get(charset);
    if (encoding === undefined) this.fail('bad-header', `unsupported charset MIBenum ${charset}`, charsetAt);
    this.encoding = encoding;
    const lengthAt = this.pos;
    const length = this.mbUint32();
    if (length > this.end - this.pos) this.fail('bad-length', `string table of ${length} bytes runs past the end`, lengthAt);
    this.strtblStart = this.pos;
    this.strtblEnd = this.pos + length;
    this.pos = this.strtblEnd;
    if (publicIdIndex !== undefined && publicIdIndex >= length) {
      this.fail('bad-length', `public id string-table index ${publicIdIndex} is outside the table`, charsetAt);
    }
  }

  private body(): WbxmlElement {
    const { buf, end, lim } = this;
    const { namesByPage, nsByPage } = this.pages;
    const stack: WbxmlElement[] = [];
    // OPAQUE chunks per open element, joined once at END so many small chunks stay linear.
    const opaqueParts: (Uint8Array[] | undefined)[] = [];
    let page = 0;
    let elements = 0;
    let root: WbxmlElement | undefined;

    while (this.pos < end) {
      const at = this.pos;
      const b = buf[this.pos++]!;
      switch (b) {
        case SWITCH_PAGE:
          // Validated when a tag uses it: encoders may switch pages without emitting a tag.
          page = this.byte();
          continue;
        case END: {
          const closed = stack.pop();
          if (closed === undefined) this.fail('bad-structure', 'END with no open element', at);
          const parts = opaqueParts.pop();
          if (parts !== undefined) closed.opaque = parts.length === 1 ? parts[0] : Buffer.concat(parts);
          if (stack.length === 0) return this.finish(closed);
          continue;
        }
        case ENTITY: {
          const el = this.open(stack, at);
          const cp = this.mbUint32();
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail('bad-entity', `ENTITY ${cp} is not a Unicode scalar value`, at);
          // NUL never reaches a command (docs/clients.md rule 5: strip NUL from strings).
          if (cp !== 0) appendText(el, String.fromCodePoint(cp));
          continue;
        }
        case STR_I: {
          const el = this.open(stack, at);
          const nul = buf.indexOf(0, this.pos);
          if (nul < 0) this.fail('truncated', 'STR_I without terminating NUL', at);
          appendText(el, buf.toString(this.encoding, this.pos, nul));
          this.pos = nul + 1;
          continue;
        }
        case STR_T: {
          const el = this.open(stack, at);
          appendText(el, this.tableString(this.mbUint32(), at));
          continue;
        }
        case OPAQUE: {
          this.open(stack, at);
          const length = this.mbUint32();
          if (length > end - this.pos) this.fail('bad-length', `OPAQUE of ${length} bytes runs past the end`, at);
          // Copied so the tree does not pin (or alias) the caller's request buffer.
          const data = new Uint8Array(buf.subarray(this.pos, this.pos + length));
          this.pos += length;
          const i = stack.length - 1;
          (opaqueParts[i] ??= []).push(data);
          continue;
        }
        case LITERAL:
        case LITERAL_A:
        case LITERAL_C:
        case LITERAL_AC:
          this.fail('unsupported-token', 'literal tag names are not used by EAS', at);
        case PI:
          this.fail('unsupported-token', 'processing instructions are not used by EAS', at);
        case EXT_I_0:
        case EXT_I_0 + 1:
        case EXT_I_2:
        case EXT_T_0:
        case EXT_T_0 + 1:
        case EXT_T_2:
        case EXT_0:
        case EXT_0 + 1:
        case EXT_2:
          this.fail('unsupported-token', `extension token 0x${b.toString(16)} is not used by EAS`, at);
        default: {
          const names = namesByPage[page];
          if (names === undefined) this.fail('unknown-page', `code page ${page} is not defined by MS-ASWBXML`, at);
          const name = names[b & TOKEN_MASK];
          if (name === undefined) {
            this.fail('unknown-tag', `token 0x${(b & TOKEN_MASK).toString(16)} is not defined on code page ${page} (${nsByPage[page]})`, at);
          }
          if (++elements > lim.maxElements) this.fail('too-many-elements', `more than ${lim.maxElements} elements`, at);
          if (stack.length >= lim.maxDepth) this.fail('too-deep', `elements nested deeper than ${lim.maxDepth}`, at);
          const el = new WbxmlElement(nsByPage[page]!, name);
          if (b & HAS_ATTRIBUTES) this.skipAttributes();
          const parent = stack[stack.length - 1];
          if (parent !== undefined) parent.children.push(el);
          else if (root !== undefined) this.fail('bad-structure', 'second root element', at);
          else root = el;
          if (b & HAS_CONTENT) {
            stack.push(el);
            opaqueParts.push(undefined);
          } else if (parent === undefined) {
            return this.finish(el);
          }
        }
      }
    }
    return this.fail('truncated', root === undefined ? 'no root element' : `${stack.length} element(s) left open`);
  }

  /** The element text or opaque data belongs to; content outside the root is malformed. */
  private open(stack: WbxmlElement[], at: number): WbxmlElement {
    const el = stack[stack.length - 1];
    if (el === undefined) this.fail('bad-structure', 'content outside the root element', at);
    return el;
  }

  private finish(root: WbxmlElement): WbxmlElement {
    // Only padding-free input is accepted: bytes after the root mean a broken or concatenated body.
    if (this.pos !== this.end) this.fail('bad-structure', `${this.end - this.pos} byte(s) after the root element`);
    return root;
  }

  private tableString(offset: number, at: number): string {
    const length = this.strtblEnd - this.strtblStart;
    if (offset >= length) this.fail('bad-length', `string-table offset ${offset} outside a table of ${length} bytes`, at);
    const start = this.strtblStart + offset;
    const nul = this.buf.indexOf(0, start);
    if (nul < 0 || nul >= this.strtblEnd) this.fail('bad-length', `string-table entry at ${offset} has no NUL`, at);
    // Each reference costs two bytes of input but may yield the whole table: bound the expansion.
    this.strtblExpanded += nul - start;
    if (this.strtblExpanded > this.lim.maxBytes) this.fail('too-large', 'string-table references expand past the size limit', at);
    return this.buf.toString(this.encoding, start, nul);
  }

  /** WBXML 1.3 5.8.3 attribute state: parse through the list's END and drop it. */
  private skipAttributes(): void {
    for (;;) {
      const at = this.pos;
      const b = this.byte();
      switch (b) {
        case END:
          return;
        case SWITCH_PAGE:
          this.byte();
          break;
        case ENTITY:
        case STR_T:
        case LITERAL:
        case EXT_T_0:
        case EXT_T_0 + 1:
        case EXT_T_2:
          this.mbUint32();
          break;
        case STR_I:
        case EXT_I_0:
        case EXT_I_0 + 1:
        case EXT_I_2: {
          const nul = this.buf.indexOf(0, this.pos);
          if (nul < 0) this.fail('truncated', 'attribute string without terminating NUL', at);
          this.pos = nul + 1;
          break;
        }
        case OPAQUE: {
          const length = this.mbUint32();
          if (length > this.end - this.pos) this.fail('bad-length', `OPAQUE of ${length} bytes runs past the end`, at);
          this.pos += length;
          break;
        }
        case PI:
          this.fail('unsupported-token', 'processing instruction inside an attribute list', at);
        default:
          // ATTRSTART / ATTRVALUE tokens (and EXT_0..2): one byte each, meaningless for EAS.
          break;
      }
    }
  }
}

function appendText(el: WbxmlElement, s: string): void {
  el.text = el.text === undefined ? s : el.text + s;
}
