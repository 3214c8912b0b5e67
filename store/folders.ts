// Folder hierarchy. Folders carry modseqs and tombstones so FolderSync is a cursor (docs/sync.md §5).
import type Database from 'better-sqlite3';
import { FolderType, StoreError, type Folder, type FolderChanges, type Item, type Origin } from './types.js';
import type { Write, WriteContext } from './transaction.js';

/** A folders row as read (COLS); the PostgreSQL store reads the same columns. */
export interface FolderRow {
  id: number;
  account_id: number;
  parent_id: number | null;
  name: string;
  type: number;
  system: number;
  created_modseq: number;
  modseq: number;
  deleted_modseq: number | null;
}

/** Made with every account, in this order (Exchange's well-known folders). */
export const SYSTEM_FOLDERS: readonly { name: string; type: number }[] = [
  { name: 'Inbox', type: FolderType.Inbox },
  { name: 'Drafts', type: FolderType.Drafts },
  { name: 'Deleted Items', type: FolderType.DeletedItems },
  { name: 'Sent Items', type: FolderType.SentItems },
  { name: 'Outbox', type: FolderType.Outbox },
  { name: 'Junk Email', type: FolderType.UserMail },
  { name: 'Calendar', type: FolderType.Calendar },
  { name: 'Contacts', type: FolderType.Contacts },
  { name: 'Tasks', type: FolderType.Tasks },
  { name: 'Notes', type: FolderType.Notes },
];

/** Types a client may create (MS-ASCMD FolderCreate: user-created folder types). */
export const USER_TYPES = new Set<number>([
  FolderType.UserGeneric,
  FolderType.UserMail,
  FolderType.UserCalendar,
  FolderType.UserContacts,
  FolderType.UserTasks,
  FolderType.UserJournal,
  FolderType.UserNotes,
]);

const MAX_NAME = 256;

export const COLS = 'id, account_id, parent_id, name, type, system, created_modseq, modseq, deleted_modseq';

export function toFolder(row: FolderRow): Folder {
  return {
    id: row.id,
    accountId: row.account_id,
    parentId: row.parent_id,
    name: row.name,
    type: row.type,
    system: row.system === 1,
    modseq: row.modseq,
  };
}

/** The trimmed name, or invalid-folder (empty, too long, control characters). */
export function checkName(name: string): string {
  const trimmed = name.trim();
  // eslint-disable-next-line no-control-regex
  if (trimmed === '' || trimmed.length > MAX_NAME || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new StoreError('invalid-folder', `invalid folder name ${JSON.stringify(name)}`);
  }
  return trimmed;
}

/** Adds before their children, whatever order they were created or moved in. */
function parentsFirst(folders: Folder[]): Folder[] {
  const pending = new Map(folders.map((f) => [f.id, f]));
  const out: Folder[] = [];
  const visit = (f: Folder) => {
    if (!pending.delete(f.id)) return;
    const parent = f.parentId === null ? undefined : pending.get(f.parentId);
    if (parent) visit(parent);
    out.push(f);
  };
  for (const f of folders) visit(f);
  return out;
}

/** FolderSync's answer from the rows changed after sinceModseq (docs/sync.md §5): a folder the
 * client never saw is an add (parents first), one it saw is a change or, tombstoned, a delete. */
export function toFolderChanges(rows: readonly FolderRow[], sinceModseq: number, head: number): FolderChanges {
  const added: Folder[] = [];
  const changed: Folder[] = [];
  const deleted: number[] = [];
  for (const row of rows) {
    const known = row.created_modseq <= sinceModseq;
    if (row.deleted_modseq !== null) {
      if (known) deleted.push(row.id);
    } else if (known) changed.push(toFolder(row));
    else added.push(toFolder(row));
  }
  return { added: parentsFirst(added), changed, deleted, head };
}

