// What the delivery plugin needs from its host. plugin/ imports store/ only (docs/architecture.md),
// so the logger shape is declared here; eas/'s Logger has the same shape.

import type { ParsedMessage } from '../store/types.js';

export interface DeliveryLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

export type Parse = (raw: Buffer) => Promise<ParsedMessage>;

/** SMTP envelope: MAIL FROM ("" for the null sender) and the RCPT TO addresses, as given. */
export interface Envelope {
  from: string;
  to: string[];
}
