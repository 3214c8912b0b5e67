// iOS 16.x sends attachment entries with no content (docs/clients.md rule 30): recipients would
// get 0-byte files. Such parts of a top-level multipart are dropped; everything else in the
// message is left byte for byte as the client wrote it.

import { header, parseMessage, type MimeMessage } from './mime-message.js';

function boundaryOf(contentType: string | null): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/** An attachment part (named, or Content-Disposition attachment) whose content is blank. */
function isEmptyAttachment(part: Buffer): boolean {
  const p = parseMessage(part);
  const disposition = header(p, 'content-disposition') ?? '';
  const type = header(p, 'content-type') ?? '';
  const isAttachment = /^\s*attachment\b/i.test(disposition) || /\bfilename\*?=/i.test(disposition) || /\bname\*?=/i.test(type);
  return isAttachment && p.body.toString('latin1').trim() === '';
}

export function withoutEmptyAttachments(msg: MimeMessage): MimeMessage {
  const boundary = boundaryOf(header(msg, 'content-type'));
  if (!boundary) return msg;
  const body = msg.body.toString('latin1');
  const delimiter = `\r\n--${boundary}`;
  // Prefixing CRLF lets a delimiter on the body's first line be found like the others.
  const parts = ('\r\n' + body).split(delimiter);
  if (parts.length < 3) return msg;
  const preamble = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!last.startsWith('--')) return msg; // no closing delimiter: not ours to rewrite
  const inner = parts.slice(1, -1);
  // Each inner part starts with the rest of its delimiter line (transport padding, CRLF).
  const kept = inner.filter((p) => {
    const eol = p.indexOf('\r\n');
    return eol < 0 || !isEmptyAttachment(Buffer.from(p.slice(eol + 2), 'latin1'));
  });
  if (kept.length === inner.length || kept.length === 0) return msg;
  const rebuilt = [preamble, ...kept, last].join(delimiter).slice(2);
  return { fields: msg.fields, body: Buffer.from(rebuilt, 'latin1') };
}
