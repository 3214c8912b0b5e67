// `mail import` on PostgreSQL, the counterpart of store/mail-import.ts (docs/store.md "Mail
// import"): a batch of messages into one folder in ONE write transaction, each with its received
// time and read/flagged state, and the SHA-256 of its bytes recorded per folder so that running
// the same import again skips what is in already. Journaled as 'add' when the import pushes,
// else 'import-add', which reaches no waiter (docs/push.md rule 12).
import type { Store } from '../types.js';
import type { PgStoreContext } from './context.js';
import type { PgQueryable } from './item-rows.js';
import { lockAccount, place, requireFolder } from './items.js';
import { insertMessage, prepareMessage } from './messages.js';

async function known(q: PgQueryable, folderId: number, digest: Buffer): Promise<boolean> {
  const r = await q.query('SELECT 1 AS x FROM mail_imports WHERE folder_id = $1 AND digest = $2', [folderId, digest]);
  return (r.rowCount ?? 0) > 0;
}

export type PgMailImport = Pick<Store, 'importMail' | 'isImported'>;

export function createPgMailImport(ctx: PgStoreContext): PgMailImport {
  const { pool, write } = ctx;
  return {
    /** True when a message with this SHA-256 was imported into the folder before. */
    isImported: (folderId, digest) => known(pool, folderId, digest),

    importMail(accountId, folderId, messages, options) {
      const prepared = messages.map((m) => ({ m, msg: prepareMessage(m.parsed) }));
      return write(async (tx) => {
        // The account's lock before the digests are read: two imports of the same mbox into
        // one folder take turns, and the second skips what the first put in.
        await lockAccount(tx, accountId);
        await requireFolder(tx.client, accountId, folderId);
        const itemIds: number[] = [];
        let skipped = 0;
        for (const { m, msg } of prepared) {
          // Also within one batch: the same bytes twice in one mbox go in once.
          if (await known(tx.client, folderId, m.digest)) {
            skipped++;
            continue;
          }
          const messageId = await insertMessage(tx.client, accountId, m.raw, msg);
          const itemId = await place(tx, accountId, folderId, { messageId }, null, {
            read: m.read,
            flag: m.flagged ? { status: 2 } : null,
            categories: [],
            receivedAt: m.receivedAt,
          });
          await tx.journal(accountId, folderId, itemId, options.push ? 'add' : 'import-add', null);
          await tx.client.query('INSERT INTO mail_imports (folder_id, digest) VALUES ($1, $2)', [folderId, m.digest]);
          itemIds.push(itemId);
        }
        return { itemIds, skipped };
      });
    },
  };
}
