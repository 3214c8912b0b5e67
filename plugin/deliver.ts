// Local delivery: the one path every message takes into the store, whether it came over
// SMTP, LMTP or from a phone's SendMail to a local address (EasDeps.deliverLocal). Parse
// once, add the MDA headers per recipient, and write all copies in ONE store transaction,
// so either every recipient has the message or none has and the sender retries. A meeting
// message (RFC 6047 iMIP) also carries, per recipient, what the `schedule` hook planned: the
// meeting it is and the calendar event it places, written in that same transaction. Planning
// never costs a message: when it fails, the message is delivered as plain mail.

import type { Account, DeliveredItem, Delivery, DeliveryPlan, ParsedMessage, Store } from '../store/types.js';
import { SmtpReplyError, describeError, noSuchUser, temporaryFailure } from './errors.js';
import { withMdaHeaders } from './mda-headers.js';
import { localAccount } from './recipients.js';
import type { DeliveryLogger, Envelope, Parse, Schedule } from './types.js';

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
  /** Meeting messages: what each recipient's copy carries besides the message (plugin/types.ts). */
  schedule?: Schedule;
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

export function createLocalDelivery({ store, parse, log, schedule }: LocalDeliveryDeps): DeliverMessage {
  // Deliveries being parsed or written now: one alone may be parsed on this thread (ParseHint).
  let working = 0;
  return async (envelope, raw, meta) => {
    working++;
    try {
      return await deliverOne(envelope, raw, meta, working === 1);
    } finally {
      working--;
    }
  };

  async function deliverOne(envelope: Envelope, raw: Buffer, meta: DeliveryMeta, alone: boolean): Promise<DeliveryReport> {
    const started = performance.now();
    const context = { via: meta.via, session: meta.session, from: envelope.from, recipients: envelope.to, size: raw.length };
    const failed = (stage: string, err: unknown): SmtpReplyError => {
      log.error('delivery failed', { ...context, stage, error: describeError(err) });
      return temporaryFailure('Local error in processing, try again later', err);
    };

    let parsed: ParsedMessage;
    try {
      parsed = await parse(raw, undefined, { alone });
    } catch (err) {
      throw failed('parse', err);
    }
    const parsedAt = performance.now();

    // Recipients are resolved again here: an account may have been removed since RCPT TO.
    // Two addresses of one mailbox (alice@, Alice+news@) get one copy.
    const deliveries: Delivery[] = [];
    const recipients: RecipientOutcome[] = [];
    const accounts: Account[] = [];
    try {
      for (const address of envelope.to) {
        const account = await localAccount(store, address);
        recipients.push({ address, delivered: account !== null });
        if (!account || accounts.some((a) => a.id === account.id)) continue;
        accounts.push(account);
        deliveries.push({ accountId: account.id, raw: withMdaHeaders(raw, { returnPath: envelope.from, deliveredTo: address }) });
      }
    } catch (err) {
      throw failed('recipients', err);
    }
    const missing = recipients.find((r) => !r.delivered);
    if (missing && meta.requireAllLocal) throw noSuchUser(missing.address);
    if (deliveries.length === 0) return { recipients, items: [] };

    // The plan runs inside the store's transaction: what it reads is what the commit sees.
    let planned = 0;
    let planFailure: unknown = null;
    let plan: DeliveryPlan | undefined;
    if (schedule && parsed.calendar) {
      try {
        const meetingPlan = schedule({ parsed, calendar: parsed.calendar, envelopeFrom: envelope.from, recipients: accounts });
        if (meetingPlan) {
          plan = {
            uid: meetingPlan.uid,
            plan: (views) => {
              // A failed plan costs no message: the copies go in as plain mail.
              planned = 0;
              planFailure = null;
              try {
                const plans = meetingPlan.plan(views);
                planned = deliveries.filter((d) => plans.has(d.accountId)).length;
                return plans;
              } catch (err) {
                planFailure = err;
                return new Map();
              }
            },
          };
        }
      } catch (err) {
        log.warn('meeting: calendar part not used, delivered as plain mail', { ...context, method: parsed.calendar.method, error: describeError(err) });
      }
    }

    let items: DeliveredItem[];
    const storeAt = performance.now();
    try {
      items = await store.deliver(deliveries, parsed, plan);
    } catch (err) {
      if (planned === 0) throw failed('store', err);
      // What the plan wrote may be what failed (a calendar folder removed meanwhile): the mail
      // itself still goes in, alone. A store that cannot write at all fails here as well (451).
      log.warn('meeting: calendar write failed, delivered as plain mail', { ...context, error: describeError(err) });
      try {
        items = await store.deliver(deliveries, parsed);
        planned = 0;
      } catch (again) {
        throw failed('store', again);
      }
    }
    const committedAt = performance.now();
    // The commit woke the parked requests it concerns (store feed → push registry); their
    // answers are a few microtasks and one write away. The log line and the SMTP reply wait one
    // turn of the event loop so that the phone's answer leaves first: it is what a user waits on.
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Then the full-text entries the commit left out (Store.indexPending). Search writes them
    // first itself, so a failure here costs nothing but this warning.
    try {
      await store.indexPending();
    } catch (err) {
      log.warn('search index: delivered messages indexed later', { ...context, error: describeError(err) });
    }
    if (planFailure !== null && parsed.calendar) {
      log.warn('meeting: calendar part not used, delivered as plain mail', { ...context, method: parsed.calendar.method, error: describeError(planFailure) });
    }
    log.info('delivered', {
      ...context,
      recipients: recipients.filter((r) => r.delivered).map((r) => r.address),
      ms: Math.round((committedAt - started) * 100) / 100,
      parseMs: Math.round((parsedAt - started) * 100) / 100,
      storeMs: Math.round((committedAt - storeAt) * 100) / 100,
      ...(parsed.malformed ? { malformed: true } : {}),
      ...(planned > 0 ? { meetings: planned } : {}),
    });
    return { recipients, items };
  }
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
