// An independent EAS wire client for the acceptance tests: MS-ASHTTP requests built here from the
// spec (2.2.1.1.1.2 plain query, 2.2.1.1.1.1 base64 query, 2.2.1.1.2 headers), not through
// test/helpers/eas-client.ts. WBXML goes through the project's codec (eas/wbxml) and EVERY
// WBXML answer is also decoded by libwbxml (`wbxml2xml -l ACTIVESYNC`) and compared with ours:
// the answers are recorded so a test can assert that all of them were checked and passed.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decode, encode } from '../../../eas/wbxml/index.js';
import type { WbxmlElement } from '../../../eas/wbxml/tree.js';
import { diffTrees, fromTree, parseLibwbxmlXml } from '../../wbxml/libwbxml.js';

/** MS-ASHTTP 2.2.1.1.1.1.2 command codes. */
export const COMMAND_CODES: Readonly<Record<string, number>> = {
  Sync: 0, SendMail: 1, SmartForward: 2, SmartReply: 3, GetAttachment: 4, FolderSync: 9,
  FolderCreate: 10, FolderDelete: 11, FolderUpdate: 12, MoveItems: 13, GetItemEstimate: 14,
  MeetingResponse: 15, Search: 16, Settings: 17, Ping: 18, ItemOperations: 19, Provision: 20,
  ResolveRecipients: 21, ValidateCert: 22, Find: 23,
};

/** MS-ASHTTP 2.2.1.1.1.1.3 command parameter tags. */
const PARAM_TAGS: Readonly<Record<string, number>> = {
  AttachmentName: 0, CollectionId: 1, ItemId: 3, LongId: 4, Occurrence: 6, Options: 7, User: 8,
};

export interface Base64QueryFields {
  /** "16.1" → byte 161. */
  version: string;
  cmd: string;
  locale?: number;
  /** Raw bytes (Windows Mail sends 16 binary bytes) or text. */
  deviceId: Buffer | string;
  policyKey?: number | null;
  deviceType: string;
  params?: Record<string, string>;
  /** Options bit field (0x01 SaveInSent, 0x02 AcceptMultiPart). */
  options?: number;
  user?: string;
}

/** MS-ASHTTP 2.2.1.1.1.1: the base64-encoded query value. */
export function buildBase64Query(q: Base64QueryFields): string {
  const code = COMMAND_CODES[q.cmd];
  if (code === undefined) throw new Error(`no command code for ${q.cmd}`);
  const parts: Buffer[] = [];
  const lengthPrefixed = (b: Buffer) => parts.push(Buffer.from([b.length]), b);
  parts.push(Buffer.from([Math.round(Number(q.version) * 10), code]));
  const locale = Buffer.alloc(2);
  locale.writeUInt16LE(q.locale ?? 0x0409);
  parts.push(locale);
  lengthPrefixed(Buffer.isBuffer(q.deviceId) ? q.deviceId : Buffer.from(q.deviceId, 'latin1'));
  if (q.policyKey === undefined || q.policyKey === null) lengthPrefixed(Buffer.alloc(0));
  else {
    const pk = Buffer.alloc(4);
    pk.writeUInt32LE(q.policyKey >>> 0);
    lengthPrefixed(pk);
  }
  lengthPrefixed(Buffer.from(q.deviceType, 'utf8'));
  for (const [name, value] of Object.entries(q.params ?? {})) {
    const tag = PARAM_TAGS[name];
    if (tag === undefined) throw new Error(`no parameter tag for ${name}`);
    parts.push(Buffer.from([tag]));
    lengthPrefixed(Buffer.from(value, 'utf8'));
  }
  if (q.options !== undefined) parts.push(Buffer.from([PARAM_TAGS.Options!, 1, q.options]));
  if (q.user !== undefined) {
    parts.push(Buffer.from([PARAM_TAGS.User!]));
    lengthPrefixed(Buffer.from(q.user, 'utf8'));
  }
  return Buffer.concat(parts).toString('base64');
}

/** Reads a base64 query back (to rewrite the PolicyKey of a captured Windows Mail request). */
export function parseBase64Query(value: string): Base64QueryFields & { deviceId: Buffer } {
  const buf = Buffer.from(decodeURIComponent(value), 'base64');
  let pos = 0;
  const byte = () => buf[pos++]!;
  const take = (n: number) => buf.subarray(pos, (pos += n));
  const version = String(byte() / 10);
  const codeByte = byte();
  const cmd = Object.entries(COMMAND_CODES).find(([, c]) => c === codeByte)?.[0] ?? `#${codeByte}`;
  const locale = take(2).readUInt16LE(0);
  const deviceId = Buffer.from(take(byte()));
  const pkBytes = take(byte());
  const policyKey = pkBytes.length === 4 ? pkBytes.readUInt32LE(0) : null;
  const deviceType = take(byte()).toString('utf8');
  const params: Record<string, string> = {};
  let options: number | undefined;
  let user: string | undefined;
  while (pos < buf.length) {
    const tag = byte();
    const value = take(byte());
    if (tag === PARAM_TAGS.Options) options = value[0] ?? 0;
    else if (tag === PARAM_TAGS.User) user = value.toString('utf8');
    else {
      const name = Object.entries(PARAM_TAGS).find(([, t]) => t === tag)?.[0];
      if (name) params[name] = value.toString('utf8');
    }
  }
  return { version, cmd, locale, deviceId, policyKey, deviceType, params, ...(options !== undefined ? { options } : {}), ...(user !== undefined ? { user } : {}) };
}

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Body after gunzip. */
  raw: Buffer;
  /** Our codec's tree of a WBXML body (part 0 of a multipart one); null when empty. */
  body: WbxmlElement | null;
  /** MS-ASCMD 2.2.1.10.1 multipart answer: its parts (part 0 is the WBXML); else []. */
  parts: Buffer[];
}

