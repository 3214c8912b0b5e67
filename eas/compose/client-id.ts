// MS-ASCMD 2.2.3.28.1 ClientId (SendMail, SmartForward, SmartReply): "the server will use the
// ClientId element value to identify duplicate messages". A phone whose answer to a slow send
// was lost sends the message again from its Outbox with the same ClientId; that resend is
// answered with the common Status 118 (MessagePreviouslySent, MS-ASCMD 2.2.2) and not sent
// again (docs/clients.md rule 36). ClientIds are kept per device, in the store, so a restart
// in between changes nothing; a failed send releases its ClientId, so the retry goes out.

import { createHash } from 'node:crypto';
import type { CommandContext } from '../commands/types.js';
import type { ComposeRequest } from './compose-request.js';
import { header, parseMessage } from './mime-message.js';

/** Longer keys (the spec allows 40 characters) are stored as their digest. */
const MAX_KEY = 100;

/**
 * What identifies this message among the device's sends: its ClientId, or, in the
 * message/rfc822 form below 14.0 (whose query has no ClientId, MS-ASHTTP 2.2.1.1.1.2.5), the
 * Message-ID the client wrote into the MIME, which a resend from the Outbox carries unchanged.
 * Null when there is neither: such a send cannot be told from a new one.
 */
export function sendKey(req: ComposeRequest): string | null {
  let key: string | null = null;
  if (req.clientId) key = `ClientId:${req.clientId}`;
  else if (req.form === 'rfc822') {
    const id = header(parseMessage(req.mime), 'message-id')?.trim();
    if (id) key = `Message-ID:${id}`;
  }
  if (key && key.length > MAX_KEY) key = `sha256:${createHash('sha256').update(key).digest('hex')}`;
  return key;
}

export type SendGuard =
  | { kind: 'new'; done(): Promise<void>; failed(): Promise<void> }
  | { kind: 'duplicate' }
  | { kind: 'in-flight' };

/** Claims the key before sending; `done()` after the send, `failed()` when it did not happen. */
export async function guardSend(ctx: CommandContext, key: string | null): Promise<SendGuard> {
  const noop = async (): Promise<void> => {};
  if (!key) return { kind: 'new', done: noop, failed: noop };
  const { store } = ctx.deps;
  const deviceRowId = ctx.device.id;
  const claim = await store.claimClientId(deviceRowId, key);
  if (claim === 'sent') return { kind: 'duplicate' };
  if (claim === 'in-flight') return { kind: 'in-flight' };
  return {
    kind: 'new',
    done: async () => await store.markClientIdSent(deviceRowId, key),
    failed: async () => await store.releaseClientId(deviceRowId, key),
  };
}
