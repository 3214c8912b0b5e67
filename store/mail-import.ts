// Mail brought in by `mail import` (docs/store.md, "Mail import"): a batch of messages into one
// folder in ONE write transaction, each with its received time and read/flagged state, and the
// SHA-256 of its bytes recorded so that running the same import again (after an interruption)
// skips what is in already. Items are journaled as 'add' when the import asks to push, else as
// 'import-add', which the change feed does not carry: phones see the mail at their next Sync
// without being woken for it (docs/push.md rule 12).
import type Database from 'better-sqlite3';
import { createMessageWriter, prepareMessage } from './messages.js';
import type { Write, WriteContext } from './transaction.js';
import type { Flag, ImportedMessage, MailImportResult, Origin } from './types.js';

type Place = (
  tx: WriteContext,
  accountId: number,
  folderId: number,
  content: { messageId: number },
  origin: Origin,
  state: { read: boolean; flag: Flag | null; categories: string[]; receivedAt: string },
) => number;

export function createMailImport(db: Database.Database, write: Write, place: Place, requireFolder: (accountId: number, folderId: number) => void) {
  const insertMessage = createMessageWriter(db);
  const known = db.prepare<[number, Buffer], { x: number }>('SELECT 1 AS x FROM mail_imports WHERE folder_id = ? AND digest = ?');
  const record = db.prepare<[number, Buffer]>('INSERT INTO mail_imports (folder_id, digest) VALUES (?, ?)');

  return {
    /** True when a message with this SHA-256 was imported into the folder before. */
    isImported(folderId: number, digest: Buffer): boolean {
      return known.get(folderId, digest) !== undefined;
    },

    importMail(accountId: number, folderId: number, messages: readonly ImportedMessage[], options: { push: boolean }): MailImportResult {
      const prepared = messages.map((m) => ({ m, msg: prepareMessage(m.parsed) }));
      return write((tx) => {
        requireFolder(accountId, folderId);
        const itemIds: number[] = [];
        let skipped = 0;
        for (const { m, msg } of prepared) {
          // Also within one batch: the same bytes twice in one mbox go in once.
          if (known.get(folderId, m.digest)) {
            skipped++;
            continue;
          }
          const messageId = insertMessage(accountId, m.raw, msg);
          const itemId = place(tx, accountId, folderId, { messageId }, null, {
            read: m.read,
            flag: m.flagged ? { status: 2 } : null,
            categories: [],
            receivedAt: m.receivedAt,
          });
          tx.journal(accountId, folderId, itemId, options.push ? 'add' : 'import-add', null);
          record.run(folderId, m.digest);
          itemIds.push(itemId);
        }
        return { itemIds, skipped };
      });
    },
  };
}
