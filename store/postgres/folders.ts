// The folder hierarchy on PostgreSQL (store/folders.ts translated). Folders carry modseqs and
// tombstones so FolderSync is a cursor (docs/sync.md §5). Every write takes the account's modseq
// (its row lock) before it reads what it decides on (the parent, the sibling names, the subtree):
// two nodes changing one account's folders take turns, as SQLite's IMMEDIATE lock makes them.
import { COLS, SYSTEM_FOLDERS, USER_TYPES, checkName, toFolder, toFolderChanges, type FolderRow } from '../folders.js';
import { StoreError, type FolderChanges, type Item, type Origin, type Store } from '../types.js';
import { withTransaction, type PgClient } from './connect.js';
import type { PgStoreContext } from './context.js';
import type { PgWriteContext } from './writer.js';

/** Items' tombstoneFolderItems on PostgreSQL (store/postgres/items.ts): returns how many items it deleted. */
export type PgTombstoneFolderItems = (tx: PgWriteContext, accountId: number, folderId: number, origin: Origin) => Promise<number>;

async function liveRow(client: PgClient, accountId: number, folderId: number): Promise<FolderRow | undefined> {
  const r = await client.query<FolderRow>(
    `SELECT ${COLS} FROM folders WHERE id = $1 AND account_id = $2 AND deleted_modseq IS NULL`,
    [folderId, accountId],
  );
  return r.rows[0];
}

/**
 * Takes the account's modseq, and with it the row lock, before anything is read that a write
 * decides on (docs/store.md "The asynchronous contract"). False when there is no such account:
 * the caller's checks then fail as they do in SQLite, where they run before the modseq is taken
 * (no-such-folder, bad-parent), and a later tx.modseq() rejects with no-such-account.
 */
async function lockAccount(tx: PgWriteContext, accountId: number): Promise<boolean> {
  try {
    await tx.modseq(accountId);
    return true;
  } catch (err) {
    if (err instanceof StoreError && err.code === 'no-such-account') return false;
    throw err;
  }
}

/** The live folder, read under the account's row lock (taken here), or no-such-folder. */
async function requireLiveFolder(tx: PgWriteContext, accountId: number, folderId: number): Promise<FolderRow> {
  const row = (await lockAccount(tx, accountId)) ? await liveRow(tx.client, accountId, folderId) : undefined;
  if (!row) throw new StoreError('no-such-folder', `no folder ${folderId}`);
  return row;
}

/** The account's system folders, made with it (in the account's first transaction). */
export async function createSystemFolders(tx: PgWriteContext, accountId: number): Promise<void> {
  const m = await tx.modseq(accountId);
  for (const f of SYSTEM_FOLDERS) {
    const r = await tx.client.query<{ id: number }>(
      `INSERT INTO folders (account_id, parent_id, name, type, system, created_modseq, modseq, origin)
       VALUES ($1, NULL, $2, $3, 1, $4, $4, NULL) RETURNING id`,
      [accountId, f.name, f.type, m],
    );
    const row = r.rows[0];
    if (row) await tx.journal(accountId, row.id, null, 'folder-add', null);
  }
}

export type PgFolders = Pick<
  Store,
  'listFolders' | 'getFolder' | 'folderByType' | 'createFolder' | 'updateFolder' | 'deleteFolder' | 'emptyFolder' | 'folderChanges'
>;

/** Items' listLiveItems on PostgreSQL, here inside the delete's transaction. */
export type PgLiveItems = (q: PgClient, accountId: number, folderId: number) => Promise<Item[]>;

