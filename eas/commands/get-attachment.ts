// MS-ASCMD 2.2.1.8 GetAttachment: the attachment bytes for AttachmentName (our FileReference),
// for protocol 12.x and 14.x clients; 16.x clients use ItemOperations Fetch instead, so the
// command is refused there as the spec says. The answer is the raw content with its own type.
//
// Isolation: the name is looked up in the caller's mailbox only, so another account's
// attachment answers exactly like one that does not exist.

import { EasHttpError } from '../http/errors.js';
import { atLeast } from '../protocol.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';

export const getAttachment = commandSpec('GetAttachment', handleGetAttachment, { wbxmlBody: false });

async function handleGetAttachment(ctx: CommandContext): Promise<CommandResult> {
  if (atLeast(ctx.version, '16.0')) {
    throw new EasHttpError(400, 'GetAttachment is not supported at protocol 16.x: use ItemOperations');
  }
  const name = ctx.query.params['AttachmentName'];
  if (!name) throw new EasHttpError(400, 'GetAttachment needs the AttachmentName parameter');
  const attachment = await ctx.deps.store.getAttachment(ctx.account.id, name);
  // MS-ASCMD: an attachment that is not there (deleted, or never the caller's) is an HTTP error.
  if (!attachment) throw new EasHttpError(404, 'no such attachment');
  return {
    kind: 'bytes',
    body: attachment.content,
    contentType: attachment.contentType || 'application/octet-stream',
  };
}
