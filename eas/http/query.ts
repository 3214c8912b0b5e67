// MS-ASHTTP 2.2.1.1.1 request URI: the plain text query (2.2.1.1.1.2:
// ?Cmd=&User=&DeviceId=&DeviceType=&…) and the base64-encoded query (2.2.1.1.1.1) that
// Nine and Windows Mail send. Both become one EasQuery; anything malformed is a 400.

import type { IncomingHttpHeaders } from 'node:http';
import type { EasQuery } from '../commands/types.js';
import { EasHttpError } from './errors.js';
import { parseProtocolVersion, versionFromByte } from './version.js';

/** MS-ASHTTP 2.2.1.1.1.1.2 command codes. */
export const COMMAND_CODES: Readonly<Record<number, string>> = {
  0: 'Sync', 1: 'SendMail', 2: 'SmartForward', 3: 'SmartReply', 4: 'GetAttachment',
  9: 'FolderSync', 10: 'FolderCreate', 11: 'FolderDelete', 12: 'FolderUpdate', 13: 'MoveItems',
  14: 'GetItemEstimate', 15: 'MeetingResponse', 16: 'Search', 17: 'Settings', 18: 'Ping',
  19: 'ItemOperations', 20: 'Provision', 21: 'ResolveRecipients', 22: 'ValidateCert', 23: 'Find',
};

/** MS-ASHTTP 2.2.1.1.1.1.3 command parameter tags (7 Options and 8 User handled apart). */
const PARAM_TAGS: Readonly<Record<number, string>> = {
  0: 'AttachmentName', 1: 'CollectionId', 3: 'ItemId', 4: 'LongId', 6: 'Occurrence',
};

const OPTION_SAVE_IN_SENT = 0x01;
const OPTION_ACCEPT_MULTIPART = 0x02;

const MAX_ID_LENGTH = 128;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parsePolicyKeyHeader(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  const s = raw.trim();
  if (!/^\d{1,10}$/.test(s) || Number(s) > 0xffffffff) throw new EasHttpError(400, 'malformed X-MS-PolicyKey');
  return Number(s);
}

function checkId(name: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (value.length > MAX_ID_LENGTH || /[\x00-\x1f\x7f]/.test(value)) {
    throw new EasHttpError(400, `malformed ${name}`);
  }
  return value;
}

/** True when the query string is the base64 form (it never has "Cmd=" or "&"). */
export function isBase64Query(search: string): boolean {
  const q = search.startsWith('?') ? search.slice(1) : search;
  if (q === '' || q.includes('&') || /(^|&)cmd=/i.test(q)) return false;
  return /^[A-Za-z0-9+/_%-]+=*$/.test(q) || /^[A-Za-z0-9+/_%-]+(%3D)*$/i.test(q);
}

export function parseQuery(search: string, headers: IncomingHttpHeaders): EasQuery {
  const q = search.startsWith('?') ? search.slice(1) : search;
  return isBase64Query(q) ? parseBase64Query(q, headers) : parsePlainQuery(q, headers);
}

function parsePlainQuery(q: string, headers: IncomingHttpHeaders): EasQuery {
  let sp: URLSearchParams;
  try {
    sp = new URLSearchParams(q);
  } catch {
    throw new EasHttpError(400, 'malformed query string');
  }
  // Parameter names are matched case-insensitively: some clients send "deviceId".
  const named: Record<string, string> = {};
  const params: Record<string, string> = {};
  for (const [k, v] of sp) {
    const key = k.toLowerCase();
    if (['cmd', 'user', 'deviceid', 'devicetype'].includes(key)) named[key] = v;
    else params[k] = v;
  }
  const cmd = named.cmd?.trim();
  if (!cmd) throw new EasHttpError(400, 'missing Cmd');
  const deviceId = named.deviceid?.trim();
  if (!deviceId) throw new EasHttpError(400, 'missing DeviceId');
  const saveInSent = (params.SaveInSent ?? '').toUpperCase() === 'T';
  return {
    cmd,
    user: named.user ?? null,
    deviceId: checkId('DeviceId', deviceId),
    deviceType: checkId('DeviceType', named.devicetype?.trim() || 'Unknown'),
    params,
    protocolVersion: parseProtocolVersion(header(headers, 'ms-asprotocolversion')),
    policyKey: parsePolicyKeyHeader(header(headers, 'x-ms-policykey')),
    saveInSent,
    acceptMultiPart: (header(headers, 'ms-asacceptmultipart') ?? '').toUpperCase() === 'T',
  };
}

/** Reads length-prefixed fields; any overrun is a malformed query. */
class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  byte(): number {
    if (this.pos >= this.buf.length) throw new EasHttpError(400, 'truncated base64 query');
    return this.buf[this.pos++]!;
  }
  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new EasHttpError(400, 'truncated base64 query');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  lengthPrefixed(): Buffer {
    return this.bytes(this.byte());
  }
}

/** Device IDs are strings for most clients and 16 raw bytes for Windows Mail (kept as hex). */
function deviceIdFrom(bytes: Buffer): string {
  const printable = bytes.length > 0 && bytes.every((b) => b >= 0x21 && b <= 0x7e);
  return printable ? bytes.toString('latin1') : bytes.toString('hex');
}

function parseBase64Query(q: string, headers: IncomingHttpHeaders): EasQuery {
  let text: string;
  try {
    text = decodeURIComponent(q);
  } catch {
    throw new EasHttpError(400, 'malformed base64 query');
  }
  const buf = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (buf.length < 6) throw new EasHttpError(400, 'truncated base64 query');
  const r = new Reader(buf);
  const protocolVersion = parseProtocolVersion(versionFromByte(r.byte()));
  const code = r.byte();
  const cmd = COMMAND_CODES[code] ?? `#${code}`;
  const locale = r.bytes(2).readUInt16LE(0);
  const deviceIdBytes = r.lengthPrefixed();
  if (deviceIdBytes.length === 0) throw new EasHttpError(400, 'missing DeviceId');
  const policyKeyBytes = r.lengthPrefixed();
  let policyKey: number | null = null;
  if (policyKeyBytes.length === 4) policyKey = policyKeyBytes.readUInt32LE(0);
  else if (policyKeyBytes.length !== 0) throw new EasHttpError(400, 'malformed policy key in base64 query');
  const deviceType = r.lengthPrefixed().toString('utf8');
  const params: Record<string, string> = { Locale: String(locale) };
  let user: string | null = null;
  let options = 0;
  while (!r.done) {
    const tag = r.byte();
    const value = r.lengthPrefixed();
    if (tag === 7) options = value.length > 0 ? value[0]! : 0;
    else if (tag === 8) user = value.toString('utf8');
    else {
      const name = PARAM_TAGS[tag];
      // Unknown tags (older drafts' CollectionName, ParentId) are skipped, not fatal.
      if (name) params[name] = value.toString('utf8');
    }
  }
  return {
    cmd,
    user,
    deviceId: checkId('DeviceId', deviceIdFrom(deviceIdBytes)),
    deviceType: checkId('DeviceType', deviceType.trim() || 'Unknown'),
    params,
    protocolVersion,
    policyKey,
    saveInSent: (options & OPTION_SAVE_IN_SENT) !== 0,
    acceptMultiPart: (options & OPTION_ACCEPT_MULTIPART) !== 0,
  };
}
