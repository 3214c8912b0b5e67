// Sending to non-local recipients goes through a smarthost, never directly: eas-push is a
// mailbox server, not an MTA. Without --smarthost, EasDeps.relay is null.

import nodemailer from 'nodemailer';
import type { Relay } from '../eas/deps.js';

export interface SmarthostRelay {
  relay: Relay;
  close(): void;
}

export function createSmarthostRelay(url: string): SmarthostRelay {
  const transport = nodemailer.createTransport(url);
  return {
    async relay(envelope, raw) {
      // The raw bytes go out as the phone composed them; the envelope decides who gets them.
      const info = await transport.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw });
      // The Relay contract is all recipients or an error: nodemailer reports a partial refusal
      // as success with `rejected` set, which would half-send the message.
      if (info.rejected.length > 0) {
        throw Object.assign(new Error(`smarthost refused: ${info.rejected.join(', ')}`), { responseCode: 550 });
      }
    },
    close: () => transport.close(),
  };
}
