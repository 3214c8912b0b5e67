// MS-ASEMAIL 2.2.2.44 LastVerbExecuted: after a SmartReply or SmartForward is sent, the original
// message records what was done with it and when, and every phone of the account hears of it
// (a Sync Change) and shows the reply or forward icon.
//
// SmartReply does not say whether the user chose "reply" or "reply all"; the answer's recipients
// do: reply to all when it goes to someone who was a recipient of the original besides the user
// (the original's sender aside), else reply to sender.

import { LastVerb, type MailItem } from '../../store/types.js';
import type { CommandContext } from '../commands/types.js';
import { mailboxesOf } from './addresses.js';
import type { ComposeKind } from './compose-request.js';
import type { MimeMessage } from './mime-message.js';

export function lastVerbOf(kind: ComposeKind, answer: MimeMessage, original: MailItem, self: string): LastVerb | null {
  if (kind === 'SmartForward') return LastVerb.Forward;
  if (kind !== 'SmartReply') return null;
  const lower = (a: string) => a.trim().toLowerCase();
  const sender = new Set([...original.summary.from, ...original.summary.replyTo].map((a) => lower(a.address)));
  const others = new Set(
    [...original.summary.to, ...original.summary.cc].map((a) => lower(a.address)).filter((a) => a !== lower(self) && !sender.has(a)),
  );
  const toAll = mailboxesOf(answer, 'to', 'cc').some((m) => others.has(lower(m.address)));
  return toAll ? LastVerb.ReplyToAll : LastVerb.ReplyToSender;
}

/** Records the verb on the original (a change every device syncs). The message is sent already: a failure here is logged, not answered. */
export async function recordLastVerb(ctx: CommandContext, original: MailItem, verb: LastVerb): Promise<void> {
  try {
    await ctx.deps.store.updateItem(ctx.account.id, original.id, { lastVerb: { verb, at: new Date().toISOString() } }, null);
  } catch (err) {
    ctx.deps.log.warn('could not record the reply or forward on the original', {
      account: ctx.account.address,
      item: original.id,
      error: (err as Error).message,
    });
  }
}
