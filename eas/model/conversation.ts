// MS-ASEMAIL 2.2.2.21 ConversationId and 2.2.2.22 ConversationIndex (MS-ASCON 2.2.2.4),
// 14.0+: opaque bytes. Clients group by ConversationId, so every message of one thread must get
// the same non-empty id: it is derived from the thread's root (References' first id, else
// In-Reply-To, else the message's own Message-ID).

import { createHash } from 'node:crypto';
import type { MailItem } from '../../store/types.js';

function bareId(id: string | null | undefined): string | null {
  if (!id) return null;
  const s = id.trim().replace(/^<+|>+$/g, '').trim();
  return s || null;
}

/** The id every message of the thread shares. */
export function threadRoot(item: MailItem): string {
  const s = item.summary;
  return (
    bareId(s.references[0]) ??
    bareId(s.inReplyTo) ??
    bareId(s.messageId) ??
    // No ids at all: a thread of one, stable for this stored message.
    `eas-push-message-${item.messageId}`
  );
}

/** 16 bytes, like Exchange's conversation GUIDs. */
export function conversationId(item: MailItem): Uint8Array {
  return new Uint8Array(createHash('sha256').update(threadRoot(item)).digest().subarray(0, 16));
}

/**
 * The 5-byte Conversation Index Header: the 40 high-order bits (after dropping the low 24) of
 * the message time as a FILETIME, big-endian (MS-OXOMSG 2.2.1.3). Replies have no response
 * levels here: we do not know the thread's first time, and clients only sort by it.
 */
export function conversationIndex(item: MailItem): Uint8Array {
  const ms = Date.parse(item.summary.date);
  const when = Number.isNaN(ms) ? Date.parse(item.receivedAt) : ms;
  const filetime = (BigInt(Number.isNaN(when) ? 0 : when) + 11_644_473_600_000n) * 10_000n;
  const top = filetime >> 24n;
  const out = new Uint8Array(5);
  for (let i = 0; i < 5; i++) out[i] = Number((top >> BigInt(8 * (4 - i))) & 0xffn);
  return out;
}
