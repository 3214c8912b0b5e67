// `mail export`: an account's mail folders out as one Maildir++ tree, the way Dovecot and Courier
// keep mail: the Inbox is the root, every other folder a ".Name" directory beside it, a dot between
// levels (".Inbox.Receipts", ".Work.2024"). "%", "." and "/" inside a name are written as %25, %2E
// and %2F, and read back by maildir-read.ts. Each message is written byte for byte into cur/
// (through tmp/, as Maildir delivery does) under a name carrying its received time and its flags
// (S read, F flagged); its modification time is the received time as well.

import { mkdirSync, readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FolderType, type Account, type Store } from '../../store/types.js';
import { createFolderResolver } from './mail-folders.js';
import { maildirName } from './mail-state.js';

export interface ExportSummary {
  folders: number;
  messages: number;
}

export class ExportTargetError extends Error {}

function escapeName(name: string): string {
  return name.replace(/[%./]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function makeMaildir(dir: string, marker: boolean): void {
  for (const part of ['cur', 'new', 'tmp']) mkdirSync(join(dir, part), { recursive: true });
  if (marker) writeFileSync(join(dir, 'maildirfolder'), '');
}

export async function exportMail(options: { store: Store; account: Account; dir: string; onFolder?: (path: string, count: number) => void }): Promise<ExportSummary> {
  const { store, account, dir } = options;
  const existing = statSync(dir, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) throw new ExportTargetError(`${dir} exists and is not a directory`);
  if (existing && readdirSync(dir).length > 0) throw new ExportTargetError(`${dir} is not empty; export into a new or empty directory`);
  mkdirSync(dir, { recursive: true });

  const summary: ExportSummary = { folders: 0, messages: 0 };
  for (const { folder, path } of await createFolderResolver(store, account.id).paths()) {
    const isInbox = folder.type === FolderType.Inbox && folder.parentId === null;
    const target = isInbox ? dir : join(dir, `.${path.map(escapeName).join('.')}`);
    makeMaildir(target, !isInbox);
    let count = 0;
    for (const item of await store.listItems(account.id, folder.id)) {
      if (item.kind !== 'mail') continue;
      const body = await store.getBody(account.id, item.id);
      if (!body) continue;
      const receivedAt = new Date(item.receivedAt);
      const name = maildirName(receivedAt, `I${item.id}`, { read: item.read, flagged: item.flag?.status === 2 });
      const tmp = join(target, 'tmp', name);
      writeFileSync(tmp, body.raw);
      utimesSync(tmp, receivedAt, receivedAt);
      renameSync(tmp, join(target, 'cur', name));
      count++;
    }
    summary.folders++;
    summary.messages += count;
    options.onFolder?.(path.join('/'), count);
  }
  return summary;
}
