// Numbered schema migrations, applied in order with PRAGMA user_version, each in its own
// IMMEDIATE transaction so two processes opening the same file cannot both apply one.
// Never edit a released migration: add a new one.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  address       TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  display_name  TEXT,
  -- The account-wide journal counter (docs/sync.md §1): every write takes the next value.
  modseq        INTEGER NOT NULL DEFAULT 0,
  oof           TEXT,
  created_at    TEXT NOT NULL
);

CREATE TABLE folders (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  parent_id      INTEGER REFERENCES folders(id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  type           INTEGER NOT NULL,
  system         INTEGER NOT NULL DEFAULT 0,
  created_modseq INTEGER NOT NULL,
  modseq         INTEGER NOT NULL,
  origin         INTEGER,
  deleted_modseq INTEGER
);
CREATE INDEX folders_account_modseq ON folders(account_id, modseq);
-- Sibling names are unique among live folders, case-insensitively, as Exchange has it.
CREATE UNIQUE INDEX folders_sibling_name
  ON folders(account_id, ifnull(parent_id, 0), name COLLATE NOCASE) WHERE deleted_modseq IS NULL;

CREATE TABLE messages (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  raw              BLOB NOT NULL,
  size             INTEGER NOT NULL,
  subject          TEXT NOT NULL,
  from_json        TEXT NOT NULL,
  to_json          TEXT NOT NULL,
  cc_json          TEXT NOT NULL,
  reply_to_json    TEXT NOT NULL,
  date             TEXT NOT NULL,
  message_id       TEXT,
  in_reply_to      TEXT,
  references_json  TEXT NOT NULL,
  thread_topic     TEXT,
  importance       INTEGER NOT NULL,
  has_attachments  INTEGER NOT NULL,
  attachment_count INTEGER NOT NULL,
  preview          TEXT NOT NULL,
  malformed        INTEGER NOT NULL,
  body_text        TEXT,
  body_html        TEXT
);
CREATE INDEX messages_account ON messages(account_id);

CREATE TABLE attachments (
  id           INTEGER PRIMARY KEY,
  message_id   INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  idx          INTEGER NOT NULL,
  file_name    TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content_id   TEXT,
  inline       INTEGER NOT NULL,
  size         INTEGER NOT NULL,
  content      BLOB NOT NULL,
  UNIQUE (message_id, idx)
);

-- One placement of a message in a folder. Deleted items stay as tombstones (deleted_modseq)
-- so a device's cursor can still see the delete. AUTOINCREMENT: a ServerId is never reused.
CREATE TABLE items (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  folder_id      INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  message_id     INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  read           INTEGER NOT NULL DEFAULT 0,
  flag_status    INTEGER,
  flag_type      TEXT,
  flag_start     TEXT,
  flag_due       TEXT,
  flag_complete  TEXT,
  categories     TEXT NOT NULL DEFAULT '[]',
  received_at    TEXT NOT NULL,
  created_modseq INTEGER NOT NULL,
  created_origin INTEGER,
  modseq         INTEGER NOT NULL,
  origin         INTEGER,
  deleted_modseq INTEGER
);
-- Changes/Deletes after a cursor, in cursor order.
CREATE INDEX items_folder_modseq ON items(folder_id, modseq, id);
-- Adds after a cursor, in creation order.
CREATE INDEX items_folder_created ON items(folder_id, created_modseq, id);
-- Live items newest first (listItems, countItems).
CREATE INDEX items_folder_live ON items(folder_id, received_at) WHERE deleted_modseq IS NULL;
CREATE INDEX items_message ON items(message_id);
CREATE INDEX items_account ON items(account_id);

-- The journal: one row per change, in modseq order per account.
CREATE TABLE changes (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  modseq     INTEGER NOT NULL,
  folder_id  INTEGER NOT NULL,
  item_id    INTEGER,
  kind       TEXT NOT NULL,
  origin     INTEGER
);
CREATE INDEX changes_account_modseq ON changes(account_id, modseq);

CREATE TABLE devices (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id         INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  device_id          TEXT NOT NULL,
  device_type        TEXT NOT NULL,
  user_agent         TEXT,
  protocol_version   TEXT,
  policy_key         INTEGER,
  pending_policy_key INTEGER,
  wipe               TEXT NOT NULL DEFAULT 'none'
                     CHECK (wipe IN ('none', 'requested', 'account-only-requested', 'acknowledged')),
  info               TEXT NOT NULL DEFAULT '{}',
  first_seen_at      TEXT NOT NULL,
  last_seen_at       TEXT NOT NULL,
  ping_heartbeat     INTEGER,
  ping_folders       TEXT,
  UNIQUE (account_id, device_id)
);

CREATE TABLE sync_states (
  device_id     INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  collection_id INTEGER NOT NULL,
  sync_key      INTEGER NOT NULL,
  cursor_modseq INTEGER NOT NULL,
  cursor_item   INTEGER NOT NULL,
  filter_type   INTEGER NOT NULL,
  replay        TEXT,
  PRIMARY KEY (device_id, collection_id, sync_key)
);

-- Contentless: the text lives in messages; rowid = messages.id.
CREATE VIRTUAL TABLE messages_fts USING fts5(
  subject, sender, recipients, cc, body,
  content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);
`,
  },
  {
    version: 2,
    sql: `
-- When an item became a tombstone: folders no device syncs keep their tombstones for a
-- retention period measured from it (store/maintenance.ts). Older tombstones count from now.
ALTER TABLE items ADD COLUMN deleted_at TEXT;
UPDATE items SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE deleted_modseq IS NOT NULL;

-- The account head when the device's sync relationship with the collection began (SyncKey 0):
-- only its own changes after it are skipped for it (a resync sends back what it made before).
ALTER TABLE sync_states ADD COLUMN own_after INTEGER;
-- The FilterType window the device holds: items received at or after (time, id) and created at
-- or before the cursor. Items leaving it are sent once as SoftDelete (MS-ASCMD 2.2.3.162).
ALTER TABLE sync_states ADD COLUMN window_time TEXT;
ALTER TABLE sync_states ADD COLUMN window_item INTEGER;

-- Maintenance finds a folder's tombstones in deletion order.
CREATE INDEX items_folder_deleted ON items(folder_id, deleted_modseq) WHERE deleted_modseq IS NOT NULL;
-- Maintenance purges the journal per folder below a modseq.
CREATE INDEX changes_folder_modseq ON changes(folder_id, modseq);
`,
  },
  {
    version: 3,
    sql: `
-- Push diagnostics (store/push-history.ts): each device's last Pings and Sync-Waits. An entry
-- with no ended_at is parked right now (what \`eas-push device list\` shows).
CREATE TABLE push_history (
  id                  INTEGER PRIMARY KEY,
  device_id           INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  kind                TEXT NOT NULL,
  started_at          TEXT NOT NULL,
  heartbeat           INTEGER NOT NULL,
  folders             TEXT NOT NULL,
  ended_at            TEXT,
  outcome             TEXT,
  reported            TEXT,
  commit_to_answer_ms REAL,
  next_request_at     TEXT,
  next_request_cmd    TEXT
);
CREATE INDEX push_history_device ON push_history(device_id, id);
`,
  },
  {
    version: 4,
    sql: `
-- When a folder became a tombstone: in accounts no device FolderSyncs, deleted folders are kept
-- for a retention period measured from it (store/maintenance.ts). Older tombstones count from now.
ALTER TABLE folders ADD COLUMN deleted_at TEXT;
UPDATE folders SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE deleted_modseq IS NOT NULL;
-- Maintenance purges a folder row only once no subfolder row points at it (and the cascade of
-- parent_id looks children up on every folder delete).
CREATE INDEX folders_parent ON folders(parent_id);
`,
  },
  {
    version: 5,
    sql: `
-- Items that are not mail (calendar, contacts, tasks, notes: docs/store.md): message_id becomes
-- nullable, and such an item keeps its class's JSON document in data and its UID in uid. SQLite
-- cannot drop a NOT NULL, so the table is rebuilt; ids, and the AUTOINCREMENT high-water mark
-- (a ServerId is never reused), are carried over.
CREATE TEMP TABLE items_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'items';
CREATE TABLE items_v5 (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  folder_id      INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  message_id     INTEGER REFERENCES messages(id) ON DELETE CASCADE,
  read           INTEGER NOT NULL DEFAULT 0,
  flag_status    INTEGER,
  flag_type      TEXT,
  flag_start     TEXT,
  flag_due       TEXT,
  flag_complete  TEXT,
  categories     TEXT NOT NULL DEFAULT '[]',
  received_at    TEXT NOT NULL,
  created_modseq INTEGER NOT NULL,
  created_origin INTEGER,
  modseq         INTEGER NOT NULL,
  origin         INTEGER,
  deleted_modseq INTEGER,
  deleted_at     TEXT,
  data           TEXT,
  uid            TEXT,
  CHECK ((message_id IS NULL) = (data IS NOT NULL))
);
INSERT INTO items_v5 (id, account_id, folder_id, message_id, read, flag_status, flag_type, flag_start, flag_due,
    flag_complete, categories, received_at, created_modseq, created_origin, modseq, origin, deleted_modseq, deleted_at)
  SELECT id, account_id, folder_id, message_id, read, flag_status, flag_type, flag_start, flag_due,
    flag_complete, categories, received_at, created_modseq, created_origin, modseq, origin, deleted_modseq, deleted_at
  FROM items;
DROP TABLE items;
ALTER TABLE items_v5 RENAME TO items;
UPDATE sqlite_sequence SET seq = max(seq, ifnull((SELECT seq FROM items_seq), 0)) WHERE name = 'items';
DROP TABLE items_seq;
CREATE INDEX items_folder_modseq ON items(folder_id, modseq, id);
CREATE INDEX items_folder_created ON items(folder_id, created_modseq, id);
CREATE INDEX items_folder_live ON items(folder_id, received_at) WHERE deleted_modseq IS NULL;
CREATE INDEX items_message ON items(message_id);
CREATE INDEX items_account ON items(account_id);
CREATE INDEX items_folder_deleted ON items(folder_id, deleted_modseq) WHERE deleted_modseq IS NOT NULL;
-- Import and invitations find a document by its UID.
CREATE INDEX items_uid ON items(account_id, uid) WHERE uid IS NOT NULL AND deleted_modseq IS NULL;
`,
  },
  {
    version: 6,
    sql: `
-- A meeting message (an iMIP invitation, cancellation or reply: docs/store.md): what the Email
-- class renders as Email:MeetingRequest, as JSON the store keeps and hands back.
ALTER TABLE messages ADD COLUMN meeting TEXT;
`,
  },
  {
    version: 7,
    sql: `
-- The ClientIds a device sent messages with (store/client-ids.ts, docs/store.md): a resend of
-- one is answered as a duplicate (MS-ASCMD 2.2.3.28.1) instead of being sent again.
CREATE TABLE sent_client_ids (
  device_id  INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  client_id  TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('sending', 'sent')),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (device_id, client_id)
) WITHOUT ROWID;
CREATE INDEX sent_client_ids_updated ON sent_client_ids(updated_at);
`,
  },
  {
    version: 8,
    sql: `
-- Sticky Sync Options (MS-ASCMD 2.2.3.125.6, docs/sync.md §8): the preferences a device last sent
-- for a collection, per class (Nine sends an SMS block beside the mail one). Kept per
-- collection, not per SyncKey: they change only when a request carries a block for the class.
CREATE TABLE sync_options (
  device_id       INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  collection_id   INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  class           TEXT NOT NULL,
  filter_type     INTEGER NOT NULL,
  conflict        INTEGER,
  mime_support    INTEGER NOT NULL,
  mime_truncation INTEGER,
  truncation      INTEGER,
  PRIMARY KEY (device_id, collection_id, class)
);
-- Its BodyPreference (part 0) and BodyPartPreference (part 1) entries, in the order sent.
CREATE TABLE sync_body_preferences (
  device_id       INTEGER NOT NULL,
  collection_id   INTEGER NOT NULL,
  class           TEXT NOT NULL,
  part            INTEGER NOT NULL CHECK (part IN (0, 1)),
  position        INTEGER NOT NULL,
  type            INTEGER NOT NULL,
  truncation_size INTEGER,
  all_or_none     INTEGER NOT NULL,
  preview         INTEGER,
  PRIMARY KEY (device_id, collection_id, class, part, position),
  FOREIGN KEY (device_id, collection_id, class) REFERENCES sync_options(device_id, collection_id, class) ON DELETE CASCADE
);
-- A device repeating one SyncKey on a folder (docs/sync.md §9): the episode in progress.
CREATE TABLE sync_loops (
  device_id       INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  collection_id   INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  sync_key        INTEGER NOT NULL,
  repeats         INTEGER NOT NULL,
  window_size     INTEGER NOT NULL,
  item_id         INTEGER,
  refusals        INTEGER NOT NULL DEFAULT 0,
  skipped         INTEGER NOT NULL DEFAULT 0,
  started_at      TEXT NOT NULL,
  PRIMARY KEY (device_id, collection_id)
);
-- Items a device could not take, skipped for it alone (never deleted; \`device show\` lists them).
CREATE TABLE sync_skipped_items (
  device_id       INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  collection_id   INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  item_id         INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  subject         TEXT,
  skipped_at      TEXT NOT NULL,
  PRIMARY KEY (device_id, collection_id, item_id)
);
CREATE INDEX sync_skipped_items_item ON sync_skipped_items(item_id);
`,
  },
  {
    version: 9,
    sql: `
-- The directory profile the GAL shows (store/directory.ts, docs/clients.md rule 33).
ALTER TABLE accounts ADD COLUMN first_name TEXT;
ALTER TABLE accounts ADD COLUMN last_name TEXT;
ALTER TABLE accounts ADD COLUMN phone TEXT;
ALTER TABLE accounts ADD COLUMN mobile_phone TEXT;
ALTER TABLE accounts ADD COLUMN home_phone TEXT;
ALTER TABLE accounts ADD COLUMN office TEXT;
ALTER TABLE accounts ADD COLUMN title TEXT;
ALTER TABLE accounts ADD COLUMN company TEXT;
ALTER TABLE accounts ADD COLUMN alias TEXT;
ALTER TABLE accounts ADD COLUMN picture BLOB;
`,
  },
  {
    version: 11,
    sql: `
-- Accounts that may use the operator's console (serve --admin, docs/admin.md).
ALTER TABLE accounts ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 10,
    sql: `
-- Messages brought in by \`mail import\` (store/mail-import.ts, docs/store.md): the SHA-256 of
-- each message's bytes per folder, so an interrupted import run again skips what is in already.
-- A message deleted since stays recorded: a rerun does not bring it back.
CREATE TABLE mail_imports (
  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  digest    BLOB NOT NULL,
  PRIMARY KEY (folder_id, digest)
) WITHOUT ROWID;
`,
  },
  {
    version: 12,
    sql: `
-- Nothing here: migration 12 gives the nodes of a PostgreSQL store what they share (parked
-- requests, failed logins, the last Sync request; store/postgres/migrations.ts). SQLite's one
-- process keeps that in memory. The number keeps both series naming one model.
`,
  },
  {
    version: 13,
    sql: `
-- The last thing the user did with a message from a phone (MS-ASEMAIL LastVerbExecuted): 1 reply
-- to sender, 2 reply to all, 3 forward, set by SmartReply/SmartForward; and when (ISO 8601).
ALTER TABLE items ADD COLUMN last_verb INTEGER;
ALTER TABLE items ADD COLUMN last_verb_at TEXT;
`,
  },
  {
    version: 14,
    sql: `
-- Delivered messages not in messages_fts yet (store/messages.ts): a delivery commits without its
-- full-text entry, seven of its ~35 pages, so that the Pings it wakes are answered sooner; the
-- entry follows in a transaction of its own once they are (Store.indexPending), and Search
-- indexes what is left before it looks. A message deleted meanwhile takes its row with it.
CREATE TABLE messages_fts_pending (
  message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE
);
`,
  },
];

/** Brings the schema up to date; returns the resulting user_version. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const current = () => db.pragma('user_version', { simple: true }) as number;
  if (current() > latest) {
    throw new Error(`database schema version ${current()} is newer than this eas-push (${latest}); upgrade eas-push`);
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    try {
      db.transaction(() => {
        // Re-read inside the write lock: another process may have migrated meanwhile.
        if (current() >= m.version) return;
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } catch (err) {
      throw new Error(`schema migration ${m.version} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return current();
}
