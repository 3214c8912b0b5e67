// MS-ASCMD 2.2.1.13 Ping: monitor folders and answer when an item is added (3.1.5.8),
// HeartbeatInterval 2.2.3.88.1, Status 2.2.3.177.11, MaxFolders 2.2.3.102.
// Parameter rules and the missed-change check: docs/push.md rules 1–2. A valid Ping
// is returned as a long poll: the HTTP layer parks it and writes the answer when it comes
// (eas/http/long-poll.ts), so a parked Ping keeps nothing of this request but its socket.

import { el, type WbxmlElement } from '../wbxml/tree.js';
import { parseFolderId } from '../model/ids.js';
import { pendingFolders } from '../push/pending.js';
import type { ParkOutcome } from '../push/types.js';
import { commandSpec, type CommandAnswer, type CommandContext, type CommandResult } from './types.js';

/** MS-ASCMD 2.2.3.177.11 */
const PingStatus = {
  Expired: 1,
  ChangesFound: 2,
  MissingParameters: 3,
  SyntaxError: 4,
  HeartbeatOutOfRange: 5,
  TooManyFolders: 6,
  FolderSyncRequired: 7,
  ServerError: 8,
} as const;

type PingRequest =
  | { ok: false; status: typeof PingStatus.SyntaxError | typeof PingStatus.MissingParameters }
  | { ok: true; heartbeat: number | undefined; folders: (number | null)[] | undefined };

export const ping = commandSpec('Ping', handlePing);

async function handlePing(ctx: CommandContext): Promise<CommandResult> {
  const { store, config, log } = ctx.deps;
  const limits = config.push;
  const parsed = parsePingRequest(ctx.request);
  if (!parsed.ok) return answer(parsed.status);

  // Empty Ping, or one element omitted: the values cached for this device (3.1.5.8).
  const heartbeat = parsed.heartbeat ?? ctx.device.pingHeartbeat ?? undefined;
  const requested = parsed.folders ?? ctx.device.pingFolders ?? undefined;
  if (heartbeat === undefined || requested === undefined || requested.length === 0) {
    return answer(PingStatus.MissingParameters);
  }

  if (heartbeat < limits.heartbeatMin || heartbeat > limits.heartbeatMax) {
    const bound = heartbeat < limits.heartbeatMin ? limits.heartbeatMin : limits.heartbeatMax;
    return answer(PingStatus.HeartbeatOutOfRange, [el('Ping:HeartbeatInterval', bound)]);
  }

  const folderIds = [...new Set(requested)];
  if (folderIds.length > limits.maxPingFolders) {
    return answer(PingStatus.TooManyFolders, [el('Ping:MaxFolders', limits.maxPingFolders)]);
  }

  try {
    // A folder that is gone, was never ours, or not even a folder id: the client's hierarchy
    // is stale and it must FolderSync (docs/sync.md §5).
    const known: number[] = [];
    for (const id of folderIds) {
      if (id === null || !await store.getFolder(ctx.account.id, id)) return answer(PingStatus.FolderSyncRequired);
      known.push(id);
    }
    await cacheParameters(ctx, heartbeat, known);

    const { id: accountId, address } = ctx.account;
    const { id: deviceRowId, deviceId } = ctx.device;
    return {
      kind: 'long-poll',
      // Only ids and names: the parked request must not keep the Account/Device rows alive.
      park: {
        kind: 'ping',
        account: { id: accountId, address },
        device: { id: deviceRowId, deviceId },
        folderIds: known,
        heartbeatSeconds: heartbeat,
        // Snapshots the journal head now; the registry checks it when it parks the request.
        pending: await pendingFolders(store, accountId, deviceRowId, known),
      },
      render: answerOutcome,
      failed: (err) => {
        log.error('Ping failed', { device: deviceId, err: String(err) });
        return answer(PingStatus.ServerError);
      },
    };
  } catch (err) {
    log.error('Ping failed', { device: ctx.device.deviceId, err: String(err) });
    return answer(PingStatus.ServerError);
  }
}

/** The answer once the registry decides: Status 2 with the folders, else Status 1. */
function answerOutcome(outcome: ParkOutcome): CommandAnswer {
  if (outcome.folderIds.length === 0) return answer(PingStatus.Expired);
  return answer(PingStatus.ChangesFound, [
    el(
      'Ping:Folders',
      outcome.folderIds.map((id) => el('Ping:Folder', String(id))),
    ),
  ]);
}

/**
 * Reads the request body. Folder ids that are not server ids become null (Status 7 later:
 * the client holds a hierarchy we never gave it). Unknown elements are ignored.
 */
export function parsePingRequest(request: WbxmlElement | null): PingRequest {
  if (request === null) return { ok: true, heartbeat: undefined, folders: undefined };
  if (request.tag !== 'Ping:Ping') return { ok: false, status: PingStatus.SyntaxError };

  const heartbeat = request.intOf('Ping:HeartbeatInterval');
  if (Number.isNaN(heartbeat)) return { ok: false, status: PingStatus.SyntaxError };

  const foldersEl = request.child('Ping:Folders');
  let folders: (number | null)[] | undefined;
  if (foldersEl) {
    folders = [];
    for (const folder of foldersEl.all('Ping:Folder')) {
      const id = folder.textOf('Ping:Id');
      if (id === undefined) return { ok: false, status: PingStatus.SyntaxError };
      folders.push(parseFolderId(id));
    }
    if (folders.length === 0) return { ok: false, status: PingStatus.MissingParameters };
  }
  return { ok: true, heartbeat, folders };
}

/** The server MUST cache the interval and the folders for later empty Pings (3.1.5.8). */
async function cacheParameters(ctx: CommandContext, heartbeat: number, folderIds: number[]): Promise<void> {
  const { pingHeartbeat, pingFolders } = ctx.device;
  const same =
    pingHeartbeat === heartbeat &&
    pingFolders !== null &&
    pingFolders.length === folderIds.length &&
    pingFolders.every((id, i) => id === folderIds[i]);
  if (!same) await ctx.deps.store.updateDevice(ctx.device.id, { pingHeartbeat: heartbeat, pingFolders: folderIds });
}

/** Response children in the schema's order (6.30): Status, Folders, MaxFolders, HeartbeatInterval. */
function answer(status: number, rest: WbxmlElement[] = []): CommandAnswer {
  return { kind: 'wbxml', body: el('Ping:Ping', [el('Ping:Status', status), ...rest]) };
}
