// MS-ASAIRS 2.2.2.8 Attachments / 2.2.2.7 Attachment: every attachment with what Android needs
// to show it (DisplayName, EstimatedDataSize, FileReference; docs/clients.md rule 25); at 2.5 the
// Email namespace's own form (MS-ASEMAIL 2.2.2.4.2, attachmentsElement25).

import type { AttachmentMeta } from '../../store/types.js';
import { el } from '../wbxml/tree.js';
import type { WbxmlElement } from '../wbxml/tree.js';

/** MS-ASAIRS 2.2.2.31 Method: 1 = normal attachment. */
const METHOD_NORMAL = 1;

const EXTENSIONS: Record<string, string> = {
  'message/rfc822': 'eml',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/calendar': 'ics',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
};

/** The store names parts at delivery; this covers a part that still arrives without one. */
export function attachmentDisplayName(att: AttachmentMeta): string {
  const name = att.fileName.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (name) return name;
  const type = att.contentType.toLowerCase().split(';')[0]?.trim() ?? '';
  const ext = EXTENSIONS[type] ?? (type.split('/')[1]?.replace(/[^a-z0-9]/g, '') || 'bin');
  return `attachment-${att.index}.${ext}`;
}

export function attachmentsElement(attachments: AttachmentMeta[]): WbxmlElement | undefined {
  if (attachments.length === 0) return undefined;
  return el(
    'AirSyncBase:Attachments',
    attachments.map((att) =>
      el('AirSyncBase:Attachment', [
        el('AirSyncBase:DisplayName', attachmentDisplayName(att)),
        el('AirSyncBase:FileReference', att.fileReference),
        el('AirSyncBase:Method', METHOD_NORMAL),
        el('AirSyncBase:EstimatedDataSize', att.size),
        att.contentId ? el('AirSyncBase:ContentId', att.contentId.replace(/^<|>$/g, '')) : undefined,
        el('AirSyncBase:IsInline', att.inline ? '1' : '0'),
      ]),
    ),
  );
}

/**
 * Protocol 2.5 (MS-ASEMAIL 2.2.2.4.2 Email:Attachments, 2.2.2.3 Attachment): AttMethod, AttSize,
 * DisplayName, AttName and, for a part with a Content-ID, Att0Id. AttName is "the location of the
 * attachment file to be retrieved from the server" (2.2.2.6): the FileReference, which is what
 * GetAttachment takes as its AttachmentName (ItemOperations does not exist at 2.5).
 */
export function attachmentsElement25(attachments: AttachmentMeta[]): WbxmlElement | undefined {
  if (attachments.length === 0) return undefined;
  return el(
    'Email:Attachments',
    attachments.map((att) =>
      el('Email:Attachment', [
        el('Email:AttMethod', METHOD_NORMAL),
        el('Email:AttSize', att.size),
        el('Email:DisplayName', attachmentDisplayName(att)),
        el('Email:AttName', att.fileReference),
        att.contentId ? el('Email:Att0Id', att.contentId.replace(/^<|>$/g, '')) : undefined,
      ]),
    ),
  );
}
