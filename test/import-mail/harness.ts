// What the mail import tests share: a data directory with alice, mailboxes written as other mail
// programs write them (Maildir trees, mbox files), and the store read back as the server would.

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasePath } from '../../bin/data-dir.js';
import { openStore, type Folder, type MailItem, type Store } from '../../store/index.js';

export interface Place {
  dir: string;
  dataDir: string;
  /** Opens the data directory's store (closed at teardown). */
  open(): Store;
}

export async function place(t: { teardown(fn: () => void): void }, withAlice = true): Promise<Place> {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-mail-import-'));
  const dataDir = join(dir, 'data');
  const opened: Store[] = [];
  t.teardown(async () => {
    for (const s of opened) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (): Store => {
    const s = openStore(databasePath(dataDir));
    opened.push(s);
    return s;
  };
  if (withAlice) {
    mkdirSync(dataDir, { recursive: true });
    const s = openStore(databasePath(dataDir));
    await s.createAccount('alice@example.com', 'secret-password');
    await s.close();
  }
  return { dir, dataDir, open };
}

export function message(subject: string, extra = '', body = `Body of ${subject}\n`): Buffer {
  return Buffer.from(`From: Bob <bob@example.org>\nTo: alice@example.com\nSubject: ${subject}\nMessage-ID: <${subject.replace(/\W/g, '')}@example.org>\n${extra}\n${body}`);
}

/** A Maildir folder (cur/, new/, tmp/) with `files` (name → bytes) in cur/ or new/. */
export function maildir(dir: string, files: Record<string, Buffer | string>, options: { mtime?: Date } = {}): void {
  for (const part of ['cur', 'new', 'tmp']) mkdirSync(join(dir, part), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, name);
    writeFileSync(file, content);
    if (options.mtime) utimesSync(file, options.mtime, options.mtime);
  }
}

export async function folderNamed(store: Store, accountId: number, path: string[]): Promise<Folder | undefined> {
  let parent: number | null = null;
  let found: Folder | undefined;
  for (const name of path) {
    found = (await store.listFolders(accountId)).find((f) => f.parentId === parent && f.name === name);
    if (!found) return undefined;
    parent = found.id;
  }
  return found;
}

export async function mails(store: Store, accountId: number, folder: Folder): Promise<Array<MailItem & { raw: Buffer }>> {
  return (await Promise.all((await store
    .listItems(accountId, folder.id))
    .filter((i): i is MailItem => i.kind === 'mail')
    .map(async (i) => ({ ...i, raw: (await store.getBody(accountId, i.id))!.raw }))))
    .sort((a, b) => a.summary.subject.localeCompare(b.summary.subject));
}
