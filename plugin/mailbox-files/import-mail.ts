// `mail import`: messages from a Maildir tree or an mbox file into an account, each kept byte for
// byte with its received time and read/flagged state, parsed by the same parse as delivery and
// written in batches through the store's one write path (store.importMail, one transaction per
// batch). A message imported before (same bytes, same folder) is skipped, so an interrupted
// import is resumed by running it again. A message that cannot be imported is reported with its
// file (and line, in an mbox) and the reason, and the rest go on. Without `push`, phones are not
// woken for the import; they see the mail at their next Sync (docs/push.md rule 12).

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { FolderType, type Account, type Folder, type ImportedMessage, type Store } from '../../store/types.js';
import type { ParseMessage } from '../parse.js';
import { startsWithHeader } from '../raw-headers.js';
import { createFolderResolver } from './mail-folders.js';
import { fromLineTime, mboxState, type MailState } from './mail-state.js';
import { listMaildirFolders, listMaildirMessages } from './maildir-read.js';
import { NotMboxError, readMbox } from './mbox-read.js';

export interface ImportProgress {
  /** Messages read so far (imported, skipped or bad). */
  read: number;
  imported: number;
  skipped: number;
  bad: number;
  /** Messages in all (Maildir), or null when only the end of the file tells (mbox). */
  total: number | null;
  /** Share of the source read, 0 to 1. */
  fraction: number;
}

export interface ImportSummary extends ImportProgress {
  /** The folders written to, by name from the top ("Inbox", "Work/2024"). */
  folders: string[];
}

export interface MailImportOptions {
  store: Store;
  parse: ParseMessage;
  account: Account;
  /** A Maildir directory or an mbox file. */
  source: string;
  /** The folder the source's top level goes to (default the Inbox); made when missing. */
  folder?: string;
  /** Wake parked devices for the imported mail. */
  push: boolean;
  /** Messages per transaction; default 200. */
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** A message not imported: where it is (file, and line in an mbox) and why. */
  onProblem?: (where: string, reason: string) => void;
}

const BATCH_BYTES = 32 * 1024 * 1024;

/** The source cannot be read at all (nothing was imported). */
export class ImportSourceError extends Error {}

interface Pending {
  where: string;
  raw: Buffer;
  state: MailState;
  /** From the source; null: the message's Date header, else the time of the import. */
  receivedAt: Date | null;
}

function badReason(raw: Buffer): string | null {
  if (raw.length === 0) return 'empty message';
  if (!startsWithHeader(raw)) return 'not a mail message (it does not start with a header field)';
  return null;
}

async function folderLabel(store: Store, accountId: number, folder: Folder): Promise<string> {
  const names: string[] = [];
  for (let at: Folder | null = folder; at; at = at.parentId === null ? null : await store.getFolder(accountId, at.parentId)) names.unshift(at.name);
  return names.join('/');
}

