// MS-ASEMAIL 3.1.5.3 (16.0+): a draft created by the client with Sync Add in Drafts. The
// ApplicationData (Email:To/Cc, Email2:Bcc, Email:Subject, Email:Importance, AirSyncBase:Body,
// AirSyncBase:Attachments/Add) becomes a real RFC 5322 message, so the draft is stored,
// parsed and served like any delivered mail.

import MailComposer from 'nodemailer/lib/mail-composer';
import type { Account } from '../../store/types.js';
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

/** Builds the draft's MIME; `Type 4` bodies are already MIME and are kept as sent. */
export async function draftMime(appData: WbxmlElement, account: Account, now: Date): Promise<Buffer> {
  const body = appData.child('AirSyncBase:Body');
  const bodyType = body?.textOf('AirSyncBase:Type')?.trim() ?? '1';
  const data = bytesOf(body?.child('AirSyncBase:Data'));
  if (bodyType === '4') {
    if (!data || data.length === 0) throw new DraftError('MIME body without data');
    return data;
  }
  if (bodyType !== '1' && bodyType !== '2') throw new DraftError(`draft body type ${bodyType} is not supported`);

  const text = (name: string): string | undefined => {
    const v = appData.textOf(name)?.trim();
    return v ? v : undefined;
  };
  const importance = IMPORTANCE_HEADERS[text('Email:Importance') ?? '1'];
  const attachments = (appData.path('AirSyncBase:Attachments')?.all('AirSyncBase:Add') ?? [])
    .map((a) => ({
      filename: a.textOf('AirSyncBase:DisplayName')?.trim() || 'attachment',
      content: bytesOf(a.child('AirSyncBase:Content')),
      contentType: a.textOf('AirSyncBase:ContentType')?.trim() || undefined,
      cid: a.textOf('AirSyncBase:ContentId')?.trim() || undefined,
    }))
    // iOS 16 may send attachment entries with no content (CLIENTS.md "Sending"): skip them.
    .filter((a): a is typeof a & { content: Buffer } => a.content !== null && a.content.length > 0);

  const composer = new MailComposer({
    from: account.displayName ? { name: account.displayName, address: account.address } : account.address,
    to: text('Email:To'),
    cc: text('Email:Cc'),
    bcc: text('Bcc'),
    subject: text('Email:Subject') ?? '',
    date: now,
    ...(bodyType === '2' ? { html: data?.toString('utf8') ?? '' } : { text: data?.toString('utf8') ?? '' }),
    attachments,
    headers: importance ? { 'X-Priority': importance.priority, Importance: importance.importance } : {},
    newline: 'win',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  // Bcc is kept in a draft (the phone shows it when the draft is reopened).
  const node = composer.compile();
  node.keepBcc = true;
  return node.build();
}
