// MS-ASCMD 2.2.1.21 Sync, its version notes: the empty request (2.2.1.21.1), Partial
// (2.2.3.131) and Wait (2.2.3.199) exist from 12.1, HeartbeatInterval (2.2.3.88.2) from 14.0.
// An older client (2.5, 12.0) sending them gets Status 4 (protocol error), as for any element its
// version does not have (docs/clients.md rules 35 and 43).

import { atLeast, type ProtocolVersion } from '../protocol.js';
import type { SyncRequest } from './request.js';

/** Why this request is not one the version can send; null when it is. */
export function versionRefusal(version: ProtocolVersion, sent: SyncRequest | null): string | null {
  if (!atLeast(version, '12.1')) {
    if (sent === null) return `an empty Sync request needs 12.1 (got ${version})`;
    if (sent.partial) return `Partial needs 12.1 (got ${version})`;
    if (sent.collections === null) return `a Sync without Collections needs 12.1 (got ${version})`;
    if (sent.wait !== null) return `Wait needs 12.1 (got ${version})`;
  }
  if (!atLeast(version, '14.0') && sent?.heartbeatInterval != null) return `HeartbeatInterval needs 14.0 (got ${version})`;
  return null;
}
