// MS-ASCMD 2.2.1.8 GetAttachment: the attachment bytes for AttachmentName (our FileReference:
// airsyncbase:FileReference from 12.0, email:AttName at 2.5), for protocol 2.5 to 14.1 clients;
// 16.x clients use ItemOperations Fetch instead, so the command does not exist there and the
// HTTP layer answers 400 (`versions`). The answer is the raw content with its own type.
//
// Isolation: the name is looked up in the caller's mailbox only, so another account's
// attachment answers exactly like one that does not exist.

import { EasHttpError } from '../http/errors.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';

export const getAttachment = commandSpec('GetAttachment', handleGetAttachment, {
  wbxmlBody: false,
  versions: { max: '14.1' },
});

async function handleGetAttachment(ctx: CommandContext): Promise<CommandResult> {
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
