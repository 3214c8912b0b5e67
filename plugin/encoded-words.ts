// RFC 2047 encoded-word decoding for the few headers mailparser leaves raw (Thread-Topic)
// and for the fallback path when the MIME structure cannot be parsed at all.

import { TextDecoder } from 'node:util';

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
/** Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2). */
const BETWEEN_WORDS = /(\?=)\s+(=\?)/g;

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '_') bytes.push(0x20);
    else if (ch === '=' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(ch.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

function charsetDecoder(charset: string): TextDecoder {
  // RFC 2231 allows a language suffix: "utf-8*en".
  const name = charset.split('*')[0] ?? 'utf-8';
  try {
    return new TextDecoder(name);
  } catch {
    // Unknown charset: latin1 keeps every byte visible rather than losing the word.
    return new TextDecoder('latin1');
  }
}

export function decodeEncodedWords(value: string): string {
  return value.replace(BETWEEN_WORDS, '$1$2').replace(ENCODED_WORD, (_all, charset: string, enc: string, text: string) => {
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQ(text);
    return charsetDecoder(charset).decode(bytes);
  });
}
