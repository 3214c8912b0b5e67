// A raw SMTP client for benchmarks: one connection kept for many messages (the server waits
// 100 ms before its greeting, so a connection per message would measure that), messages handed
// over as ready-made wire bytes so the client spends as little CPU as possible on the 2 cores it
// shares with the server. The push bench also needs the end of DATA exposed, to time latency
// from the last byte: startData/endData.

import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface SmtpReply {
  code: number;
  text: string;
}

/** Message bytes as they go after DATA: CRLF lines, dot-stuffed, ending in CRLF "." CRLF. */
export function toWire(message: Buffer | string): Buffer {
  const text = typeof message === 'string' ? message : message.toString('latin1');
  const crlf = text.replace(/\r?\n/g, '\r\n');
  const stuffed = crlf.replace(/^\./gm, '..');
  return Buffer.from(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1');
}

export class SmtpConnection {
  private readonly socket: net.Socket;
  private buffer = '';
  private lines: string[] = [];
  private readonly replies: SmtpReply[] = [];
  private readonly waiting: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    const fail = (err: Error): void => {
      this.failure ??= err;
      for (const w of this.waiting.splice(0)) w.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('SMTP connection closed')));
  }

  static async open(host: string, port: number): Promise<SmtpConnection> {
    const socket = net.connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const conn = new SmtpConnection(socket);
    expect(await conn.reply(), 220, 'greeting');
    socket.write('EHLO bench.localhost\r\n');
    expect(await conn.reply(), 250, 'EHLO');
    return conn;
  }

  /** MAIL, RCPT and DATA, then the message (`toWire`); resolves with the final reply. */
  async send(from: string, to: string, wire: Buffer): Promise<SmtpReply> {
    await this.startData(from, to);
    return this.endData(wire).reply;
  }

  /** MAIL, RCPT and DATA pipelined (RFC 2920); resolves once the server is ready for the message (354). */
  async startData(from: string, to: string): Promise<void> {
    this.socket.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
    expect(await this.reply(), 250, 'MAIL');
    expect(await this.reply(), 250, 'RCPT');
    expect(await this.reply(), 354, 'DATA');
  }

  /**
   * Writes the message (`toWire`) after startData. `dataEnd` is when its final "." went to the
   * socket (performance.now()); `reply` is the server's verdict on it.
   */
  endData(wire: Buffer): { dataEnd: number; reply: Promise<SmtpReply> } {
    const reply = this.reply();
    this.socket.write(wire);
    return { dataEnd: performance.now(), reply };
  }

  async quit(): Promise<void> {
    if (!this.failure) {
      this.socket.write('QUIT\r\n');
      await this.reply().catch(() => undefined);
    }
    this.socket.destroy();
  }

  private reply(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
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
      if (waiter) waiter.resolve(reply);
      else this.replies.push(reply);
    }
  }
}

function expect(reply: SmtpReply, code: number, what: string): void {
  if (reply.code !== code) throw new Error(`SMTP ${what}: expected ${code}, got ${reply.code} ${reply.text}`);
}
