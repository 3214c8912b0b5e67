// What the delivery plugin needs from its host. plugin/ imports store/ only (docs/architecture.md),
// so the logger shape is declared here; eas/'s Logger has the same shape.

import type { Account, DeliveryPlan, DocWrite, ParsedMessage } from '../store/types.js';
import type { ParseHint } from './parse.js';

export interface DeliveryLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

/** plugin/parse.ts ParseMessage's shape: delivery passes no receivedAt (now) and its ParseHint. */
export type Parse = (raw: Buffer, receivedAt?: Date, hint?: ParseHint) => Promise<ParsedMessage>;

/** SMTP envelope: MAIL FROM ("" for the null sender) and the RCPT TO addresses, as given. */
export interface Envelope {
  from: string;
  to: string[];
}

/**
 * A message about a meeting (RFC 6047 iMIP: an invitation, a cancellation, a reply) and where it
 * goes: what the delivery's `schedule` hook is given. Only messages with a calendar part
 * (ParsedMessage.calendar) are planned.
 */
export interface ScheduleInput {
  parsed: ParsedMessage;
  /** The calendar part (ParsedMessage.calendar, never null here). */
  calendar: { method: string | null; text: string };
  /** MAIL FROM ("" for the null sender). */
  envelopeFrom: string;
  /** The local accounts the message is delivered to, one per mailbox. */
  recipients: readonly Account[];
}

/** What one recipient's copy carries besides the message (see Delivery.meeting / Delivery.docs). */
export interface SchedulePlan {
  meeting?: unknown;
  docs?: DocWrite[];
}

/**
 * Plans the calendar side of a delivery. Reads the message only and returns the plan the store
 * runs inside the delivery's one transaction, per recipient account (an account absent from
 * what the plan returns gets plain mail), so what the plan read of the store is what the commit
 * sees (store/types.ts DeliveryPlan); null: plain mail for everyone. Throws when the calendar
 * part cannot be used as a whole; what the plan throws is caught by the delivery: the message
 * is then delivered as ordinary mail. eas/imip implements it (plugin/ never imports eas/: the
 * composition root passes it in).
 */
export type Schedule = (input: ScheduleInput) => DeliveryPlan | null;
