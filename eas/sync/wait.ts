// MS-ASCMD 2.2.3.198 Wait (minutes) and 2.2.3.88.2 HeartbeatInterval (seconds) of a Sync:
// docs/push.md rule 7. The bounds are the server's Ping bounds (--heartbeat-min/-max), so a
// Sync-with-Wait and a Ping of the same device park under the same limits.

import type { PushConfig } from '../deps.js';
import { SyncStatus } from './status.js';

export type WaitDecision =
  | { kind: 'none' }
  | { kind: 'park'; seconds: number }
  /** Both given (Status 4), or out of range (Status 14 with Limit, in the unit the client used). */
  | { kind: 'error'; status: number; limit: number | null };

export function decideWait(wait: number | null, heartbeat: number | null, push: PushConfig): WaitDecision {
  if (wait !== null && heartbeat !== null) return { kind: 'error', status: SyncStatus.ProtocolError, limit: null };
  if (heartbeat !== null) {
    if (heartbeat < push.heartbeatMin) return outOfRange(push.heartbeatMin);
    if (heartbeat > push.heartbeatMax) return outOfRange(push.heartbeatMax);
    return { kind: 'park', seconds: heartbeat };
  }
  if (wait !== null) {
    const min = Math.max(1, Math.ceil(push.heartbeatMin / 60));
    const max = Math.max(min, Math.floor(push.heartbeatMax / 60));
    if (wait < min) return outOfRange(min);
    if (wait > max) return outOfRange(max);
    return { kind: 'park', seconds: wait * 60 };
  }
  return { kind: 'none' };
}

function outOfRange(limit: number): WaitDecision {
  return { kind: 'error', status: SyncStatus.InvalidWaitOrHeartbeat, limit };
}
