// The contract between the HTTP layer (eas/http/) and one command file (eas/commands/<cmd>.ts).
// Protocol failures are a Status inside a 200 body; HTTP failures are thrown EasHttpError
// (eas/http/errors.ts) and rendered by one middleware.

import type { Account, Device } from '../../store/types.js';
import type { EasDeps } from '../deps.js';
import { atLeast, type ProtocolVersion } from '../protocol.js';
import type { WbxmlElement } from '../wbxml/tree.js';
import type { HoldRequest, ParkOutcome } from '../push/types.js';

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
 * A long poll handed to the HTTP layer (Ping, Sync with Wait): it parks `park` with the registry and, if the
 * request waits, finishes the Koa chain at once and writes `render(outcome)` to the socket
 * when the registry answers. A parked request then keeps its socket and `park`, nothing else.
 */
export interface LongPollResult {
  kind: 'long-poll';
  park: HoldRequest;
  /**
   * Called outside any request context: a function of the outcome and of what it closed over
   * (Ping: nothing; Sync: the cached request, to compute it again).
   */
  render: (outcome: ParkOutcome) => CommandAnswer | Promise<CommandAnswer>;
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
  /**
   * The protocol versions the command exists in (MS-ASCMD 2.2.1.x, each command's "Protocol
   * Versions" table); absent means every version. Given with the command's table entry
   * (commandSpec's options in its file, so every table holding the entry has it); the HTTP layer
   * refuses the command outside it (eas/http/dispatch.ts, docs/clients.md rule 45).
   */
  versions?: VersionRange;
}

/** An inclusive range of protocol versions; an absent end is open. */
export interface VersionRange {
  min?: ProtocolVersion;
  max?: ProtocolVersion;
}

/**
 * A command table entry: needs a provisioned device, takes a WBXML body and exists in every
 * protocol version unless `options` say otherwise.
 */
export function commandSpec(
  name: string,
  handler: CommandSpec['handler'],
  options: Partial<Pick<CommandSpec, 'needsProvisioning' | 'wbxmlBody' | 'versions'>> = {},
): CommandSpec {
  return { name, handler, needsProvisioning: true, wbxmlBody: true, ...options };
}

/** Does the command exist in protocol version `v` (MS-ASCMD 2.2.1.x Protocol Versions)? */
export function existsAt(spec: CommandSpec, v: ProtocolVersion): boolean {
  const { min, max } = spec.versions ?? {};
  return (min === undefined || atLeast(v, min)) && (max === undefined || atLeast(max, v));
}
