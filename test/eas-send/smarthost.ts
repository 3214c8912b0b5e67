// A second SMTP server on port 0 standing in for the smarthost: it records what it receives.
// A recipient listed in `refuse` gets 550 at RCPT TO, as a real smarthost would.

import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface RelayedMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface Smarthost {
  port: number;
  received: RelayedMessage[];
  close(): Promise<void>;
}

export async function startSmarthost(options: { refuse?: string[] } = {}): Promise<Smarthost> {
  const received: RelayedMessage[] = [];
  const refuse = new Set((options.refuse ?? []).map((a) => a.toLowerCase()));
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address.toLowerCase())) {
        const err = Object.assign(new Error('no such user here'), { responseCode: 550 });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
