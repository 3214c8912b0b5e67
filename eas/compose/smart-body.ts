// MS-ASCMD 2.2.1.20 SmartReply / 2.2.1.19 SmartForward without ReplaceMime: the server adds
// the original to what the client wrote.
// - Reply: the client's text is kept and the original's text is quoted below it ("> " lines in
//   text/plain, a <blockquote type="cite"> in HTML). The body is rebuilt with nodemailer's
//   MailComposer; the client's top-level headers are kept as written.
// - Forward: the client's content is kept byte for byte as the first part of a new
//   multipart/mixed, and the original is attached whole as message/rfc822 (its attachments,
//   HTML and headers travel intact, whatever its structure).

import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { MailComposerAttachment } from 'nodemailer/lib/mail-composer';
import { buildHeaderValue } from 'nodemailer/lib/mime-funcs';
import type { ParsedMessage } from '../../store/types.js';
import type { Original } from './source-message.js';
import { parseMessage, withoutHeaders, type HeaderField, type MimeMessage } from './mime-message.js';

/** Fields that describe the body, replaced when the body is rebuilt. */
const CONTENT_FIELDS = ['content-type', 'content-transfer-encoding', 'content-disposition', 'content-id', 'content-description', 'mime-version'];

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function attribution(original: Original): string {
  const from = original.item.summary.from[0];
  const who = from ? (from.name ? `${from.name} <${from.address}>` : from.address) : 'someone';
  const when = new Date(original.item.summary.date);
  const date = Number.isNaN(when.getTime()) ? original.item.summary.date : when.toUTCString();
  return `On ${date}, ${who} wrote:`;
}

function quoteText(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => (l.startsWith('>') ? `>${l}` : `> ${l}`))
    .join('\r\n');
}

/** The inside of <body>, so the quoted original does not nest a second document. */
function bodyInner(html: string): string {
  const m = /<body[^>]*>([\s\S]*?)<\/body\s*>/i.exec(html);
  return m ? m[1]! : html.replace(/<\/?(html|head)[^>]*>/gi, '').replace(/<head[\s\S]*?<\/head>/i, '');
}

function insertBeforeBodyEnd(html: string, fragment: string): string {
  const i = html.search(/<\/body\s*>/i);
  return i >= 0 ? html.slice(0, i) + fragment + html.slice(i) : html + fragment;
}

function composerAttachments(parsed: ParsedMessage): MailComposerAttachment[] {
  return (
    parsed.attachments
      // iOS 16 sends attachment entries with no content: they are dropped, not sent as 0-byte files.
      .filter((a) => a.content.length > 0)
      .map((a) => {
        const cid = a.contentId?.replace(/^<|>$/g, '');
        return {
          filename: a.fileName,
          content: a.content,
          contentType: a.contentType,
          contentDisposition: a.inline ? 'inline' : 'attachment',
          ...(a.inline && cid ? { cid } : {}),
        };
      })
  );
}

/** Replaces the body of `msg` with a freshly built one, keeping its other header fields. */
async function withBuiltBody(msg: MimeMessage, composer: MailComposer): Promise<MimeMessage> {
  const built = parseMessage(await composer.compile().build());
  const structural: HeaderField[] = built.fields.filter((f) => CONTENT_FIELDS.includes(f.key));
  const kept = withoutHeaders(msg, CONTENT_FIELDS);
  return { fields: [...kept.fields, ...structural], body: built.body };
}

/** SmartReply: the client's reply with the original quoted below it. */
export async function replyWithQuote(msg: MimeMessage, client: ParsedMessage, original: Original): Promise<MimeMessage> {
  const origText = original.body.text ?? '';
  const line = attribution(original);
  const text = `${(client.text ?? '').replace(/\s+$/, '')}\r\n\r\n${line}\r\n${quoteText(origText)}\r\n`;
  let html: string | undefined;
  if (client.html !== null) {
    const quoted = original.body.html !== null ? bodyInner(original.body.html) : escapeHtml(origText).replace(/\r?\n/g, '<br>\n');
    html = insertBeforeBodyEnd(
      client.html,
      `<br><div>${escapeHtml(line)}</div><blockquote type="cite" style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">${quoted}</blockquote>`,
    );
  }
  const composer = new MailComposer({
    text,
    ...(html !== undefined ? { html } : {}),
    attachments: composerAttachments(client),
    newline: 'win',
  });
  return withBuiltBody(msg, composer);
}

function emlName(original: Original): string {
  const subject = original.item.summary.subject.replace(/[\\/:*?"<>|\x00-\x1f]+/g, ' ').trim().slice(0, 80);
  return `${subject || 'forwarded message'}.eml`;
}

/** SmartForward: the client's content first, the original attached as message/rfc822. */
export function forwardWithOriginal(msg: MimeMessage, original: Original): MimeMessage {
  const boundary = `----=_eas-push_${randomUUID()}`;
  const clientPart: string[] = msg.fields.filter((f) => CONTENT_FIELDS.includes(f.key) && f.key !== 'mime-version').map((f) => f.line);
  if (!clientPart.some((l) => /^content-type\s*:/i.test(l))) clientPart.unshift('Content-Type: text/plain; charset=us-ascii');
  const attached = parseMessage(original.body.raw);
  // The MDA's fields describe our delivery of the original, not the message itself.
  const originalBytes = Buffer.concat([
    Buffer.from(withoutHeaders(attached, ['return-path', 'delivered-to', 'x-original-to']).fields.map((f) => f.line + '\r\n').join('') + '\r\n', 'latin1'),
    attached.body,
  ]);
  const eightBit = originalBytes.some((b) => b > 0x7f);
  const name = emlName(original);
  const head = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  const body = Buffer.concat([
    Buffer.from(`This is a multi-part message in MIME format.\r\n\r\n--${boundary}\r\n`, 'latin1'),
    head(clientPart),
    msg.body,
    Buffer.from(`\r\n--${boundary}\r\n`, 'latin1'),
    head([
      `Content-Type: ${buildHeaderValue({ value: 'message/rfc822', params: { name } })}`,
      ...(eightBit ? ['Content-Transfer-Encoding: 8bit'] : []),
      `Content-Disposition: ${buildHeaderValue({ value: 'attachment', params: { filename: name } })}`,
    ]),
    originalBytes,
    Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
  ]);
  const kept = withoutHeaders(msg, CONTENT_FIELDS);
  return {
    fields: [
      ...kept.fields,
      { key: 'mime-version', line: 'MIME-Version: 1.0' },
      { key: 'content-type', line: `Content-Type: multipart/mixed;\r\n boundary="${boundary}"` },
    ],
    body,
  };
}
