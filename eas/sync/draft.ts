// MS-ASEMAIL 3.1.5.3 (16.0+): a draft created by the client with Sync Add in Drafts. The
// ApplicationData (Email:To/Cc, Email2:Bcc, Email:Subject, Email:Importance, AirSyncBase:Body,
// AirSyncBase:Attachments/Add) becomes a real RFC 5322 message, so the draft is stored,
// parsed and served like any delivered mail. An edit (Sync Change in Drafts) is built the same
// way over the stored draft: the elements sent replace its values, the others are kept.
// The attachments a request adds are returned with their AirSyncBase:ClientId, so the Sync
// response can name each one's FileReference (MS-ASAIRS 2.2.2.14, 2.2.2.24.1).

import MailComposer from 'nodemailer/lib/mail-composer';
import type { Account, Address, MessageSummary } from '../../store/types.js';
import type { WbxmlElement } from '../wbxml/tree.js';

/** The ApplicationData cannot become a message (e.g. a Body Type we cannot store). */
export class DraftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DraftError';
  }
}

const IMPORTANCE_HEADERS: Record<string, { priority: string; importance: string }> = {
  '0': { priority: '5 (Lowest)', importance: 'Low' },
  '2': { priority: '1 (Highest)', importance: 'High' },
};

function bytesOf(e: WbxmlElement | undefined): Buffer | null {
  if (!e) return null;
  if (e.opaque !== undefined) return Buffer.from(e.opaque);
  if (e.text !== undefined) return Buffer.from(e.text, 'utf8');
  return null;
}

/** The stored draft an edit applies to: what is not in the Change is kept from it. */
export interface DraftBase {
  summary: MessageSummary;
  text: string | null;
  html: string | null;
  /** The raw Bcc header value, if the draft has one (the summary does not keep Bcc). */
  bcc: string | null;
  attachments: { fileReference: string; fileName: string; contentType: string; contentId: string | null; content: Buffer }[];
}

interface ComposerAttachment {
  filename: string;
  content: Buffer;
  contentType: string | undefined;
  cid: string | undefined;
}

/** An attachment of the built draft, as the stored message's attachment list will show it. */
export interface DraftAttachment {
  /** AirSyncBase:ClientId of an attachment this request added; null for one kept from the draft. */
  clientId: string | null;
  fileName: string;
  size: number;
  contentId: string | null;
}

export interface BuiltDraft {
  raw: Buffer;
  /** Kept ones first, then the added ones, each in request order. Empty for a MIME (Type 4) body. */
  attachments: DraftAttachment[];
}

/** The Bcc header of a raw message (unfolded), or null. */
export function bccHeaderOf(raw: Buffer): string | null {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? raw.length : end).toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
  const m = /^bcc:[ \t]*(.*)$/im.exec(head);
  return m?.[1]?.trim() || null;
}

/**
 * Builds the draft's MIME; `Type 4` bodies are already MIME and are kept as sent. With `base`
 * (an edit), To/Cc/Bcc/Subject/Importance/Body absent from `appData` keep the stored values,
 * and attachments are the stored ones minus AirSyncBase:Delete plus AirSyncBase:Add.
 */
export async function draftMime(appData: WbxmlElement, account: Account, now: Date, base?: DraftBase): Promise<BuiltDraft> {
  const body = appData.child('AirSyncBase:Body');
  const bodyType = body ? (body.textOf('AirSyncBase:Type')?.trim() ?? '1') : base ? null : '1';
  const data = bytesOf(body?.child('AirSyncBase:Data'));
  if (bodyType === '4') {
    if (!data || data.length === 0) throw new DraftError('MIME body without data');
    return { raw: data, attachments: [] };
  }
  if (bodyType !== null && bodyType !== '1' && bodyType !== '2') {
    throw new DraftError(`draft body type ${bodyType} is not supported`);
  }

  // An element sent empty clears the value; an element not sent keeps the stored one.
  const text = (name: string): string | undefined => {
    const v = appData.textOf(name)?.trim();
    return v ? v : undefined;
  };
  const field = <T>(name: string, kept: T | undefined): string | T | undefined =>
    appData.has(name) || !base ? text(name) : kept;
  const addresses = (list: Address[]) => (list.length > 0 ? list.map((a) => ({ name: a.name, address: a.address })) : undefined);

  const importance = IMPORTANCE_HEADERS[field('Email:Importance', base ? String(base.summary.importance) : undefined) ?? '1'];
  const deleted = new Set(
    (appData.path('AirSyncBase:Attachments')?.all('AirSyncBase:Delete') ?? []).map((d) => d.textOf('AirSyncBase:FileReference')?.trim()),
  );
  const kept: ComposerAttachment[] = (base?.attachments ?? [])
    .filter((a) => !deleted.has(a.fileReference))
    .map((a) => ({ filename: a.fileName, content: a.content, contentType: a.contentType, cid: a.contentId ?? undefined }));
  const added = (appData.path('AirSyncBase:Attachments')?.all('AirSyncBase:Add') ?? [])
    .map((a) => ({
      clientId: a.textOf('AirSyncBase:ClientId')?.trim() || null,
      filename: a.textOf('AirSyncBase:DisplayName')?.trim() || 'attachment',
      content: bytesOf(a.child('AirSyncBase:Content')),
      contentType: a.textOf('AirSyncBase:ContentType')?.trim() || undefined,
      cid: a.textOf('AirSyncBase:ContentId')?.trim() || undefined,
    }))
    // iOS 16 may send attachment entries with no content (docs/clients.md rule 30): skip them.
    .filter((a): a is ComposerAttachment & { clientId: string | null } => a.content !== null && a.content.length > 0);

  const content =
    bodyType === '2'
      ? { html: data?.toString('utf8') ?? '' }
      : bodyType === '1'
        ? { text: data?.toString('utf8') ?? '' }
        : { text: base?.text ?? undefined, html: base?.html ?? undefined };
  const composer = new MailComposer({
    from: account.displayName ? { name: account.displayName, address: account.address } : account.address,
    to: field('Email:To', base && addresses(base.summary.to)),
    cc: field('Email:Cc', base && addresses(base.summary.cc)),
    bcc: field('Bcc', base?.bcc ?? undefined),
    subject: field('Email:Subject', base?.summary.subject) ?? '',
    date: now,
    ...content,
    inReplyTo: base?.summary.inReplyTo ?? undefined,
    references: base && base.summary.references.length > 0 ? base.summary.references : undefined,
    attachments: [...kept, ...added].map(({ filename, content, contentType, cid }) => ({ filename, content, contentType, cid })),
    headers: importance ? { 'X-Priority': importance.priority, Importance: importance.importance } : {},
    newline: 'win',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  // Bcc is kept in a draft (the phone shows it when the draft is reopened).
  const node = composer.compile();
  node.keepBcc = true;
  const describe = (a: ComposerAttachment, clientId: string | null): DraftAttachment => ({
    clientId,
    fileName: a.filename,
    size: a.content.length,
    contentId: a.cid ?? null,
  });
  return {
    raw: await node.build(),
    attachments: [...kept.map((a) => describe(a, null)), ...added.map((a) => describe(a, a.clientId))],
  };
}
