// Fuzz case generators: seeded (so a failure can be replayed), structure-aware (mutations of
// real client requests reach the command handlers, not only the WBXML decoder), and covering
// the request line, the headers and SMTP as well as the body.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createCommands } from '../../eas/commands/index.js';
import { decode } from '../../eas/wbxml/index.js';

/** mulberry32: small, fast, good enough to pick mutations, and replayable from a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Seed {
  cmd: string;
  body: Buffer;
}

/** Every request WBXML under test/fixtures, with its command read from the root element. */
export function loadSeeds(root: string): Seed[] {
  const seeds: Seed[] = [];
  const commandNames = new Set(Object.keys(createCommands()));
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.wbxml') && !name.includes('.res.')) {
        const body = readFileSync(path);
        try {
          const cmd = decode(body).name.replace(/^.*:/, '');
          if (commandNames.has(cmd)) seeds.push({ cmd, body });
        } catch {
          // not a decodable request: not a useful seed
        }
      }
    }
  };
  walk(root);
  return seeds;
}

type Rng = () => number;
const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)]!;

/** WBXML global tokens and tag flags: mutations that hit the decoder's branches. */
const TOKENS = [0x00, 0x01, 0x02, 0x03, 0x04, 0x40, 0x41, 0x42, 0x43, 0x44, 0x80, 0x81, 0x82, 0x83, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xff, 0x7f];

export function mutate(r: Rng, input: Buffer): Buffer {
  let b = Buffer.from(input);
  const rounds = 1 + int(r, 4);
  for (let i = 0; i < rounds; i++) {
    const at = b.length === 0 ? 0 : int(r, b.length);
    switch (int(r, 8)) {
      case 0: // flip a bit
        if (b.length) b[at] = b[at]! ^ (1 << int(r, 8));
        break;
      case 1: // set a byte to a token
        if (b.length) b[at] = pick(r, TOKENS);
        break;
      case 2: // insert tokens
        b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(r, 6) }, () => pick(r, TOKENS))), b.subarray(at)]);
        break;
      case 3: // delete a run
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(r, 16)))]);
        break;
      case 4: // truncate
        b = b.subarray(0, at);
        break;
      case 5: { // duplicate a chunk (repeated elements, collections, ids)
        const len = 1 + int(r, 64);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
        break;
      }
      case 6: // a digit changed (ids, sync keys, counts)
        for (let j = at; j < b.length; j++) {
          if (b[j]! >= 0x30 && b[j]! <= 0x39) {
            b[j] = 0x30 + int(r, 10);
            break;
          }
        }
        break;
      default: // random byte
        if (b.length) b[at] = int(r, 256);
    }
  }
  return b;
}

export interface HttpCase {
  kind: 'http';
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Bad credentials come from another loopback address, so only that address gets throttled. */
  badAuth: boolean;
}

export interface SmtpCase {
  kind: 'smtp';
  /** Raw bytes to send after EHLO (commands and possibly DATA). */
  script: Buffer;
}

export type FuzzCase = HttpCase | SmtpCase;

const VERSIONS = ['12.1', '14.0', '14.1', '16.0', '16.1', '', '2.5', '16.1 ', '1e1', '99'];
const TYPES = ['application/vnd.ms-sync.wbxml', 'application/vnd.ms-sync', 'message/rfc822', 'text/plain', '', 'application/vnd.ms-sync.wbxml; charset=\u00ff'];
const PARAMS = ['ItemId', 'CollectionId', 'AttachmentName', 'LongId', 'Occurrence', 'SaveInSent', 'Options'];
const ID_VALUES = ['1', '0', '-1', '1:1', '99999999999999999999', '2:', ':', '%00', 'abc', '1%3A2', 'x'.repeat(300), '\u00e9'];

function randomQuery(r: Rng, cmd: string, deviceId: string): string {
  const q = new URLSearchParams({ Cmd: cmd, User: 'fuzz', DeviceId: deviceId, DeviceType: 'Fuzzer' });
  if (r() < 0.3) q.set(pick(r, PARAMS), pick(r, ID_VALUES));
  if (r() < 0.05) q.delete(pick(r, ['Cmd', 'DeviceId', 'DeviceType', 'User']));
  return q.toString();
}

function base64Query(r: Rng): string {
  // A plausible head (version, command code, locale) followed by random length-prefixed fields.
  const head = [pick(r, [121, 140, 141, 160, 161, 0, 255]), int(r, 25), 0x09, 0x04];
  const tail = Array.from({ length: int(r, 40) }, () => int(r, 256));
  return encodeURIComponent(Buffer.from([...head, ...tail]).toString('base64'));
}

