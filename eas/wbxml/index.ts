// Public face of the MS-ASWBXML codec: decode request bodies, encode responses, render for logs.

export { decode, DEFAULT_DECODE_LIMITS, type DecodeLimits } from './decode.js';
export { encode } from './encode.js';
export { toXml, type XmlOptions } from './xml.js';
export { WbxmlError, type WbxmlErrorCode } from './errors.js';
export { el, WbxmlElement, type Content } from './tree.js';
