// The MIME parser adapter: the only file that imports mailparser (in maintenance mode, so it
// stays swappable). Turns a raw RFC 5322 message into what the store keeps beside the bytes.
// Never throws on bad input: a message that cannot be parsed gets best-effort fields and
// malformed = true, because losing mail is worse than showing it plainly.

import { simpleParser } from 'mailparser';
import type { AddressObject, EmailAddress, ParsedMail } from 'mailparser';
import type { Address, AttachmentInput, MessageSummary, ParsedMessage } from '../store/types.js';
import { attachmentFileName } from './attachment-names.js';
import { decodeEncodedWords } from './encoded-words.js';
import { htmlToText, previewOf } from '../store/html-text.js';
import { headerEnd, readHeaders, startsWithHeader } from './raw-headers.js';

/** What the caller knows of the moment: `alone`, no other delivery is being worked on. */
export interface ParseHint {
  alone?: boolean;
}

export type ParseMessage = (raw: Buffer, receivedAt?: Date, hint?: ParseHint) => Promise<ParsedMessage>;

function flatten(list: EmailAddress[], out: Address[]): Address[] {
  for (const entry of list) {
    if (entry.group) flatten(entry.group, out);
    else if (entry.address || entry.name) out.push({ name: entry.name ?? '', address: entry.address ?? '' });
  }
  return out;
}

function addresses(header: AddressObject | AddressObject[] | undefined): Address[] {
  if (!header) return [];
  const out: Address[] = [];
  for (const obj of Array.isArray(header) ? header : [header]) flatten(obj.value, out);
  return out;
}

function headerString(mail: ParsedMail, name: string): string | null {
  const value = mail.headers.get(name);
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function importance(priority: string | null): 0 | 1 | 2 {
  if (priority === 'high') return 2;
  if (priority === 'low') return 0;
  return 1;
}

function isoDate(date: Date | undefined, receivedAt: Date): string {
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : receivedAt.toISOString();
}

/** mailparser turns an invalid Date into "now"; we want the delivery time, so read it ourselves. */
function dateHeader(mail: ParsedMail): Date | undefined {
  const line = mail.headerLines.find((l) => l.key === 'date')?.line;
  return line === undefined ? undefined : new Date(line.slice(line.indexOf(':') + 1).trim());
}

function attachmentsOf(mail: ParsedMail): AttachmentInput[] {
  return mail.attachments.map((att, i) => ({
    fileName: attachmentFileName(att.filename, att.contentType, att.content, i + 1),
    contentType: att.contentType,
    contentId: att.cid ?? null,
    // Inline means "shown in the body": a part the HTML refers to, or one the sender marked so.
    inline: att.related === true || att.contentDisposition === 'inline',
    content: att.content,
  }));
}

/** A part's bytes as text in the charset its Content-Type names (UTF-8 when none, or unknown). */
function decodeText(content: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset?.trim() || 'utf-8').decode(content);
  } catch {
    return new TextDecoder('utf-8').decode(content);
  }
}

/**
 * RFC 6047 iMIP: the message's iCalendar object is its text/calendar part, inline (often the last
 * part of a multipart/alternative) or attached; mailparser lists it among the attachments in MIME
 * order, with its transfer encoding undone. The first one counts, with the METHOD its
 * Content-Type names (RFC 6047 2.4: "method" is required there, and equals the object's METHOD).
 */
function calendarOf(mail: ParsedMail): ParsedMessage['calendar'] {
  const part = mail.attachments.find((a) => a.contentType.toLowerCase() === 'text/calendar');
  if (!part) return null;
  const type = part.headers.get('content-type') as { params?: Record<string, string> } | string | undefined;
  const params = typeof type === 'object' && type ? (type.params ?? {}) : {};
  const method = params.method?.trim().toUpperCase() || null;
  return { method, text: decodeText(part.content, params.charset) };
}

function fromMail(mail: ParsedMail, receivedAt: Date): ParsedMessage {
  const html = typeof mail.html === 'string' && mail.html ? mail.html : null;
  // With skipHtmlToText an HTML-only message has an empty text: derive it ourselves.
  const text = mail.text?.trim() ? mail.text : html ? htmlToText(html) : (mail.text ?? null);
  const attachments = attachmentsOf(mail);
  const references = mail.references === undefined ? [] : Array.isArray(mail.references) ? mail.references : [mail.references];
  const threadTopic = headerString(mail, 'thread-topic');
  const summary: MessageSummary = {
    subject: mail.subject ?? '',
    from: addresses(mail.from),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    replyTo: addresses(mail.replyTo),
    date: isoDate(dateHeader(mail), receivedAt),
    messageId: mail.messageId ?? null,
    inReplyTo: mail.inReplyTo ?? null,
    references,
    threadTopic: threadTopic ? decodeEncodedWords(threadTopic) : null,
    importance: importance(headerString(mail, 'priority')),
    hasAttachments: attachments.some((a) => !a.inline),
    preview: previewOf(text ?? ''),
  };
  return { summary, text, html, attachments, malformed: false, calendar: calendarOf(mail) };
}

/** Best effort from the raw header block when the MIME parser gave up. */
function fallback(raw: Buffer, receivedAt: Date): ParsedMessage {
  const hasHeaders = startsWithHeader(raw);
  const headers = hasHeaders ? readHeaders(raw) : new Map<string, string[]>();
  const first = (name: string): string | null => headers.get(name)?.[0] ?? null;
  const asAddresses = (value: string | null): Address[] =>
    value ? [{ name: '', address: decodeEncodedWords(value) }] : [];
  const body = raw.subarray(hasHeaders ? headerEnd(raw) : 0).toString('utf8');
  const date = first('date');
  const subject = first('subject');
  return {
    summary: {
      subject: subject ? decodeEncodedWords(subject) : '',
      from: asAddresses(first('from')),
      to: asAddresses(first('to')),
      cc: asAddresses(first('cc')),
      replyTo: asAddresses(first('reply-to')),
      date: isoDate(date ? new Date(date) : undefined, receivedAt),
      messageId: first('message-id'),
      inReplyTo: first('in-reply-to'),
      references: (first('references') ?? '').split(/\s+/).filter(Boolean),
      threadTopic: first('thread-topic'),
      importance: 1,
      hasAttachments: false,
      preview: previewOf(body),
    },
    text: body,
    html: null,
    attachments: [],
    malformed: true,
    calendar: null,
  };
}

export const parseMessage: ParseMessage = async (raw, receivedAt = new Date()) => {
  // Without a header block mailparser would read a body line as a header: keep it as text.
  if (!startsWithHeader(raw)) return fallback(raw, receivedAt);
  try {
    const mail = await simpleParser(raw, {
      // Our own HTML→text keeps link targets and image placeholders out of text and preview.
      skipHtmlToText: true,
      // The HTML stays as sent: phones resolve cid: against the inline attachments.
      keepCidLinks: true,
      skipTextToHtml: true,
      checksumAlgo: false,
    });
    return fromMail(mail, receivedAt);
  } catch {
    return fallback(raw, receivedAt);
  }
};
