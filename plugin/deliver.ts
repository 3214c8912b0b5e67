// Local delivery: the one path every message takes into the store, whether it came over
// SMTP, LMTP or from a phone's SendMail to a local address (EasDeps.deliverLocal). Parse
// once, add the MDA headers per recipient, and write all copies in ONE store transaction,
// so either every recipient has the message or none has and the sender retries.

import type { DeliveredItem, Delivery, ParsedMessage, Store } from '../store/types.js';
import { SmtpReplyError, describeError, noSuchUser, temporaryFailure } from './errors.js';
import { withMdaHeaders } from './mda-headers.js';
import { localAccount } from './recipients.js';
import type { DeliveryLogger, Envelope, Parse } from './types.js';

export interface RecipientOutcome {
  address: string;
  /** False when the address is not (or no longer) a local mailbox. */
  delivered: boolean;
}

export interface DeliveryReport {
  /** One entry per envelope recipient, in envelope order. */
  recipients: RecipientOutcome[];
  items: DeliveredItem[];
}

export interface LocalDeliveryDeps {
  store: Store;
  parse: Parse;
  log: DeliveryLogger;
}

export interface DeliveryMeta {
  /** Where the message came from, for the log line: "smtp", "lmtp", "eas". */
  via: string;
  /** Connection id, to match the log line with the client's session. */
  session?: string;
  /** Refuse the whole message (550, nothing stored) when any recipient is not local. */
  requireAllLocal?: boolean;
}

export type DeliverMessage = (envelope: Envelope, raw: Buffer, meta: DeliveryMeta) => Promise<DeliveryReport>;

export function createLocalDelivery({ store, parse, log }: LocalDeliveryDeps): DeliverMessage {
  return async (envelope, raw, meta) => {
    const started = performance.now();
    const context = { via: meta.via, session: meta.session, from: envelope.from, recipients: envelope.to, size: raw.length };
    const failed = (stage: string, err: unknown): SmtpReplyError => {
      log.error('delivery failed', { ...context, stage, error: describeError(err) });
      return temporaryFailure('Local error in processing, try again later', err);
    };

    let parsed: ParsedMessage;
    try {
      parsed = await parse(raw);
    } catch (err) {
      throw failed('parse', err);
    }

    // Recipients are resolved again here: an account may have been removed since RCPT TO.
    // Two addresses of one mailbox (alice@, Alice+news@) get one copy.
    const deliveries: Delivery[] = [];
    const recipients: RecipientOutcome[] = [];
    const seen = new Set<number>();
    try {
      for (const address of envelope.to) {
        const account = localAccount(store, address);
        recipients.push({ address, delivered: account !== null });
        if (!account || seen.has(account.id)) continue;
        seen.add(account.id);
        deliveries.push({ accountId: account.id, raw: withMdaHeaders(raw, { returnPath: envelope.from, deliveredTo: address }) });
      }
    } catch (err) {
      throw failed('recipients', err);
    }
    const missing = recipients.find((r) => !r.delivered);
    if (missing && meta.requireAllLocal) throw noSuchUser(missing.address);
    if (deliveries.length === 0) return { recipients, items: [] };

    let items: DeliveredItem[];
    try {
      items = store.deliver(deliveries, parsed);
    } catch (err) {
      throw failed('store', err);
    }
    log.info('delivered', {
      ...context,
      recipients: recipients.filter((r) => r.delivered).map((r) => r.address),
      ms: Math.round((performance.now() - started) * 100) / 100,
      ...(parsed.malformed ? { malformed: true } : {}),
    });
    return { recipients, items };
  };
}

/**
 * EasDeps.deliverLocal: the caller (SendMail) routes only local recipients here, so an unknown
 * one is an error (550) and nothing is stored for anyone.
 */
export function createDeliverLocal(deliver: DeliverMessage): (envelope: Envelope, raw: Buffer) => Promise<void> {
  return async (envelope, raw) => {
    if (envelope.to.length === 0) throw new SmtpReplyError(554, 'No recipients');
    await deliver(envelope, raw, { via: 'eas', requireAllLocal: true });
  };
}
