// The message a SmartReply/SmartForward refers to. Ids are looked up within the authenticated
// account only, so another account's id behaves exactly like one that does not exist.
// A Search LongId is the item's ServerId ("<folderId>:<itemId>"), see eas/commands/search.ts.

import type { MailItem, MessageBody } from '../../store/types.js';
import type { CommandContext } from '../commands/types.js';
import { parseFolderId, parseServerId } from '../model/ids.js';
import type { SourceRef } from './compose-request.js';
import { ComposeFailure, ComposeStatus } from './status.js';

export interface Original {
  item: MailItem;
  body: MessageBody;
}

export async function loadOriginal(ctx: CommandContext, source: SourceRef | null): Promise<Original> {
  const notFound = (why: string) => new ComposeFailure(ComposeStatus.ItemNotFound, why);
  if (!source) throw notFound('no Source in the request');
  const id = parseServerId(source.longId ?? source.itemId ?? undefined);
  if (!id) throw notFound(`unusable source id ${source.longId ?? source.itemId ?? '(none)'}`);
  if (!source.longId && source.folderId !== null && parseFolderId(source.folderId) !== id.folderId) {
    throw notFound(`FolderId ${source.folderId} does not hold ${source.itemId}`);
  }
  const { store } = ctx.deps;
  const item = await store.getItem(ctx.account.id, id.itemId);
  // Only a mail message can be replied to or forwarded; a contact's id is "not found".
  if (!item || item.kind !== 'mail' || item.folderId !== id.folderId || item.deletedModseq !== null) {
    throw notFound(`no item ${id.folderId}:${id.itemId}`);
  }
  const body = await store.getBody(ctx.account.id, item.id);
  if (!body) throw notFound(`no body for item ${item.id}`);
  return { item, body };
}

/** In-Reply-To and References for an answer to (or a forward of) `original` (RFC 5322 3.6.4). */
export function threadHeaders(original: MailItem): { inReplyTo: string; references: string } | null {
  const id = original.summary.messageId?.trim();
  if (!id) return null;
  const msgId = id.startsWith('<') ? id : `<${id}>`;
  const refs = original.summary.references.map((r) => (r.startsWith('<') ? r : `<${r}>`));
  if (!refs.includes(msgId)) refs.push(msgId);
  return { inReplyTo: msgId, references: refs.join(' ') };
}