export interface CaseFactoryOptions {
  seeds: Seed[];
  user: string;
  password: string;
  /** Share of SMTP cases (0..1). */
  smtpShare: number;
  recipient: string;
}

export function createCaseFactory(r: Rng, o: CaseFactoryOptions): () => FuzzCase {
  const auth = `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}`;
  const commands = Object.keys(createCommands());
  const devices = Array.from({ length: 6 }, (_, i) => `FUZZDEV${i}`);

  const http = (): HttpCase => {
    const seed = pick(r, o.seeds);
    const roll = r();
    let cmd = seed.cmd;
    let body: Buffer;
    if (roll < 0.6) body = mutate(r, seed.body);
    else if (roll < 0.7) body = seed.body;
    else if (roll < 0.8) {
      cmd = pick(r, commands);
      body = mutate(r, pick(r, o.seeds).body);
    } else if (roll < 0.9) {
      cmd = pick(r, commands);
      body = Buffer.from(Array.from({ length: int(r, 512) }, () => int(r, 256)));
    } else {
      cmd = pick(r, [...commands, 'Bogus', '', 'sync', '\u0000']);
      body = r() < 0.5 ? Buffer.alloc(0) : mutate(r, seed.body);
    }
    const headers: Record<string, string> = { 'Content-Type': pick(r, TYPES.slice(0, 2)) };
    if (r() < 0.1) headers['Content-Type'] = pick(r, TYPES);
    const badAuth = r() >= 0.95;
    if (!badAuth) headers.Authorization = auth;
    else headers.Authorization = pick(r, ['Basic', 'Basic !!!', `Basic ${Buffer.from(`${o.user}:wrong`).toString('base64')}`, 'Bearer x']);
    headers['MS-ASProtocolVersion'] = r() < 0.9 ? pick(r, VERSIONS.slice(0, 5)) : pick(r, VERSIONS);
    if (r() < 0.2) headers['X-MS-PolicyKey'] = pick(r, ['0', '1', '4294967295', '4294967296', 'x', '']);
    if (r() < 0.05) headers['Accept-Encoding'] = 'gzip';
    const path = r() < 0.1 ? `/Microsoft-Server-ActiveSync?${base64Query(r)}` : `/Microsoft-Server-ActiveSync?${randomQuery(r, cmd, pick(r, devices))}`;
    const method = r() < 0.03 ? pick(r, ['GET', 'PUT', 'OPTIONS', 'DELETE']) : 'POST';
    return { kind: 'http', method, path, headers, body, badAuth };
  };

  const smtpMessage = (): Buffer => {
    const base = Buffer.from(
      `From: fuzz@example.org\r\nTo: ${o.recipient}\r\nSubject: fuzz ${int(r, 1e9)}\r\nMIME-Version: 1.0\r\n` +
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n' +
        '--b\r\nContent-Type: application/octet-stream; name="a.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b--\r\n',
      'latin1',
    );
    // Keep the terminator out of the mutated part: a stray "\r\n.\r\n" would just end DATA early.
    return Buffer.from(mutate(r, base).toString('latin1').replace(/\r\n\./g, '\r\n..'), 'latin1');
  };

  const smtp = (): SmtpCase => {
    const lines: Array<string | Buffer> = [];
    const roll = r();
    if (roll < 0.6) {
      lines.push('MAIL FROM:<fuzz@example.org>\r\n', `RCPT TO:<${o.recipient}>\r\n`, 'DATA\r\n', smtpMessage(), '\r\n.\r\n');
    } else if (roll < 0.8) {
      const cmds = ['MAIL FROM:<a@b>', `RCPT TO:<${o.recipient}>`, 'DATA', 'RSET', 'NOOP', 'VRFY x', 'HELP', 'BDAT 10', 'AUTH PLAIN', 'STARTTLS', 'XCLIENT ADDR=1.2.3.4'];
      for (let i = 0; i < 1 + int(r, 5); i++) lines.push(Buffer.concat([mutate(r, Buffer.from(pick(r, cmds))), Buffer.from('\r\n')]));
      lines.push('RSET\r\n');
    } else {
      lines.push(Buffer.from(Array.from({ length: 1 + int(r, 200) }, () => int(r, 256))), '\r\nRSET\r\n');
    }
    return { kind: 'smtp', script: Buffer.concat(lines.map((l) => (Buffer.isBuffer(l) ? l : Buffer.from(l, 'latin1')))) };
  };

  return () => (r() < o.smtpShare ? smtp() : http());
}
