// Reads a Maildir tree: the root's own messages (the Inbox, or the folder --folder names), its
// Maildir++ subfolders (".Sent", ".Work.2024": a dot between levels, as Dovecot and Courier keep
// them) and subfolders nested as plain directories (Dovecot's LAYOUT=fs). Folder names are
// %-decoded, so the names `mail export` escapes ("." as %2E) come back as they were.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { maildirFlags, maildirTime, type MailState } from './mail-state.js';

export interface MaildirFolder {
  /** Folder names from the root down; [] is the root itself. */
  path: string[];
  dir: string;
}

export interface MaildirMessage {
  file: string;
  state: MailState;
  receivedAt: Date;
}

const PARTS = new Set(['cur', 'new', 'tmp']);

function isDir(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

export function isMaildir(dir: string): boolean {
  return isDir(join(dir, 'cur')) || isDir(join(dir, 'new'));
}

export function decodeFolderName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() || (e.isSymbolicLink() && isDir(join(dir, e.name))))
    .map((e) => e.name)
    .sort();
}

function nested(dir: string, path: string[], out: MaildirFolder[]): void {
  for (const name of subdirs(dir)) {
    if (PARTS.has(name) || name.startsWith('.')) continue;
    const child = join(dir, name);
    const childPath = [...path, decodeFolderName(name)];
    if (isMaildir(child)) out.push({ path: childPath, dir: child });
    nested(child, childPath, out);
  }
}

/** Every folder of the tree at `root`, parents before children. */
export function listMaildirFolders(root: string): MaildirFolder[] {
  const out: MaildirFolder[] = [];
  if (isMaildir(root)) out.push({ path: [], dir: root });
  for (const name of subdirs(root)) {
    if (!name.startsWith('.') || name === '.' || name === '..') continue;
    const dir = join(root, name);
    if (!isMaildir(dir)) continue;
    const path = name.slice(1).split('.').filter((p) => p !== '').map(decodeFolderName);
    if (path.length > 0) out.push({ path, dir });
  }
  nested(root, [], out);
  // Parents first, so each folder's parent exists when it is made.
  return out.sort((a, b) => a.path.length - b.path.length || a.path.join('/').localeCompare(b.path.join('/')));
}

/** The messages of one Maildir folder (new/ unread, cur/ with their flags), oldest first. */
export function listMaildirMessages(dir: string, now = Date.now()): MaildirMessage[] {
  const out: MaildirMessage[] = [];
  for (const part of ['new', 'cur'] as const) {
    const partDir = join(dir, part);
    if (!isDir(partDir)) continue;
    for (const entry of readdirSync(partDir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.isDirectory()) continue;
      const file = join(partDir, entry.name);
      const state = part === 'new' ? { read: false, flagged: false } : maildirFlags(entry.name);
      const receivedAt = maildirTime(entry.name, now) ?? statSync(file, { throwIfNoEntry: false })?.mtime ?? new Date(now);
      out.push({ file, state, receivedAt });
    }
  }
  return out.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.file.localeCompare(b.file));
}
