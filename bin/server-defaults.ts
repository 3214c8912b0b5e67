// What createServer() takes and returns, and the defaults of the runtime contract
// (docs/architecture.md): types and data only, so the CLI can use them without loading servers.

import type { AddressInfo } from 'node:net';
import type { ItemClass } from '../eas/classes/types.js';
import type { EasDeps } from '../eas/deps.js';
import type { Logger } from '../eas/log.js';
import type { LoginThrottleOptions } from '../eas/http/login-throttle.js';
import type { EasHttpServerOptions } from '../eas/http/server.js';
import type { PushRegistry } from '../eas/push/types.js';
import type { Store } from '../store/types.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface ServerOptions {
  dataDir: string;
  /** The store (store/open.ts): sqlite:PATH, a path, or postgres://…; default the data directory's file. */
  store?: string;
  /** SMTP listener; null turns SMTP off. Default 127.0.0.1:2525. */
  smtp?: ListenAddress | null;
  /** LMTP listener; off unless given. */
  lmtp?: ListenAddress | null;
  /** EAS over HTTP(S). Default 127.0.0.1:8080. */
  http?: ListenAddress;
  /** HTTPS for EAS and STARTTLS for SMTP/LMTP. */
  tls?: { cert: Buffer; key: Buffer } | null;
  heartbeatMin?: number;
  heartbeatMax?: number;
  maxPingFolders?: number;
  pushOn?: 'adds' | 'all';
  maxParkedPerAccount?: number;
  maxMessageSize?: number;
  /** Worker threads for the MIME parse at delivery; 0 parses on the main thread. Default: cores - 1, at most 4. */
  parseWorkers?: number;
  /** Script the worker threads start from (the single binary's bundle); default each worker's module beside its starter. */
  workerEntry?: string;
  /** WAL checkpoints on a worker thread instead of inside commits (docs/store.md). Default true. */
  checkpointWorker?: boolean;
  /** smtp(s):// URL for mail to non-local recipients; null = such mail is refused. */
  smarthost?: string | null;
  enforceProvisioning?: boolean;
  /** Name in the SMTP greeting and the EAS server name. */
  hostname?: string;
  /** 'full' also survives power loss (SQLite synchronous=FULL); 'normal' survives a crash. */
  durability?: 'normal' | 'full';
  /**
   * Allow plain HTTP on a non-loopback address (a TLS-terminating proxy in front). Without it,
   * createServer() refuses to start rather than take passwords in clear over the network.
   */
  insecureHttp?: boolean;
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy?: boolean;
  /** Base URL phones reach the EAS endpoint at (Autodiscover answers); default: from the request. */
  publicUrl?: string | null;
  /** EAS HTTP server limits; tests shorten the timeouts. */
  httpLimits?: EasHttpServerOptions['timeouts'] & { maxHeaderBytes?: number };
  /** Failed-login throttle settings (eas/http/login-throttle.ts defaults when absent). */
  loginThrottle?: LoginThrottleOptions;
  log?: Logger;
  /** Item classes served besides the default ones (a test registers its own: docs/classes.md). */
  extraClasses?: readonly ItemClass[];
  /**
   * Meeting messages by mail (README "Meetings by mail"): 'sender-match' places an invitation in
   * the calendar only when its ORGANIZER is the envelope sender or the From address; 'all' trusts
   * every one; 'off' delivers them as plain mail. Default 'sender-match'.
   */
  calendarInvitations?: 'sender-match' | 'all' | 'off';
  /**
   * The operator's console (docs/admin.md), off unless given; like EAS, plain HTTP only on
   * loopback unless tls or insecureHttp.
   */
  admin?: ListenAddress | null;
  /** How often open console pages refresh without a push event (ms); tests shorten it. Default 5000. */
  adminTickMs?: number;
  /** Which accounts the GAL shows a user: their own domain's (default), every account, or none. */
  gal?: 'domain' | 'all' | 'off';
}

export interface RunningServer {
  store: Store;
  push: PushRegistry;
  deps: EasDeps;
  smtp: AddressInfo | null;
  lmtp: AddressInfo | null;
  http: AddressInfo;
  /** The operator's console, when --admin was given. */
  admin?: AddressInfo | null;
  /** Stops accepting, answers parked requests, finishes deliveries in DATA, closes the DB. */
  close(): Promise<void>;
}

export const DEFAULTS = {
  smtp: { host: '127.0.0.1', port: 2525 },
  http: { host: '127.0.0.1', port: 8080 },
  heartbeatMin: 60,
  heartbeatMax: 3540,
  maxPingFolders: 300,
  pushOn: 'adds',
  maxParkedPerAccount: 50,
  maxMessageSize: 25 * 1024 * 1024,
  durability: 'normal',
  calendarInvitations: 'sender-match',
  gal: 'domain',
} as const;

