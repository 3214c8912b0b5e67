// The contract between the HTTP layer (eas/http/) and one command file (eas/commands/<cmd>.ts).
// Protocol failures are a Status inside a 200 body; HTTP failures are thrown EasHttpError
// (eas/http/errors.ts) and rendered by one middleware.

import type { Account, Device, Store, ParsedMessage } from '../../store/types.js';
import type { WbxmlElement } from '../wbxml/tree.js';
import type { HoldRequest, ParkOutcome, PushRegistry } from '../push/types.js';

export type ProtocolVersion = '12.1' | '14.0' | '14.1' | '16.0' | '16.1';
export const PROTOCOL_VERSIONS: readonly ProtocolVersion[] = ['12.1', '14.0', '14.1', '16.0', '16.1'];

/** Parsed MS-ASHTTP request line, from the plain or the base64-encoded query. */
export interface EasQuery {
  cmd: string;
  user: string | null;
  deviceId: string;
  deviceType: string;
  /** Other parameters: ItemId, CollectionId, AttachmentName, LongId, Occurrence, SaveInSent… */
  params: Record<string, string>;
  /** From the base64 form, else from the MS-ASProtocolVersion header. */
  protocolVersion: ProtocolVersion;
  /** From the base64 form, else X-MS-PolicyKey. */
  policyKey: number | null;
  /** Base64 form option bits: 0x01 SaveInSent, 0x02 AcceptMultiPart; plain-query equivalents. */
  saveInSent: boolean;
  acceptMultiPart: boolean;
}

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
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
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
}

export interface CommandContext {
  deps: EasDeps;
  account: Account;
  device: Device;
  query: EasQuery;
  version: ProtocolVersion;
  /** Decoded WBXML body, or null when the body is empty (or not WBXML: see `raw`). */
  request: WbxmlElement | null;
  /** The body bytes as received (message/rfc822 for SendMail below 14.0). */
  raw: Buffer;
  contentType: string | null;
  /** Aborted when the client goes away (long polls listen to it). */
  signal: AbortSignal;
}

/** A command's answer: a WBXML tree, raw bytes with their type, or nothing (empty 200). */
export type CommandAnswer =
  | { kind: 'wbxml'; body: WbxmlElement; headers?: Record<string, string> }
  | { kind: 'bytes'; body: Buffer; contentType: string; headers?: Record<string, string> }
  | { kind: 'empty'; headers?: Record<string, string> };

/**
 * A long poll handed to the HTTP layer (Ping): it parks `park` with the registry and, if the
 * request waits, finishes the Koa chain at once and writes `render(outcome)` to the socket
 * when the registry answers. A parked request then keeps its socket and `park`, nothing else.
 */
export interface LongPollResult {
  kind: 'long-poll';
  park: HoldRequest;
  /** Called outside any request context: keep it a plain function of the outcome. */
  render: (outcome: ParkOutcome) => CommandAnswer;
  /** The answer when parking failed on something else than an HTTP error (a store error). */
  failed: (err: unknown) => CommandAnswer;
}

export type CommandResult = CommandAnswer | LongPollResult;

export interface CommandSpec {
  /** The wire Cmd value, e.g. "FolderSync". */
  name: string;
  handler: (ctx: CommandContext) => Promise<CommandResult>;
  /** Requires a provisioned device when enforcement is on (449 otherwise). */
  needsProvisioning: boolean;
  /** False for commands that take no WBXML body (e.g. GetAttachment, SendMail < 14.0). */
  wbxmlBody: boolean;
}
