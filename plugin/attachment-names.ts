// Every attachment gets a file name: phones list attachments by name and some refuse a
// nameless one. Unnamed parts get one derived from their type (".eml" for messages).

import { decodeEncodedWords } from './encoded-words.js';
import { readHeaders } from './raw-headers.js';

const EXTENSIONS: Record<string, string> = {
  'message/rfc822': '.eml',
  'message/global': '.eml',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/calendar': '.ics',
  'text/vcard': '.vcf',
  'text/x-vcard': '.vcf',
  'text/csv': '.csv',
  'application/pdf': '.pdf',
  'application/zip': '.zip',
  'application/json': '.json',
  'application/ics': '.ics',
  'application/pkcs7-signature': '.p7s',
  'application/x-pkcs7-signature': '.p7s',
  'application/pkcs7-mime': '.p7m',
  'application/pgp-signature': '.asc',
  'application/ms-tnef': '.dat',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/svg+xml': '.svg',
  'audio/mpeg': '.mp3',
  'video/mp4': '.mp4',
};

/** Characters that break file systems or the phone's download path. */
function sanitize(name: string): string {
  return name
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

function embeddedSubject(content: Buffer): string {
  const subject = readHeaders(content).get('subject')?.[0];
  return subject ? sanitize(decodeEncodedWords(subject)) : '';
}

export function attachmentFileName(
  given: string | undefined,
  contentType: string,
  content: Buffer,
  position: number,
): string {
  const named = given ? sanitize(given) : '';
  if (named) return named;
  const type = contentType.toLowerCase();
  const ext = EXTENSIONS[type] ?? '.bin';
  if (ext === '.eml') {
    const subject = embeddedSubject(content);
    return `${subject || `message-${position}`}.eml`;
  }
  return `attachment-${position}${ext}`;
}
