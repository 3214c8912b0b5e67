// Shared fixtures for store tests: a fresh SQLite file per test, and parsed messages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { openStore, type ParsedMessage, type Store, type StoredSyncOptions, type StoreOptions } from '../../store/index.js';

export interface TempStore {
  store: Store;
  file: string;
  /** Opens another Store on the same file (another process, as the CLI would be). */
  reopen(options?: StoreOptions): Store;
}

export function tempStore(t: ExecutionContext, options?: StoreOptions): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-store-'));
  const file = join(dir, 'mail.sqlite');
  const opened: Store[] = [];
  const open = (o?: StoreOptions) => {
    const s = openStore(file, o);
    opened.push(s);
    return s;
  };
  const store = open(options);
  t.teardown(async () => {
    for (const s of opened) {
      try {
        await s.close();
      } catch {
        // already closed by the test
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, file, reopen: open };
}

let counter = 0;

export function parsed(overrides: Partial<ParsedMessage['summary']> & { text?: string | null; html?: string | null } = {}): ParsedMessage {
  const { text, html, ...summary } = overrides;
  counter++;
  return {
    summary: {
      subject: `Message ${counter}`,
      from: [{ name: 'Bob Sender', address: 'bob@example.net' }],
      to: [{ name: '', address: 'alice@example.com' }],
      cc: [],
      replyTo: [],
      date: '2024-05-01T10:00:00.000Z',
      messageId: `<m${counter}@example.net>`,
      inReplyTo: null,
      references: [],
      threadTopic: null,
      importance: 1,
      hasAttachments: false,
      preview: 'hello',
      ...summary,
    },
    text: text === undefined ? 'hello world' : text,
    html: html ?? null,
    attachments: [],
    malformed: false,
  };
}

export function rawOf(subject = 'Hi'): Buffer {
  return Buffer.from(`From: bob@example.net\r\nTo: alice@example.com\r\nSubject: ${subject}\r\n\r\nhello world\r\n`);
}

/** Sticky Options of the Email class as a phone sends them: two BodyPreferences and a BodyPartPreference. */
export const MAIL_OPTIONS: StoredSyncOptions = {
  className: 'Email',
  filterType: 3,
  conflict: 1,
  mimeSupport: 0,
  mimeTruncation: null,
  truncation: null,
  bodyPreferences: [
    { type: 2, truncationSize: 51200, allOrNone: false, preview: 255 },
    { type: 1, truncationSize: null, allOrNone: false, preview: null },
  ],
  bodyPartPreferences: [{ type: 2, truncationSize: 100, allOrNone: true, preview: null }],
};
