// MS-ASCMD 2.2.3.177.17 Status (Sync): the values this server answers, named as the spec
// describes them. Protocol failures are these values inside a 200 body, never an HTTP error.

export const SyncStatus = {
  Success: 1,
  /** Unknown or stale SyncKey: the client returns to SyncKey 0 for that collection. */
  InvalidSyncKey: 3,
  /** Malformed request, or elements out of order / of the wrong type. */
  ProtocolError: 4,
  ServerError: 5,
  /** The item in the request could not be converted (e.g. an Add the folder cannot take). */
  ConversionError: 6,
  Conflict: 7,
  /** The ServerId in a client Change/Delete/Fetch does not exist (any more). */
  ObjectNotFound: 8,
  /** The collection is unknown: the client runs FolderSync (docs/clients.md rule 19: never 8 here). */
  HierarchyChanged: 12,
  /** An empty or Partial request arrived and nothing is cached to complete it. */
  IncompleteRequest: 13,
  /** Wait or HeartbeatInterval out of range; the answer carries Limit. */
  InvalidWaitOrHeartbeat: 14,
  /** Too many collections in one request. */
  InvalidSyncCommand: 15,
  Retry: 16,
} as const;

export type SyncStatusValue = (typeof SyncStatus)[keyof typeof SyncStatus];
