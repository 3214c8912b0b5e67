// HTML to plain text, the one implementation: the text body of mail that has no text/plain
// part and the preview a phone shows in the message list (plugin/parse.ts, at delivery), the
// full-text index of HTML-only mail (store/messages.ts), the plain body of a stored message
// without a text part and an HTML Oof reply asked for as Text (eas/). The words only: no
// markup, no link targets, no images.

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bull: '•',
  middot: '·',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  deg: '°',
  laquo: '«',
  raquo: '»',
  times: '×',
  shy: '',
  zwnj: '',
  zwj: '',
};

function codePoint(n: number): string {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '';
}

export function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z][a-zA-Z0-9]*);?/g, (all, ref: string) => {
    if (ref[0] === '#') {
      const hex = ref[1] === 'x' || ref[1] === 'X';
      return codePoint(parseInt(ref.slice(hex ? 2 : 1), hex ? 16 : 10));
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? all;
  });
}

const BLOCK_TAGS = /<\/?(?:p|div|br|tr|li|ul|ol|table|h[1-6]|blockquote|pre|hr|section|article|header|footer)\b[^>]*>/gi;

/** Readable text of an HTML document: invisible parts dropped, blocks become line breaks. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script|title|template|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(BLOCK_TAGS, '\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function flatten(text: string): string {
  // Control characters of a broken message are not something to show in a list.
  return text.replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * Where the first `n` code points of `s` end (as Array.from counts them: a lone surrogate is
 * one), or -1 when `s` has fewer. Counted in place: no array of one string per character.
 */
function codePointsEnd(s: string, n: number): number {
  let i = 0;
  for (let k = 0; k < n; k++) {
    if (i >= s.length) return -1;
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    i += pair ? 2 : 1;
  }
  return i;
}

/** At most `max` characters of text on one line, never cutting a surrogate pair in half. */
export function previewOf(text: string, max = 255): string {
  // Only the start of a long body is looked at (a 100 KB text is not flattened whole for 255
  // characters): a prefix that flattens to more than max + 1 code points starts exactly like
  // the whole text would (a whitespace run or surrogate pair cut at its end lies past max).
  for (let take = 4 * max + 256; take < text.length; take *= 4) {
    const flat = flatten(text.slice(0, take));
    if (codePointsEnd(flat, max + 2) !== -1) return flat.slice(0, codePointsEnd(flat, max));
  }
  const flat = flatten(text);
  return codePointsEnd(flat, max + 1) === -1 ? flat : flat.slice(0, codePointsEnd(flat, max));
}
