// The real swaks binary as the SMTP/LMTP client of the tests: what users test mail flows with.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SwaksResult {
  /** swaks's exit code: 0 delivered, 24 no recipient accepted, 26 refused after DATA… */
  code: number;
  stdout: string;
  stderr: string;
}

export function swaks(args: string[], options: { input?: string | Buffer } = {}): Promise<SwaksResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('swaks', ['--timeout', '20', ...args], { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

export interface SendMailOptions {
  port: number;
  host?: string;
  to: string | string[];
  from?: string;
  subject?: string;
  body?: string;
  /** Files to attach (paths). */
  attach?: string[];
  /** Speak LMTP (LHLO, one reply per recipient). */
  lmtp?: boolean;
  /** The whole message as it should go over DATA (a file path prefixed with "@", or text). */
  data?: string;
  /** Extra swaks arguments. */
  args?: string[];
}

export function sendMail(options: SendMailOptions): Promise<SwaksResult> {
  const to = Array.isArray(options.to) ? options.to.join(',') : options.to;
  const args = ['--server', options.host ?? '127.0.0.1', '--port', String(options.port), '--to', to];
  args.push('--from', options.from ?? 'sender@example.org');
  if (options.lmtp) args.push('--protocol', 'LMTP');
  if (options.data !== undefined) args.push('--data', options.data);
  if (options.subject !== undefined) args.push('--header', `Subject: ${options.subject}`);
  if (options.body !== undefined) args.push('--body', options.body);
  for (const file of options.attach ?? []) args.push('--attach', `@${file}`);
  args.push(...(options.args ?? []));
  return swaks(args);
}

/**
 * Sends `message` over SMTP with swaks, byte for byte. swaks turns a literal "\n" of its DATA
 * into a line break (Google writes "\n" into DESCRIPTION), so the message goes as a wire-ready
 * file with --no-data-fixup: CRLF lines, dot-stuffed, "." at the end. Fails unless the server
 * answers 250. Resolves with the bytes the server must have kept (before its MDA headers).
 */
export async function sendWireMessage(port: number, message: Buffer, envelope: { from: string; to: string | string[] }): Promise<Buffer> {
  let text = message.toString('latin1').replace(/\r?\n/g, '\r\n');
  if (!text.endsWith('\r\n')) text += '\r\n';
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-wire-'));
  try {
    const file = join(dir, 'message.eml');
    writeFileSync(file, Buffer.from(`${text.replace(/^\./gm, '..')}.`, 'latin1'));
    const r = await sendMail({ port, from: envelope.from, to: envelope.to, data: `@${file}`, args: ['--no-data-fixup'] });
    if (r.code !== 0 || !/<-  250 2\.6\.0/.test(r.stdout)) throw new Error(`swaks failed (${r.code}): ${r.stdout}${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return Buffer.from(text, 'latin1');
}
