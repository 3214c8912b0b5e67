// MS-ASAIRS 2.2.2.8 Attachments / 2.2.2.7 Attachment: every attachment with what Android needs
// to show it (DisplayName, EstimatedDataSize, FileReference; docs/clients.md rule 25).

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