/** MS-ASCMD 2.2.1.10.1: PartsCount, then (offset, length) per part, all int32 little-endian. */
export function multipartParts(raw: Buffer): Buffer[] {
  const count = raw.readInt32LE(0);
  if (count < 1 || 4 + count * 8 > raw.length) throw new Error(`bad multipart header (${count} parts)`);
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const offset = raw.readInt32LE(4 + i * 8);
    const length = raw.readInt32LE(8 + i * 8);
    if (offset < 4 + count * 8 || offset + length > raw.length) throw new Error(`multipart part ${i} out of bounds`);
    parts.push(raw.subarray(offset, offset + length));
  }
  return parts;
}

/** One libwbxml check of one answer. */
export interface LibwbxmlCheck {
  what: string;
  /** null when libwbxml decoded it and its tree matched ours. */
  problem: string | null;
}

export interface WireRequest {
  method?: 'POST' | 'OPTIONS' | 'GET';
  /** Query string without "?" (plain or base64 form); '' for none. */
  query: string;
  headers?: Record<string, string>;
  body?: Buffer | WbxmlElement | null;
  /** A label for the libwbxml record. */
  what?: string;
}

/**
 * Code page 25 (Find) is the one libwbxml lacks: an answer using it cannot be checked there.
 * Our flows never ask for it; a tree that contains it is recorded as unchecked, not passed.
 */
function usesFindPage(tree: WbxmlElement): boolean {
  return tree.ns === 'Find' || tree.children.some(usesFindPage);
}

/**
 * libwbxml's reading of the bytes, compact and keeping every whitespace (-m 0 -k), so text
 * such as a body's trailing CRLFs compares exactly. Throws when libwbxml refuses the bytes.
 */
export function libwbxmlXml(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'eas-e2e-wbxml-'));
  try {
    const input = join(dir, 'in.wbxml');
    const output = join(dir, 'out.xml');
    writeFileSync(input, bytes);
    execFileSync('wbxml2xml', ['-l', 'ACTIVESYNC', '-m', '0', '-k', '-o', output, input], { stdio: 'pipe' });
    return readFileSync(output, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export class Wire {
  readonly checks: LibwbxmlCheck[] = [];

  constructor(
    readonly port: number,
    readonly path = '/Microsoft-Server-ActiveSync',
  ) {}

  /** Sends one request on its own connection and checks a WBXML answer with libwbxml. */
  async send(req: WireRequest): Promise<WireResponse> {
    const bytes = req.body == null ? Buffer.alloc(0) : Buffer.isBuffer(req.body) ? req.body : Buffer.from(encode(req.body));
    const headers: Record<string, string | number> = { 'Content-Length': bytes.length, 'Accept-Encoding': 'gzip', ...(req.headers ?? {}) };
    const res = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; wire: Buffer }>((resolve, reject) => {
      const r = http.request(
        { host: '127.0.0.1', port: this.port, method: req.method ?? 'POST', path: req.query ? `${this.path}?${req.query}` : this.path, headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, wire: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      r.end(bytes);
    });
    const raw = res.headers['content-encoding'] === 'gzip' && res.wire.length > 0 ? gunzipSync(res.wire) : res.wire;
    const type = String(res.headers['content-type'] ?? '').toLowerCase();
    const what = req.what ?? `${req.method ?? 'POST'} ${req.query.slice(0, 60)}`;
    let body: WbxmlElement | null = null;
    let parts: Buffer[] = [];
    if (/^application\/vnd\.ms-sync\.multipart\b/.test(type)) {
      parts = multipartParts(raw);
      body = decode(parts[0]!);
      this.check(what, parts[0]!, body);
    } else if (/^application\/vnd\.ms-sync(\.wbxml)?\s*(;|$)/.test(type) && raw.length > 0) {
      body = decode(raw);
      this.check(what, raw, body);
    }
    return { status: res.status, headers: res.headers, raw, body, parts };
  }

  private check(what: string, raw: Buffer, ours: WbxmlElement): void {
    if (usesFindPage(ours)) {
      this.checks.push({ what, problem: 'uses code page 25 (Find), which libwbxml lacks' });
      return;
    }
    let xml: string;
    try {
      xml = libwbxmlXml(raw);
    } catch (err) {
      this.checks.push({ what, problem: `wbxml2xml refused it: ${String(err).slice(0, 200)}` });
      return;
    }
    const diff = diffTrees(fromTree(ours), parseLibwbxmlXml(xml));
    this.checks.push({ what, problem: diff ?? null });
  }
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** MS-ASHTTP 2.2.1.1.1.2 plain query. */
export function plainQuery(cmd: string, user: string, deviceId: string, deviceType: string, params: Record<string, string> = {}): string {
  return new URLSearchParams({ Cmd: cmd, User: user, DeviceId: deviceId, DeviceType: deviceType, ...params }).toString();
}