export async function importMail(options: MailImportOptions): Promise<ImportSummary> {
  const { store, parse, account } = options;
  const batchSize = options.batchSize ?? 200;
  // A batch is held in memory until its commit: large messages end it early.
  const full = (batch: Pending[]): boolean => batch.length >= batchSize || batch.reduce((n, p) => n + p.raw.length, 0) >= BATCH_BYTES;
  const stat = statSync(options.source, { throwIfNoEntry: false });
  if (!stat) throw new ImportSourceError(`${options.source}: no such file or directory`);
  const resolver = createFolderResolver(store, account.id);
  // Found (or made) when the first message needs it: a source that is refused makes no folder.
  let topFolder: Folder | null = null;
  const top = async (): Promise<Folder> => {
    topFolder ??= options.folder !== undefined ? await resolver.resolve(null, [options.folder]) : await store.folderByType(account.id, FolderType.Inbox);
    if (!topFolder) throw new ImportSourceError(`${account.address} has no Inbox`);
    return topFolder;
  };

  const progress: ImportProgress = { read: 0, imported: 0, skipped: 0, bad: 0, total: null, fraction: 0 };
  const folders = new Set<string>();
  const problem = (where: string, reason: string): void => {
    progress.bad++;
    options.onProblem?.(where, reason);
  };

  async function flush(folder: Folder, batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    const now = new Date();
    const fresh: Array<Pending & { digest: Buffer }> = [];
    for (const p of batch) {
      const digest = createHash('sha256').update(p.raw).digest();
      if (await store.isImported(folder.id, digest)) progress.skipped++;
      else fresh.push({ ...p, digest });
    }
    const parsed = await Promise.all(fresh.map((p) => parse(p.raw, p.receivedAt ?? now)));
    const messages: ImportedMessage[] = fresh.map((p, i) => ({
      raw: p.raw,
      parsed: parsed[i]!,
      receivedAt: (p.receivedAt ?? new Date(parsed[i]!.summary.date)).toISOString(),
      read: p.state.read,
      flagged: p.state.flagged,
      digest: p.digest,
    }));
    if (messages.length > 0) {
      const result = await store.importMail(account.id, folder.id, messages, { push: options.push });
      progress.imported += result.itemIds.length;
      progress.skipped += result.skipped;
      folders.add(await folderLabel(store, account.id, folder));
    }
    options.onProgress?.({ ...progress });
  }

  if (stat.isDirectory()) {
    const tree = listMaildirFolders(options.source);
    if (tree.length === 0) {
      throw new ImportSourceError(`${options.source}: not a Maildir (no cur/ or new/ in it or in a subfolder)`);
    }
    const listed = tree.map((f) => ({ ...f, messages: listMaildirMessages(f.dir) }));
    progress.total = listed.reduce((n, f) => n + f.messages.length, 0);
    for (const f of listed) {
      let folder: Folder;
      try {
        folder = f.path.length === 0 ? await top() : await resolver.resolve(options.folder !== undefined ? await top() : null, f.path);
      } catch (err) {
        for (const m of f.messages) {
          progress.read++;
          problem(m.file, `folder ${f.path.join('/')}: ${err instanceof Error ? err.message : String(err)}`);
        }
        continue;
      }
      let batch: Pending[] = [];
      for (const m of f.messages) {
        progress.read++;
        progress.fraction = progress.read / progress.total;
        let raw: Buffer;
        try {
          raw = readFileSync(m.file);
        } catch (err) {
          problem(m.file, `cannot read: ${err instanceof Error ? err.message : String(err)}`);
          continue;
        }
        const bad = badReason(raw);
        if (bad) {
          problem(m.file, bad);
          continue;
        }
        batch.push({ where: m.file, raw, state: m.state, receivedAt: m.receivedAt });
        if (full(batch)) {
          await flush(folder, batch);
          batch = [];
        }
      }
      await flush(folder, batch);
    }
  } else {
    let batch: Pending[] = [];
    try {
      for await (const m of readMbox(options.source)) {
        progress.read++;
        progress.fraction = stat.size > 0 ? m.position / stat.size : 1;
        const where = `${options.source}:${m.line}`;
        const bad = badReason(m.raw);
        if (bad) {
          problem(where, bad);
          continue;
        }
        batch.push({ where, raw: m.raw, state: mboxState(m.raw), receivedAt: fromLineTime(m.fromLine) });
        if (full(batch)) {
          await flush(await top(), batch);
          batch = [];
        }
      }
    } catch (err) {
      // Only the file's start can be refused so (readMbox): nothing was read before it.
      if (err instanceof NotMboxError) {
        throw new ImportSourceError(`${options.source}: not an mbox file (${err.message})`);
      }
      throw err;
    }
    if (batch.length > 0) await flush(await top(), batch);
    progress.total = progress.read;
  }
  progress.fraction = 1;
  return { ...progress, folders: [...folders] };
}
