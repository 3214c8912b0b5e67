// The receiving hook: SMTP or LMTP (RFC 2033) on smtp-server, local delivery only.
// RCPT TO a local mailbox → 250, anything else → 550 5.1.1 (nothing is ever relayed).
// DATA → read → size check → one store transaction → 250 only after COMMIT; a store failure
// → 451 4.3.0 so the sender keeps the message and retries. LMTP answers once per recipient.

import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { Store } from '../store/types.js';
import { createLocalDelivery, type DeliverMessage } from './deliver.js';
import { SmtpReplyError, describeError, noSuchUser } from './errors.js';
import { readMessage } from './read-message.js';
import { localAccount } from './recipients.js';
import type { DeliveryLogger, Parse } from './types.js';

export interface DeliveryServerOptions {
  store: Store;
  parse: Parse;
  /** LMTP instead of SMTP: LHLO, and one reply per recipient after DATA. */
  lmtp?: boolean;
  /** Advertised (SIZE) and enforced (552) limit of one message, in bytes. */
  maxMessageSize: number;
  /** Name in the greeting; defaults to the machine's host name. */
  hostname?: string;
  log: DeliveryLogger;
  /** Offers STARTTLS with this certificate. */
  tls?: { cert: Buffer; key: Buffer };
  /** The delivery path to use; built from store/parse/log when absent. */
  deliver?: DeliverMessage;
  /** Grace given to connections still open at close(), in ms (default 10 s). */
  closeTimeoutMs?: number;
}

export interface DeliveryServer {
  readonly protocol: 'smtp' | 'lmtp';
  readonly smtp: SMTPServer;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, lets messages already in DATA finish, then closes every connection. */
  close(): Promise<void>;
}

const MAX_RECIPIENTS = 1000;

function envelopeOf(session: SMTPServerSession): { from: string; to: string[] } {
  const mailFrom = session.envelope.mailFrom;
  return { from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) };
}

export function createDeliveryServer(options: DeliveryServerOptions): DeliveryServer {
  const { store, log, maxMessageSize } = options;
  const protocol = options.lmtp ? 'lmtp' : 'smtp';
  const deliver = options.deliver ?? createLocalDelivery({ store, parse: options.parse, log });
  const inFlight = new Set<Promise<unknown>>();

  async function onRcptTo(address: string): Promise<void> {
    let account;
    try {
      account = await localAccount(store, address);
    } catch (err) {
      log.error('recipient lookup failed', { via: protocol, address, error: describeError(err) });
      throw new SmtpReplyError(451, 'Local error in processing, try again later');
    }
    if (!account) {
      log.info('recipient rejected', { via: protocol, address });
      throw noSuchUser(address);
    }
  }

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string | Array<string | Error>> {
    const raw = await readMessage(stream, maxMessageSize);
    // smtp-server answers 552 itself for an oversized message (rejectOversized); the error
    // here makes sure nothing is stored even if that ever changes.
    if (stream.sizeExceeded) {
      log.info('message rejected', { via: protocol, session: session.id, reason: 'size', limit: maxMessageSize });
      throw new SmtpReplyError(552, `Message exceeds fixed maximum message size ${maxMessageSize}`);
    }
    const report = await deliver(envelopeOf(session), raw, { via: protocol, session: session.id });
    if (options.lmtp) {
      return report.recipients.map((r) => (r.delivered ? `<${r.address}> delivered` : noSuchUser(r.address)));
    }
    if (!report.recipients.some((r) => r.delivered)) throw noSuchUser(report.recipients[0]?.address ?? '');
    return 'Delivered';
  }

  const smtpOptions: SMTPServerOptions = {
    lmtp: options.lmtp ?? false,
    name: options.hostname,
    banner: 'eas-push',
    size: maxMessageSize,
    rejectOversized: true,
    maxRecipients: MAX_RECIPIENTS,
    hideENHANCEDSTATUSCODES: false,
    disableReverseLookup: true,
    authOptional: true,
    // Local delivery needs no login; STARTTLS only when there is a certificate to offer.
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    logger: false,
    closeTimeout: options.closeTimeoutMs ?? 10_000,
    ...(options.tls ? { cert: options.tls.cert, key: options.tls.key } : {}),
    onRcptTo(address, _session, callback) {
      onRcptTo(address.address).then(() => callback(), callback);
    },
    onData(stream, session, callback) {
      const work = onData(stream, session).then(
        (message) => callback(null, message),
        (err: unknown) => {
          if (!(err instanceof SmtpReplyError)) log.error('delivery failed', { via: protocol, session: session.id, error: describeError(err) });
          callback(err instanceof SmtpReplyError ? err : new SmtpReplyError(451, 'Local error in processing, try again later'));
        },
      );
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
  };
  const smtp = new SMTPServer(smtpOptions);
  // A listener must always exist (an unhandled 'error' event would crash the process); a
  // failure to bind is reported by listen() instead, so it is not logged twice.
  smtp.on('error', (err) => {
    if (smtp.server.listening) log.warn('connection error', { via: protocol, error: describeError(err) });
  });

  return {
    protocol,
    smtp,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onError = (err: Error): void => reject(err);
        smtp.server.once('error', onError);
        smtp.listen(port, host, () => {
          smtp.server.off('error', onError);
          resolve(smtp.server.address() as AddressInfo);
        });
      });
    },
    async close() {
      if (!smtp.server.listening) return;
      const closed = new Promise<void>((resolve) => smtp.close(() => resolve()));
      // Messages already in DATA get their answer; every other connection gets 421 now
      // rather than at the close timeout (an idle MTA connection would hold it that long).
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      for (const connection of smtp.connections) {
        connection.send(421, 'Server shutting down');
        connection.close();
      }
      await closed;
    },
  };
}
