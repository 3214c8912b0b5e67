// A raw SMTP session kept open for many messages (the bench must not pay smtp-server's greeting
// delay per message), with the end of DATA exposed so latency is timed from the last byte.

import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface SmtpReply {
  code: number;
  text: string;
}

export class SmtpSession {
  private readonly socket: net.Socket;
  private buffer = '';
  private lines: string[] = [];
  private readonly replies: SmtpReply[] = [];
  private readonly waiting: ((r: SmtpReply) => void)[] = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
  }

  static async connect(host: string, port: number): Promise<SmtpSession> {
    const socket = net.connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const session = new SmtpSession(socket);
    session.expect(await session.reply(), 220);
    session.socket.write('EHLO bench.localhost\r\n');
    session.expect(await session.reply(), 250);
    return session;
  }

  /**
   * Sends MAIL/RCPT/DATA (pipelined), waits for 354, then `beforeBody` (the bench waits for
   * the Ping to be parked there), writes the message and returns the time the final ".\r\n"
   * was handed to the socket and the server's final reply.
   */
  async send(
    from: string,
    to: string,
    message: string,
    beforeBody: () => Promise<void>,
  ): Promise<{ dataEnd: number; reply: Promise<SmtpReply> }> {
    this.socket.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
    this.expect(await this.reply(), 250);
    this.expect(await this.reply(), 250);
    this.expect(await this.reply(), 354);
    await beforeBody();
    const body = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    const final = this.reply();
    this.socket.write(`${body}\r\n.\r\n`);
    const dataEnd = performance.now();
    return { dataEnd, reply: final };
  }

  async quit(): Promise<void> {
    this.socket.write('QUIT\r\n');
    await this.reply().catch(() => undefined);
    this.socket.destroy();
  }

  private expect(reply: SmtpReply, code: number): void {
    if (reply.code !== code) throw new Error(`SMTP: expected ${code}, got ${reply.code} ${reply.text}`);
  }

  private reply(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 2);
      this.lines.push(line);
      // "250-" continues a multi-line reply; "250 " ends it.
      if (line.length >= 4 && line[3] === '-') continue;
      const reply = { code: Number(line.slice(0, 3)), text: this.lines.join('\n') };
      this.lines = [];
      const waiter = this.waiting.shift();
      if (waiter) waiter(reply);
      else this.replies.push(reply);
    }
  }
}
