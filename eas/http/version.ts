// MS-ASHTTP 2.2.1.1.2.6 MS-ASProtocolVersion (or the base64 query's Protocol version byte):
// honoured per request. A version we do not offer is refused with 400 and the list we do
// offer, so the client re-reads OPTIONS and picks again (a guessed downgrade would make it
// parse answers in a format it did not ask for).

import { PROTOCOL_VERSIONS, type ProtocolVersion } from '../protocol.js';
import { EasHttpError } from './errors.js';

/** The comma list OPTIONS advertises, ascending (Android takes the last one it knows). */
export const ADVERTISED_VERSIONS = PROTOCOL_VERSIONS.join(',');

/**
 * Version used when a POST carries no version at all (MS-ASHTTP requires one; some probes and
 * scripts leave it out): 12.1, the oldest whose Sync (empty requests, Wait) every newer client
 * also reads. A 2.5 client names its version, and is answered in it.
 */
const DEFAULT_VERSION: ProtocolVersion = '12.1';

export function parseProtocolVersion(raw: string | undefined | null): ProtocolVersion {
  if (raw === undefined || raw === null || raw.trim() === '') return DEFAULT_VERSION;
  const v = raw.trim();
  const found = PROTOCOL_VERSIONS.find((p) => p === v);
  if (!found) {
    throw new EasHttpError(400, `unsupported MS-ASProtocolVersion "${v.slice(0, 16)}"`, {
      'MS-ASProtocolVersions': ADVERTISED_VERSIONS,
    });
  }
  return found;
}

/** Base64 query byte (25, 120, 121, 140, 141, 160, 161) to a version string. */
export function versionFromByte(b: number): string {
  return `${Math.floor(b / 10)}.${b % 10}`;
}

