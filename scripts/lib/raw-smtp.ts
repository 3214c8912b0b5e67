// A minimal SMTP client on a raw socket: sends exactly the bytes it is given and reads the
// replies, so the crash test can drive many transactions cheaply and the hostile tests can send
// what no well-behaved client would (NUL bytes, bare LF, endless lines).

import net from 'node:net';

export interface SmtpReply {
  code: number;
  /** All lines of the reply, without the code and separators. */
  lines: string[];
}

export class RawSmtp {
  private buffer = '';
  private readonly waiting: Array<{ resolve: (r: SmtpReply) => void; reject: (e: Error) => void }> = [];
  private readonly ready: SmtpReply[] = [];
  private ended: Error | null = null;
  private pending: string[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    const end = (err?: Error) => {
      this.ended ??= err ?? new Error('connection closed');
      for (const w of this.waiting.splice(0)) w.reject(this.ended);
    };
    socket.on('error', end);
    socket.on('close', () => end());
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawSmtp(socket));
      });
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      const m = /^(\d{3})([ -])?(.*)$/.exec(line);
      if (!m) continue;
      this.pending.push(m[3] ?? '');
      if (m[2] === '-') continue;
      const reply = { code: Number(m[1]), lines: this.pending };
      this.pending = [];
      const w = this.waiting.shift();
      if (w) w.resolve(reply);
      else this.ready.push(reply);
    }
  }

  /** The next reply from the server (the greeting first). */
  reply(): Promise<SmtpReply> {
    const r = this.ready.shift();
    if (r) return Promise.resolve(r);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one command line (CRLF added) and waits for its reply. */
  async command(line: string): Promise<SmtpReply> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  get closed(): boolean {
    return this.ended !== null;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** RFC 5321 4.5.2 dot-stuffing plus the terminating "." line; the message must use CRLF. */
export function dataPayload(message: string | Buffer): Buffer {
  const text = Buffer.isBuffer(message) ? message.toString('latin1') : message;
  const stuffed = text.replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1');
}

/** One whole transaction on an open, greeted connection; resolves with the final DATA reply. */
export async function transaction(smtp: RawSmtp, from: string, to: string[], message: string | Buffer): Promise<SmtpReply> {
  const mail = await smtp.command(`MAIL FROM:<${from}>`);
  if (mail.code !== 250) return mail;
  let accepted = 0;
  for (const rcpt of to) if ((await smtp.command(`RCPT TO:<${rcpt}>`)).code === 250) accepted++;
  if (accepted === 0) {
    await smtp.command('RSET');
    return { code: 550, lines: ['no recipient accepted'] };
  }
  const data = await smtp.command('DATA');
  if (data.code !== 354) return data;
  smtp.write(dataPayload(message));
  return smtp.reply();
}

/** Connects, reads the greeting and says EHLO (LHLO for LMTP). */
export async function openSession(port: number, options: { host?: string; lmtp?: boolean } = {}): Promise<RawSmtp> {
  const smtp = await RawSmtp.connect(port, options.host);
  const greeting = await smtp.reply();
  if (greeting.code !== 220) throw new Error(`unexpected greeting ${greeting.code} ${greeting.lines.join(' ')}`);
  const hello = await smtp.command(`${options.lmtp ? 'LHLO' : 'EHLO'} client.test`);
  if (hello.code !== 250) throw new Error(`EHLO refused: ${hello.code}`);
  return smtp;
}