export function createFolders(
  db: Database.Database,
  write: Write,
  tombstoneFolderItems: (tx: WriteContext, accountId: number, folderId: number, origin: Origin) => number,
  liveItems: (accountId: number, folderId: number) => Item[],
) {
  const live = db.prepare<[number], FolderRow>(
    `SELECT ${COLS} FROM folders WHERE account_id = ? AND deleted_modseq IS NULL ORDER BY id`,
  );
  const one = db.prepare<[number, number], FolderRow>(
    `SELECT ${COLS} FROM folders WHERE id = ? AND account_id = ? AND deleted_modseq IS NULL`,
  );
  const ofType = db.prepare<[number, number], FolderRow>(
    `SELECT ${COLS} FROM folders WHERE account_id = ? AND type = ? AND deleted_modseq IS NULL
     ORDER BY system DESC, id LIMIT 1`,
  );
  const sibling = db.prepare<[number, number | null, string], { id: number }>(
    `SELECT id FROM folders WHERE account_id = ? AND ifnull(parent_id, 0) = ifnull(?, 0)
       AND name = ? COLLATE NOCASE AND deleted_modseq IS NULL`,
  );
  const insert = db.prepare<[number, number | null, string, number, number, number, number, Origin], FolderRow>(
    `INSERT INTO folders (account_id, parent_id, name, type, system, created_modseq, modseq, origin)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLS}`,
  );
  const update = db.prepare<[number | null, string, number, Origin, number], FolderRow>(
    `UPDATE folders SET parent_id = ?, name = ?, modseq = ?, origin = ? WHERE id = ? RETURNING ${COLS}`,
  );
  const subtree = db.prepare<[number], { id: number }>(
    `WITH RECURSIVE t(id) AS (
       SELECT ?
       UNION ALL SELECT f.id FROM folders f JOIN t ON f.parent_id = t.id WHERE f.deleted_modseq IS NULL
     ) SELECT id FROM t`,
  );
  const children = db.prepare<[number], { id: number }>(
    'SELECT id FROM folders WHERE parent_id = ? AND deleted_modseq IS NULL ORDER BY id',
  );
  // deleted_at: in accounts no device FolderSyncs, the retention of tombstones counts from it.
  const tombstone = db.prepare<[number, number, Origin, string, number]>(
    'UPDATE folders SET deleted_modseq = ?, modseq = ?, origin = ?, deleted_at = ? WHERE id = ?',
  );
  const changedSince = db.prepare<[number, number], FolderRow>(
    `SELECT ${COLS} FROM folders WHERE account_id = ? AND modseq > ? ORDER BY id`,
  );
  const head = db.prepare<[number], { modseq: number }>('SELECT modseq FROM accounts WHERE id = ?');

  function liveFolder(accountId: number, folderId: number): FolderRow {
    const row = one.get(folderId, accountId);
    if (!row) throw new StoreError('no-such-folder', `no folder ${folderId}`);
    return row;
  }

  function checkParent(accountId: number, parentId: number | null): void {
    if (parentId !== null && !one.get(parentId, accountId)) {
      throw new StoreError('bad-parent', `no parent folder ${parentId}`);
    }
  }

  function checkUnique(accountId: number, parentId: number | null, name: string, self?: number): void {
    const clash = sibling.get(accountId, parentId, name);
    if (clash && clash.id !== self) throw new StoreError('folder-exists', `a folder named ${JSON.stringify(name)} exists there`);
  }

  return {
    createSystemFolders(tx: WriteContext, accountId: number): void {
      const m = tx.modseq(accountId);
      for (const f of SYSTEM_FOLDERS) {
        const row = insert.get(accountId, null, f.name, f.type, 1, m, m, null);
        if (row) tx.journal(accountId, row.id, null, 'folder-add', null);
      }
    },

    listFolders(accountId: number): Folder[] {
      return live.all(accountId).map(toFolder);
    },

    getFolder(accountId: number, folderId: number): Folder | null {
      const row = one.get(folderId, accountId);
      return row ? toFolder(row) : null;
    },

    folderByType(accountId: number, type: number): Folder | null {
      const row = ofType.get(accountId, type);
      return row ? toFolder(row) : null;
    },

    createFolder(accountId: number, parentId: number | null, name: string, type: number, origin: Origin): Folder {
      const clean = checkName(name);
      if (!USER_TYPES.has(type)) throw new StoreError('invalid-folder', `folder type ${type} cannot be created`);
      return write((tx) => {
        checkParent(accountId, parentId);
        checkUnique(accountId, parentId, clean);
        const m = tx.modseq(accountId);
        const row = insert.get(accountId, parentId, clean, type, 0, m, m, origin);
        if (!row) throw new Error('folder insert returned nothing');
        tx.journal(accountId, row.id, null, 'folder-add', origin);
        return toFolder(row);
      });
    },

    updateFolder(accountId: number, folderId: number, parentId: number | null, name: string, origin: Origin): Folder {
      const clean = checkName(name);
      return write((tx) => {
        const current = liveFolder(accountId, folderId);
        if (current.system) throw new StoreError('system-folder', `${current.name} cannot be changed`);
        checkParent(accountId, parentId);
        // Moving a folder under itself or one of its descendants would cut it off the tree.
        if (parentId !== null && subtree.all(folderId).some((r) => r.id === parentId)) {
          throw new StoreError('bad-parent', `folder ${folderId} cannot move under ${parentId}`);
        }
        checkUnique(accountId, parentId, clean, folderId);
        const row = update.get(parentId, clean, tx.modseq(accountId), origin, folderId);
        if (!row) throw new Error('folder update returned nothing');
        tx.journal(accountId, folderId, null, 'folder-change', origin);
        return toFolder(row);
      });
    },

    deleteFolder(accountId: number, folderId: number, origin: Origin, itemsOf: readonly number[] = []): Item[] {
      return write((tx) => {
        const current = liveFolder(accountId, folderId);
        if (current.system) throw new StoreError('system-folder', `${current.name} cannot be deleted`);
        // Without itemsOf (every caller but FolderDelete of a calendar), no extra reads.
        const taken =
          itemsOf.length === 0
            ? []
            : subtree
                .all(folderId)
                .filter(({ id }) => itemsOf.includes(liveFolder(accountId, id).type))
                .flatMap(({ id }) => liveItems(accountId, id));
        deleteSubtree(tx, accountId, folderId, origin);
        return taken;
      });
    },

    /** Deletes the folder's items, and with includeSubfolders its subfolders too; returns the item count. */
    emptyFolder(accountId: number, folderId: number, origin: Origin, includeSubfolders = false): number {
      return write((tx) => {
        liveFolder(accountId, folderId);
        let n = tombstoneFolderItems(tx, accountId, folderId, origin);
        if (includeSubfolders) {
          // MS-ASCMD EmptyFolderContents DeleteSubFolders: the subfolders go, not only their items.
          for (const { id } of children.all(folderId)) n += deleteSubtree(tx, accountId, id, origin);
        }
        return n;
      });
    },

    folderChanges(accountId: number, sinceModseq: number): FolderChanges {
      return db.transaction(() => toFolderChanges(changedSince.all(accountId, sinceModseq), sinceModseq, head.get(accountId)?.modseq ?? 0))();
    },
  };

  /** Returns how many items were deleted with the folders. */
  function deleteSubtree(tx: WriteContext, accountId: number, folderId: number, origin: Origin): number {
    const m = tx.modseq(accountId);
    const now = new Date().toISOString();
    let items = 0;
    for (const { id } of subtree.all(folderId)) {
      items += tombstoneFolderItems(tx, accountId, id, origin);
      tombstone.run(m, m, origin, now, id);
      tx.journal(accountId, id, null, 'folder-delete', origin);
    }
    return items;
  }
}
