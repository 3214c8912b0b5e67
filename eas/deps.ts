// What eas/ gets from the composition root (bin/server.ts): the store, the configuration, the
// logger, the MIME parser, delivery and relay, the push registry and the item classes.

import type { ParsedMessage, Store } from '../store/types.js';
import type { ClassRegistry } from './classes/types.js';
import type { Logger } from './log.js';
import type { PushRegistry } from './push/types.js';

export interface PushConfig {
  heartbeatMin: number;
  heartbeatMax: number;
  maxPingFolders: number;
  pushOn: 'adds' | 'all';
  /** Parked requests per account before 503 + Retry-After. */
  maxParkedPerAccount: number;
}

export interface EasConfig {
  push: PushConfig;
  /** Provision answers with enforcement (449 until provisioned) when true. */
  enforceProvisioning: boolean;
  maxRequestBytes: number;
  /** Display name of the server in OPTIONS/Settings. */
  serverName: string;
  /** Which accounts the GAL (Search, Find, ResolveRecipients) shows: docs/clients.md rule 33. Default 'domain'. */
  gal?: 'domain' | 'all' | 'off';
}

/** Sends a message out of the server (SendMail to non-local recipients); absent = no smarthost. */
export type Relay = (envelope: { from: string; to: string[] }, raw: Buffer) => Promise<void>;

/** What commands get from the composition root. */
export interface EasDeps {
  store: Store;
  config: EasConfig;
  log: Logger;
  /** MIME parser (plugin/parse.ts), passed in so eas/ does not import plugin/. */
  parse: (raw: Buffer) => Promise<ParsedMessage>;
  /** Local delivery through the same path as SMTP (so the recipients' phones are pushed). */
  deliverLocal: (envelope: { from: string; to: string[] }, raw: Buffer) => Promise<void>;
  relay: Relay | null;
  /** Long-poll registry (Ping, Sync Wait): see eas/push/. */
  push: PushRegistry;
  /** The item classes (eas/classes/): commands reach a class only through it. */
  classes: ClassRegistry;
}
