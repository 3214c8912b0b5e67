// The crash test on PostgreSQL (issue #17 acceptance): the store a crash round checks when the
// node serves a PostgreSQL database, and the checks in PostgreSQL's terms. What one delivery
// writes there, per recipient, in one transaction (store/postgres/items.ts deliver): the
// account's modseq (+1), a `messages` row with the raw bytes and its size, one `attachments`
// row per attachment, a `messages_fts` row, an `items` row in the Inbox and an `add` row in
// `changes` (which maintenance purges later). "None half-delivered" is then: each of those all
// present or all absent, for every recipient alike; SQLite's `PRAGMA integrity_check` becomes
// the queries of pgIntegrity().
//
// A node's SIGKILL does not touch PostgreSQL, which keeps running: whatever it acknowledged as
// committed stays committed, whatever the server's fsync or synchronous_commit (the private
// test cluster runs with both off; they matter only when PostgreSQL itself or the machine dies).

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PG_TYPES } from '../../store/postgres/connect.js';
import { openStoreAt } from '../../store/open.js';
import { FolderType } from '../../store/types.js';

/** The store side of a crash round: where `serve` finds it, and how the round reads it back. */
export interface CrashStore {
  /** Shown in the script's first line. */
  label: string;
  /** Added to `serve`'s arguments. */
  serveArgs: string[];
  /** The envelope recipients (and the To: header) of every message of the run. */
  recipients: string[];
  /** The message delivered under `tag` (its Subject). */
  message(tag: string): string;
  /** Makes the recipients' accounts (before the first `serve`). */
  setup(): Promise<void>;
  /** Per recipient: how many times each Subject is in the Inbox, read through the store. */
  counts(): Promise<Map<string, number>[]>;
  /** What is wrong with the store as a whole; empty when all is well. */
  integrity(): Promise<string[]>;
  /** Releases what the store side holds (not the database itself). */
  close(): Promise<void>;
}

/** The header lines every crash-test message starts with; `tag` names it (subject and Message-ID). */
export function crashHeaders(tag: string, recipients: string[]): string[] {
  return [
    'From: load@example.org',
    `To: ${recipients.join(', ')}`,
    `Subject: ${tag}`,
    `Message-ID: <${tag}@crash.test>`,
    'Date: Mon, 1 Jan 2024 00:00:00 +0000',
  ];
}

