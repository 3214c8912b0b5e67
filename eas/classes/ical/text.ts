// The bytes of an .ics or .vcf file as text. RFC 5545 and RFC 6350 say UTF-8; older exporters
// wrote Latin-1 (Thunderbird's importLatin1.ics), so bytes that are not valid UTF-8 are read as
// windows-1252 (a superset of Latin-1) instead of becoming U+FFFD.

export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
