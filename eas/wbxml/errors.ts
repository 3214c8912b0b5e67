// The one error the WBXML codec throws. Callers map it to an EAS Status (bad request body) or,
// from encode(), treat it as a bug in our own response building; either way it never escapes as
// a RangeError or TypeError from deep inside the byte walking.

export type WbxmlErrorCode =
  /** Input ended in the middle of a header, token, string or element. */
  | 'truncated'
  /** Version or charset not something an EAS peer sends. */
  | 'bad-header'
  /** A tag on a code page MS-ASWBXML does not define (or an encoder namespace we do not know). */
  | 'unknown-page'
  /** A tag token (or an element name, when encoding) the code page does not define. */
  | 'unknown-tag'
  /** A WBXML token EAS never uses and we refuse: LITERAL*, EXT*, PI. */
  | 'unsupported-token'
  /** END with nothing open, content before the root, bytes after the root element. */
  | 'bad-structure'
  /** mb_u_int32 longer than 5 bytes or above 2^32-1. */
  | 'bad-mb-uint32'
  /** A length or string-table offset that points past the data it indexes. */
  | 'bad-length'
  /** ENTITY that is not a Unicode scalar value. */
  | 'bad-entity'
  /** Nesting deeper than the limit. */
  | 'too-deep'
  /** Input larger than the limit. */
  | 'too-large'
  /** More elements than the limit. */
  | 'too-many-elements'
  /** A bug in the codec itself, surfaced as this error so callers still have one thing to catch. */
  | 'internal';

export class WbxmlError extends Error {
  readonly code: WbxmlErrorCode;
  /** Byte offset in the input where decoding failed (decode only). */
  readonly offset: number | undefined;

  constructor(code: WbxmlErrorCode, message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
    this.name = 'WbxmlError';
    this.code = code;
    this.offset = offset;
  }
}