/** A message with one small attachment, so the attachment rows are part of every delivery. */
export function messageWithAttachment(tag: string, recipients: string[]): string {
  const boundary = `b-${tag}`;
  const attachment = Buffer.from(`attachment of ${tag}\n`.repeat(20)).toString('base64');
  return [
    ...crashHeaders(tag, recipients),
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${tag}.`,
    'A second line so the message is not trivially small.',
    `--${boundary}`,
    `Content-Type: application/octet-stream; name="${tag}.bin"`,
    `Content-Disposition: attachment; filename="${tag}.bin"`,
    'Content-Transfer-Encoding: base64',
    '',
    ...(attachment.match(/.{1,76}/g) ?? []),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** Per recipient: Subject → copies in the Inbox, read through the store as the server does. */
export async function inboxCountsAt(location: string, recipients: string[]): Promise<Map<string, number>[]> {
  const store = await openStoreAt(location);
  try {
    return await Promise.all(recipients.map(async (address) => {
      const account = await store.findAccount(address);
      if (!account) throw new Error(`account ${address} missing`);
      const inbox = await store.folderByType(account.id, FolderType.Inbox);
      if (!inbox) throw new Error(`no Inbox for ${address}`);
      const counts = new Map<string, number>();
      for (const item of await store.listItems(account.id, inbox.id)) {
        if (item.kind !== 'mail') throw new Error(`item ${item.id} in the Inbox is not mail`);
        counts.set(item.summary.subject, (counts.get(item.summary.subject) ?? 0) + 1);
      }
      return counts;
    }));
  } finally {
    await store.close();
  }
}

/** Each query lists what is wrong with the run's accounts (`$1`); a whole store lists nothing. */
const CHECKS: Array<[string, string]> = [
  ['message without its raw bytes, or raw of another size than recorded',
    'SELECT id FROM messages WHERE account_id = ANY($1::bigint[]) AND (raw IS NULL OR octet_length(raw) <> size)'],
  ['message whose attachment rows are not all there',
    `SELECT m.id FROM messages m WHERE m.account_id = ANY($1::bigint[])
        AND m.attachment_count <> (SELECT count(*) FROM attachments a WHERE a.message_id = m.id)`],
  ['attachment whose content is not the recorded size',
    `SELECT a.id FROM attachments a JOIN messages m ON m.id = a.message_id
      WHERE m.account_id = ANY($1::bigint[]) AND octet_length(a.content) <> a.size`],
  ['message without its full-text entry',
    `SELECT m.id FROM messages m WHERE m.account_id = ANY($1::bigint[])
        AND NOT EXISTS (SELECT 1 FROM messages_fts f WHERE f.message_id = m.id)`],
  ['message no item refers to (a delivery left half-written)',
    `SELECT m.id FROM messages m WHERE m.account_id = ANY($1::bigint[])
        AND NOT EXISTS (SELECT 1 FROM items i WHERE i.message_id = m.id)`],
  // An item without its journal row is no finding: maintenance purges the journal of a folder
  // below the oldest cursor of its devices, all of it when no device syncs (store/postgres/maintenance.ts).
  ['"add" journal row of the run without its item',
    `SELECT c.id FROM changes c WHERE c.account_id = ANY($1::bigint[]) AND c.kind = 'add'
       AND NOT EXISTS (SELECT 1 FROM items i WHERE i.id = c.item_id)`],
  ['modseq taken by two deliveries of one account (each delivery is one modseq of its own)',
    `SELECT account_id || ':' || created_modseq FROM items WHERE account_id = ANY($1::bigint[])
      GROUP BY account_id, created_modseq HAVING count(*) > 1`],
  ['account whose modseq is behind its own items',
    `SELECT a.id FROM accounts a WHERE a.id = ANY($1::bigint[])
        AND a.modseq < (SELECT coalesce(max(i.modseq), 0) FROM items i WHERE i.account_id = a.id)`],
  ['account whose modseq is behind its own journal',
    `SELECT a.id FROM accounts a WHERE a.id = ANY($1::bigint[])
        AND a.modseq < (SELECT coalesce(max(c.modseq), 0) FROM changes c WHERE c.account_id = a.id)`],
];

/** The "integrity check" on PostgreSQL: every delivery's rows whole, modseqs one per delivery. */
export async function pgIntegrity(url: string, recipients: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, types: PG_TYPES });
  await client.connect();
  try {
    const ids = (await client.query<{ id: number }>('SELECT id FROM accounts WHERE address = ANY($1::text[])', [recipients])).rows.map((r) => r.id);
    if (ids.length !== recipients.length) return [`accounts of the run: ${ids.length} of ${recipients.length} found`];
    const failures: string[] = [];
    for (const [what, sql] of CHECKS) {
      const r = await client.query<Record<string, unknown>>(sql, [ids]);
      if (r.rows.length > 0) failures.push(`${what}: ${r.rows.slice(0, 5).map((row) => String(Object.values(row)[0])).join(', ')}${r.rows.length > 5 ? ` (${r.rows.length} in all)` : ''}`);
    }
    return failures;
  } finally {
    await client.end();
  }
}

/**
 * The crash test's store on the PostgreSQL database at `url`. The recipients are new addresses
 * for each run, so a database used before (--pg-url) only gains two accounts.
 */
export function pgCrashStore(url: string, label = 'PostgreSQL'): CrashStore {
  const run = randomUUID().slice(0, 8);
  const recipients = [`crash-a-${run}@example.com`, `crash-b-${run}@example.com`];
  return {
    label,
    serveArgs: ['--store', url],
    recipients,
    message: (tag) => messageWithAttachment(tag, recipients),
    async setup() {
      const store = await openStoreAt(url);
      try {
        for (const address of recipients) await store.createAccount(address, randomUUID());
      } finally {
        await store.close();
      }
    },
    counts: () => inboxCountsAt(url, recipients),
    integrity: () => pgIntegrity(url, recipients),
    async close() {},
  };
}
