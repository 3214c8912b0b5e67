// Parsers for option values. Each returns the value or throws a plain message naming what
// was expected; options.ts adds which flag or variable it came from.

import { normalizePublicUrl } from '../../eas/autodiscover/public-url.js';
import { LOG_LEVELS, type LogLevel } from '../logger.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export class ValueError extends Error {}

function integer(raw: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim())) throw new ValueError(`expected ${what}`);
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ValueError(`expected ${what} between ${min} and ${max}`);
  return n;
}

/** "HOST:PORT", "[::1]:PORT" or a bare "PORT" (loopback). */
export function listenAddress(raw: string): ListenAddress {
  const text = raw.trim();
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  if (!m) throw new ValueError('expected HOST:PORT');
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '127.0.0.1' : host, port: integer(m[3] ?? '', 'a port', 0, 65535) };
}

export function positiveInteger(max = Number.MAX_SAFE_INTEGER): (raw: string) => number {
  return (raw) => integer(raw, 'a whole number', 1, max);
}

/** A count that may be 0 (0 turns the thing off). */
export function countOrZero(max: number): (raw: string) => number {
  return (raw) => integer(raw, 'a whole number', 0, max);
}

/** Seconds of a Ping/Sync heartbeat: MS-ASCMD caps HeartbeatInterval at 3540. */
export const heartbeatSeconds = (raw: string): number => integer(raw, 'seconds', 1, 3540);

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Bytes, optionally with a binary suffix: 26214400, 25M, 25MiB, 512k. */
export function byteSize(raw: string): number {
  const m = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(raw.trim());
  if (!m) throw new ValueError('expected a size in bytes (e.g. 26214400 or 25M)');
  const bytes = Number(m[1]) * (SIZE_UNITS[(m[2] ?? '').toLowerCase()] ?? 1);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new ValueError('expected a size of at least 1 byte');
  return bytes;
}

export function choice<T extends string>(allowed: readonly T[]): (raw: string) => T {
  return (raw) => {
    const value = raw.trim().toLowerCase();
    if (!(allowed as readonly string[]).includes(value)) throw new ValueError(`expected one of ${allowed.join(', ')}`);
    return value as T;
  };
}

export const logLevel: (raw: string) => LogLevel = choice(LOG_LEVELS);

/** smtp://host:port or smtps://user:pass@host:port, as nodemailer takes it. */
export function smarthostUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ValueError('expected a URL like smtp://host:587');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ValueError('expected an smtp:// or smtps:// URL');
  if (!url.hostname) throw new ValueError('expected a host in the URL');
  return url.toString();
}

/** A URL for the log: the password masked. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** https://host[:port][/prefix] that phones use (Autodiscover); see eas/autodiscover/public-url.ts. */
export function publicUrl(raw: string): string {
  try {
    return normalizePublicUrl(raw);
  } catch (err) {
    throw new ValueError(err instanceof Error ? err.message : String(err));
  }
}

export function text(raw: string): string {
  if (raw === '') throw new ValueError('expected a value');
  return raw;
}
