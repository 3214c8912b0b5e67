// The one way a message leaves a device: check the sender, route every recipient, and only
// then deliver. Routing is decided for all recipients before anything is delivered, so a send
// that cannot reach one recipient reaches none (the client keeps it in its Outbox and can try
// again without duplicates). Only the authenticated account sends: eas-push is never a relay.

import { randomUUID } from 'node:crypto';
import { encodeWords } from 'nodemailer/lib/mime-funcs';
import { FolderType } from '../../store/types.js';
import type { CommandContext } from '../commands/types.js';
import { envelopeRecipients, isValidAddress, mailboxesOf } from './addresses.js';
import { withoutEmptyAttachments } from './empty-parts.js';
import {
  header,
  parseMessage,
  serializeMessage,
  withDefaultHeader,
  withHeader,
  withoutHeaders,
  type MimeMessage,
} from './mime-message.js';
import { ComposeFailure, ComposeStatus } from './status.js';

/** What sending needs of a command: SendMail's, or a Sync sending a 16.x draft (email2:Send). */
export type SendContext = Pick<CommandContext, 'deps' | 'account' | 'device'>;

export interface SubmitOptions {
  saveInSent: boolean;
  /** Envelope recipients that are not in the headers (SmartForward Forwardees). */
  extraRecipients?: string[];
}

export interface Route {
  local: string[];
  remote: string[];
}

/** RFC 5322 date-time in UTC ("Thu, 01 Sep 2022 13:17:38 +0000"). */
export function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** Header fields a client must not choose: the MDA writes them on delivery. */
const DELIVERY_FIELDS = ['bcc', 'return-path', 'delivered-to', 'x-original-to'];

/**
 * The message as it goes out and as it is stored: Bcc removed, and the fields every message
 * needs (From, Date, Message-ID, MIME-Version) added when the client left them out.
 */
export function outgoingMessage(msg: MimeMessage, sender: { address: string; displayName: string | null }): MimeMessage {
  let out = withoutHeaders(msg, DELIVERY_FIELDS);
  if (mailboxesOf(out, 'from').length === 0) {
    const name = sender.displayName?.trim();
    const from = name ? `${/^[\x20-\x7e]*$/.test(name) ? JSON.stringify(name) : encodeWords(name)} <${sender.address}>` : sender.address;
    out = withHeader(out, 'From', from);
  }
  const domain = sender.address.slice(sender.address.lastIndexOf('@') + 1) || 'localhost';
  out = withDefaultHeader(out, 'Date', rfc5322Date(new Date()));
  out = withDefaultHeader(out, 'Message-ID', `<${randomUUID()}@${domain}>`);
  out = withDefaultHeader(out, 'MIME-Version', '1.0');
  return out;
}

/** Refuses a From header naming another local account; any other From is the user's affair. */
async function checkFrom(ctx: SendContext, msg: MimeMessage): Promise<void> {
  for (const m of mailboxesOf(msg, 'from', 'sender')) {
    if (!isValidAddress(m.address)) continue;
    const owner = await ctx.deps.store.findAccount(m.address);
    if (owner && owner.id !== ctx.account.id) {
      throw new ComposeFailure(ComposeStatus.AccessDenied, `From ${m.address} belongs to another local account`);
    }
  }
}

export async function routeRecipients(ctx: SendContext, addresses: string[]): Promise<Route> {
  const route: Route = { local: [], remote: [] };
  for (const a of addresses) (await ctx.deps.store.findAccount(a) ? route.local : route.remote).push(a);
  if (route.remote.length > 0 && !ctx.deps.relay) {
    throw new ComposeFailure(
      ComposeStatus.MailSubmissionFailed,
      `no smarthost configured for non-local recipients: ${route.remote.join(', ')}`,
    );
  }
  return route;
}

/** nodemailer and smtp-server errors carry the SMTP reply code. */
function relayFailure(err: unknown): ComposeFailure {
  const e = err as { responseCode?: number; message?: string };
  const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
  return new ComposeFailure(
    permanent ? ComposeStatus.MailSubmissionFailed : ComposeStatus.ServerErrorRetryLater,
    `smarthost refused the message: ${e.message ?? String(err)}`,
  );
}

/** Sends `raw` as the authenticated account. Throws ComposeFailure; resolves when sent. */
export async function submitMessage(ctx: SendContext, raw: Buffer, options: SubmitOptions): Promise<void> {
  const { deps, account } = ctx;
  const parsed = parseMessage(raw);
  if (parsed.fields.length === 0) throw new ComposeFailure(ComposeStatus.InvalidMIME, 'no header fields in the message');
  await checkFrom(ctx, parsed);

  const recipients = envelopeRecipients(parsed);
  if (recipients.invalid.length > 0) {
    throw new ComposeFailure(
      ComposeStatus.MessageRecipientUnresolved,
      `not an address: ${recipients.invalid.join(', ')}`,
    );
  }
  const all = new Set(recipients.addresses);
  for (const extra of options.extraRecipients ?? []) {
    const a = extra.trim().toLowerCase();
    if (!isValidAddress(a)) throw new ComposeFailure(ComposeStatus.MessageRecipientUnresolved, `not an address: ${extra}`);
    all.add(a);
  }
  if (all.size === 0) throw new ComposeFailure(ComposeStatus.MessageHasNoRecipient, 'no recipients in To, Cc or Bcc');
  const route = await routeRecipients(ctx, [...all]);

  const outgoing = outgoingMessage(withoutEmptyAttachments(parsed), account);
  const bytes = serializeMessage(outgoing);
  const from = account.address;
  // The smarthost first: it is the step that may refuse. Local delivery is one SQLite transaction.
  if (route.remote.length > 0 && deps.relay) {
    try {
      await deps.relay({ from, to: route.remote }, bytes);
    } catch (err) {
      throw relayFailure(err);
    }
  }
  if (route.local.length > 0) {
    try {
      await deps.deliverLocal({ from, to: route.local }, bytes);
    } catch (err) {
      deps.log.error('sendmail: local delivery failed', {
        account: account.address,
        relayed: route.remote.length,
        error: (err as Error).message,
      });
      throw new ComposeFailure(ComposeStatus.ServerErrorRetryLater, 'local delivery failed');
    }
  }
  deps.log.info('sendmail', {
    account: account.address,
    device: ctx.device.deviceId,
    messageId: header(outgoing, 'message-id'),
    local: route.local.length,
    remote: route.remote.length,
  });
  if (options.saveInSent) await saveSentCopy(ctx, bytes);
}

/**
 * The Sent Items copy. Its origin is null, not the sending device: clients do not keep a local
 * copy of what they send (MS-ASCMD 2.2.1.17 says they SHOULD NOT) and expect it to arrive by Sync.
 * The message is already sent, so a failure here is logged and never reported as a send failure
 * (the client would send it again).
 */
async function saveSentCopy(ctx: SendContext, bytes: Buffer): Promise<void> {
  const { deps, account } = ctx;
  try {
    const sent = await deps.store.folderByType(account.id, FolderType.SentItems);
    if (!sent) {
      deps.log.warn('sendmail: no Sent Items folder, copy not saved', { account: account.address });
      return;
    }
    const parsedMessage = await deps.parse(bytes);
    await deps.store.addItem(account.id, sent.id, bytes, parsedMessage, null, true);
  } catch (err) {
    deps.log.error('sendmail: saving the Sent Items copy failed', {
      account: account.address,
      error: (err as Error).message,
    });
  }
}