export function createPgFolders(ctx: PgStoreContext, tombstoneFolderItems: PgTombstoneFolderItems, liveItems: PgLiveItems): PgFolders {
  const { pool, write } = ctx;

  /** The folder and its live descendants (the folder itself first). */
  async function subtree(client: PgClient, folderId: number): Promise<number[]> {
    const r = await client.query<{ id: number }>(
      `WITH RECURSIVE t(id) AS (
         SELECT $1::bigint
         UNION ALL SELECT f.id FROM folders f JOIN t ON f.parent_id = t.id WHERE f.deleted_modseq IS NULL
       ) SELECT id FROM t`,
      [folderId],
    );
    return r.rows.map((x) => x.id);
  }

  async function checkParent(tx: PgWriteContext, accountId: number, parentId: number | null): Promise<void> {
    if (parentId !== null && !(await liveRow(tx.client, accountId, parentId))) {
      throw new StoreError('bad-parent', `no parent folder ${parentId}`);
    }
  }

  async function checkUnique(tx: PgWriteContext, accountId: number, parentId: number | null, name: string, self?: number): Promise<void> {
    // lower() on both sides for SQLite's COLLATE NOCASE; the unique index folders_sibling_name
    // is on the same expression (docs/postgres.md "Schema").
    const r = await tx.client.query<{ id: number }>(
      `SELECT id FROM folders WHERE account_id = $1 AND coalesce(parent_id, 0) = coalesce($2::bigint, 0)
         AND lower(name) = lower($3) AND deleted_modseq IS NULL`,
      [accountId, parentId, name],
    );
    const clash = r.rows.find((x) => x.id !== self);
    if (clash) throw new StoreError('folder-exists', `a folder named ${JSON.stringify(name)} exists there`);
  }

  /** Returns how many items were deleted with the folders. */
  async function deleteSubtree(tx: PgWriteContext, accountId: number, folderId: number, origin: Origin): Promise<number> {
    const m = await tx.modseq(accountId);
    const now = new Date().toISOString();
    let items = 0;
    for (const id of await subtree(tx.client, folderId)) {
      items += await tombstoneFolderItems(tx, accountId, id, origin);
      // deleted_at: in accounts no device FolderSyncs, the retention of tombstones counts from it.
      await tx.client.query('UPDATE folders SET deleted_modseq = $1, modseq = $1, origin = $2, deleted_at = $3 WHERE id = $4', [
        m,
        origin,
        now,
        id,
      ]);
      await tx.journal(accountId, id, null, 'folder-delete', origin);
    }
    return items;
  }

  return {
    async listFolders(accountId) {
      const r = await pool.query<FolderRow>(
        `SELECT ${COLS} FROM folders WHERE account_id = $1 AND deleted_modseq IS NULL ORDER BY id`,
        [accountId],
      );
      return r.rows.map(toFolder);
    },

    async getFolder(accountId, folderId) {
      const r = await pool.query<FolderRow>(
        `SELECT ${COLS} FROM folders WHERE id = $1 AND account_id = $2 AND deleted_modseq IS NULL`,
        [folderId, accountId],
      );
      return r.rows[0] ? toFolder(r.rows[0]) : null;
    },

    async folderByType(accountId, type) {
      const r = await pool.query<FolderRow>(
        `SELECT ${COLS} FROM folders WHERE account_id = $1 AND type = $2 AND deleted_modseq IS NULL
         ORDER BY system DESC, id LIMIT 1`,
        [accountId, type],
      );
      return r.rows[0] ? toFolder(r.rows[0]) : null;
    },

    async createFolder(accountId, parentId, name, type, origin) {
      const clean = checkName(name);
      if (!USER_TYPES.has(type)) throw new StoreError('invalid-folder', `folder type ${type} cannot be created`);
      return write(async (tx) => {
        await lockAccount(tx, accountId);
        await checkParent(tx, accountId, parentId);
        await checkUnique(tx, accountId, parentId, clean);
        const m = await tx.modseq(accountId);
        const r = await tx.client.query<FolderRow>(
          `INSERT INTO folders (account_id, parent_id, name, type, system, created_modseq, modseq, origin)
           VALUES ($1, $2, $3, $4, 0, $5, $5, $6) RETURNING ${COLS}`,
          [accountId, parentId, clean, type, m, origin],
        );
        const row = r.rows[0];
        if (!row) throw new Error('folder insert returned nothing');
        await tx.journal(accountId, row.id, null, 'folder-add', origin);
        return toFolder(row);
      });
    },

    async updateFolder(accountId, folderId, parentId, name, origin) {
      const clean = checkName(name);
      return write(async (tx) => {
        const current = await requireLiveFolder(tx, accountId, folderId);
        if (current.system) throw new StoreError('system-folder', `${current.name} cannot be changed`);
        await checkParent(tx, accountId, parentId);
        // Moving a folder under itself or one of its descendants would cut it off the tree.
        if (parentId !== null && (await subtree(tx.client, folderId)).includes(parentId)) {
          throw new StoreError('bad-parent', `folder ${folderId} cannot move under ${parentId}`);
        }
        await checkUnique(tx, accountId, parentId, clean, folderId);
        const r = await tx.client.query<FolderRow>(
          `UPDATE folders SET parent_id = $1, name = $2, modseq = $3, origin = $4 WHERE id = $5 RETURNING ${COLS}`,
          [parentId, clean, await tx.modseq(accountId), origin, folderId],
        );
        const row = r.rows[0];
        if (!row) throw new Error('folder update returned nothing');
        await tx.journal(accountId, folderId, null, 'folder-change', origin);
        return toFolder(row);
      });
    },

    async deleteFolder(accountId, folderId, origin, itemsOf = []) {
      return write(async (tx) => {
        const current = await requireLiveFolder(tx, accountId, folderId);
        if (current.system) throw new StoreError('system-folder', `${current.name} cannot be deleted`);
        const taken: Item[] = [];
        // Without itemsOf (every caller but FolderDelete of a calendar), no extra reads.
        for (const id of itemsOf.length === 0 ? [] : await subtree(tx.client, folderId)) {
          const row = await liveRow(tx.client, accountId, id);
          if (row && itemsOf.includes(row.type)) taken.push(...(await liveItems(tx.client, accountId, id)));
        }
        await deleteSubtree(tx, accountId, folderId, origin);
        return taken;
      });
    },

    /** Deletes the folder's items, and with includeSubfolders its subfolders too; returns the item count. */
    async emptyFolder(accountId, folderId, origin, includeSubfolders = false) {
      return write(async (tx) => {
        await requireLiveFolder(tx, accountId, folderId);
        let n = await tombstoneFolderItems(tx, accountId, folderId, origin);
        if (includeSubfolders) {
          // MS-ASCMD EmptyFolderContents DeleteSubFolders: the subfolders go, not only their items.
          const children = await tx.client.query<{ id: number }>(
            'SELECT id FROM folders WHERE parent_id = $1 AND deleted_modseq IS NULL ORDER BY id',
            [folderId],
          );
          for (const { id } of children.rows) n += await deleteSubtree(tx, accountId, id, origin);
        }
        return n;
      });
    },

    async folderChanges(accountId, sinceModseq) {
      // The rows and the head in one snapshot: a head read later could pass a folder committed
      // in between, and the next FolderSync from that head would never see it.
      return withTransaction(
        pool,
        async (client): Promise<FolderChanges> => {
          const rows = await client.query<FolderRow>(
            `SELECT ${COLS} FROM folders WHERE account_id = $1 AND modseq > $2 ORDER BY id`,
            [accountId, sinceModseq],
          );
          const head = await client.query<{ modseq: number }>('SELECT modseq FROM accounts WHERE id = $1', [accountId]);
          return toFolderChanges(rows.rows, sinceModseq, head.rows[0]?.modseq ?? 0);
        },
        { isolation: 'repeatable read', readOnly: true },
      );
    },
  };
}
