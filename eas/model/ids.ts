// EAS identifiers of stored things. ServerId of a mail item: "<folderId>:<itemId>";
// CollectionId/FolderId/ParentId: the folder id in decimal ("0" = top level).

export function serverIdOf(folderId: number, itemId: number): string {
  return `${folderId}:${itemId}`;
}

/** Parses "<folderId>:<itemId>"; null for anything else (callers answer "not found"). */
export function parseServerId(serverId: string | undefined): { folderId: number; itemId: number } | null {
  if (!serverId) return null;
  const m = /^(\d{1,15}):(\d{1,15})$/.exec(serverId.trim());
  if (!m) return null;
  return { folderId: Number(m[1]), itemId: Number(m[2]) };
}

/** Parses a CollectionId/FolderId; null when not a positive decimal id. */
export function parseFolderId(id: string | undefined): number | null {
  if (!id) return null;
  const s = id.trim();
  if (!/^\d{1,15}$/.test(s)) return null;
  const n = Number(s);
  return n > 0 ? n : null;
}
