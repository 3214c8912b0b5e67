// The options of `eas-push serve` and their translation into createServer() options. Kept
// apart from serve.ts so help and the user commands never load the server stack.

import { readFileSync } from 'node:fs';
import type { LogLevel } from '../logger.js';
import { DEFAULTS, type ServerOptions } from '../server-defaults.js';
import { DATA_DIR, DEFAULT_DATA_DIR, STORE } from './common.js';
import { CliError, reasonOf, usageError } from './errors.js';
import type { OptionSpec } from './options.js';
import { byteSize, choice, countOrZero, heartbeatSeconds, listenAddress, logLevel, positiveInteger, publicUrl, smarthostUrl, text, type ListenAddress } from './values.js';

/** "off" turns a listener off (e.g. SMTP when only LMTP is wanted). */
const optionalListen = (raw: string): ListenAddress | null => (raw.trim().toLowerCase() === 'off' ? null : listenAddress(raw));

export const SERVE_OPTIONS: readonly OptionSpec[] = [
  DATA_DIR,
  STORE,
  { name: 'smtp', kind: 'value', metavar: 'HOST:PORT', help: 'SMTP listener, or "off" (default 127.0.0.1:2525)', parse: optionalListen },
  { name: 'lmtp', kind: 'value', metavar: 'HOST:PORT', help: 'LMTP listener (default: off)', parse: optionalListen },
  { name: 'http', kind: 'value', metavar: 'HOST:PORT', help: 'EAS endpoint (default 127.0.0.1:8080)', parse: listenAddress },
  { name: 'tls-cert', kind: 'value', metavar: 'FILE', help: 'PEM certificate: HTTPS, and STARTTLS on SMTP/LMTP', parse: text },
  { name: 'tls-key', kind: 'value', metavar: 'FILE', help: 'PEM private key for --tls-cert', parse: text },
  { name: 'admin', kind: 'value', metavar: 'HOST:PORT', help: 'the operator\'s web console for admin accounts (default: off; see docs/admin.md)', parse: listenAddress },
  { name: 'insecure-http', kind: 'flag', help: 'allow plain HTTP on a non-loopback address (only with a TLS proxy in front)' },
  { name: 'trust-proxy', kind: 'flag', help: 'take client addresses from X-Forwarded-For (only behind your own proxy)' },
  { name: 'public-url', kind: 'value', metavar: 'URL', help: 'https://host phones reach this server at, for Autodiscover (default: from the request)', parse: publicUrl },
  { name: 'heartbeat-min', kind: 'value', metavar: 'S', help: 'shortest Ping heartbeat accepted (default 60)', parse: heartbeatSeconds },
  { name: 'heartbeat-max', kind: 'value', metavar: 'S', help: 'longest Ping heartbeat accepted (default 3540)', parse: heartbeatSeconds },
  { name: 'max-ping-folders', kind: 'value', metavar: 'N', help: 'folders one Ping may watch (default 300)', parse: positiveInteger() },
  { name: 'push-on', kind: 'value', metavar: 'adds|all', help: 'what wakes a parked Ping at once (default adds)', parse: choice(['adds', 'all'] as const) },
  { name: 'max-message-size', kind: 'value', metavar: 'BYTES', help: 'largest message accepted, e.g. 26214400 or 25M (default 25M)', parse: byteSize },
  {
    name: 'durability',
    kind: 'value',
    metavar: 'normal|full',
    help: 'normal survives a process crash (default); full also survives power loss',
    parse: choice(['normal', 'full'] as const),
  },
  { name: 'parse-workers', kind: 'value', metavar: 'N', help: 'threads parsing MIME beside delivery (a message under 32 KB whose delivery is alone is parsed in the main thread); 0 = always the main thread (default: cores - 1, at most 4)', parse: countOrZero(16) },
  {
    name: 'calendar-invitations',
    kind: 'value',
    metavar: 'MODE',
    help: 'mailed invitations enter the calendar: sender-match (default: sent by their organizer), all, off',
    parse: choice(['sender-match', 'all', 'off'] as const),
  },
  { name: 'gal', kind: 'value', metavar: 'domain|all|off', help: 'whose accounts the address book (GAL) shows: the own domain (default), all, or none', parse: choice(['domain', 'all', 'off'] as const) },
  { name: 'smarthost', kind: 'value', metavar: 'URL', help: 'smtp(s)://[user:pass@]host:port for mail to other domains', parse: smarthostUrl },
  { name: 'log-level', kind: 'value', metavar: 'LEVEL', help: 'debug, info, warn, error or silent (default info)', parse: logLevel },
];

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CliError(`cannot read ${flag} ${path}: ${reasonOf(err)}`);
  }
}

export function serveOptions(values: Map<string, unknown>): ServerOptions & { logLevel: LogLevel } {
  const get = <T>(name: string): T | undefined => values.get(name) as T | undefined;
  const certFile = get<string>('tls-cert');
  const keyFile = get<string>('tls-key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw usageError('--tls-cert and --tls-key go together');
  const heartbeatMin = get<number>('heartbeat-min') ?? DEFAULTS.heartbeatMin;
  const heartbeatMax = get<number>('heartbeat-max') ?? DEFAULTS.heartbeatMax;
  if (heartbeatMin > heartbeatMax) throw usageError(`--heartbeat-min (${heartbeatMin}) is above --heartbeat-max (${heartbeatMax})`);
  const smtp = get<ListenAddress | null>('smtp');
  const lmtp = get<ListenAddress | null>('lmtp');
  if (smtp === null && !lmtp) throw usageError('--smtp off needs --lmtp: there would be no way to deliver mail');
  return {
    dataDir: get<string>('data-dir') ?? DEFAULT_DATA_DIR,
    smtp: smtp === undefined ? DEFAULTS.smtp : smtp,
    lmtp: lmtp ?? null,
    http: get<ListenAddress>('http') ?? DEFAULTS.http,
    tls: certFile && keyFile ? { cert: readPem(certFile, '--tls-cert'), key: readPem(keyFile, '--tls-key') } : null,
    heartbeatMin,
    heartbeatMax,
    maxPingFolders: get<number>('max-ping-folders') ?? DEFAULTS.maxPingFolders,
    pushOn: get<'adds' | 'all'>('push-on') ?? DEFAULTS.pushOn,
    maxMessageSize: get<number>('max-message-size') ?? DEFAULTS.maxMessageSize,
    smarthost: get<string>('smarthost') ?? null,
    // Only when given: createServer() owns these defaults.
    ...(values.has('store') ? { store: get<string>('store') } : {}),
    ...(values.has('durability') ? { durability: get<'normal' | 'full'>('durability') } : {}),
    ...(values.has('insecure-http') ? { insecureHttp: true } : {}),
    ...(values.has('trust-proxy') ? { trustProxy: true } : {}),
    ...(values.has('admin') ? { admin: get<ListenAddress>('admin') } : {}),
    ...(values.has('public-url') ? { publicUrl: get<string>('public-url') } : {}),
    ...(values.has('parse-workers') ? { parseWorkers: get<number>('parse-workers') } : {}),
    ...(values.has('gal') ? { gal: get<'domain' | 'all' | 'off'>('gal') } : {}),
    ...(values.has('calendar-invitations') ? { calendarInvitations: get<'sender-match' | 'all' | 'off'>('calendar-invitations') } : {}),
    logLevel: get<LogLevel>('log-level') ?? 'info',
  };
}

