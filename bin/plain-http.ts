// Basic auth sends the password with every request: over plain HTTP on a network address it
// would cross the network in clear. Such a configuration is refused at start, in one line that
// names both fixes, unless the operator says a TLS proxy sits in front (--insecure-http).

import { isIP } from 'node:net';
import type { ListenAddress } from './server-defaults.js';

export class PlainHttpRefused extends Error {
  constructor(at: ListenAddress) {
    const host = at.host.includes(':') ? `[${at.host}]` : at.host;
    super(
      `refusing plain HTTP on ${host}:${at.port}: passwords would cross the network in clear; ` +
        'give --tls-cert and --tls-key, or --insecure-http if a TLS proxy is in front',
    );
    this.name = 'PlainHttpRefused';
  }
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return isIP(h) === 6 && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(h);
}

export function checkPlainHttp(at: ListenAddress, tls: boolean, insecureHttp: boolean): void {
  if (tls || insecureHttp || isLoopback(at.host)) return;
  throw new PlainHttpRefused(at);
}
