// The store's public contract: what plugin/ and eas/ may use. store/ imports nothing of ours.
// Sync model: docs/sync.md (one modseq journal per account, cursors, tombstones).

/** EAS FolderHierarchy Type values (MS-ASCMD 2.2.3.186.3). */
export const FolderType = {
  UserGeneric: 1,
  Inbox: 2,
  Drafts: 3,
  DeletedItems: 4,
  SentItems: 5,
  Outbox: 6,
  Tasks: 7,
  Calendar: 8,
  Contacts: 9,
  Notes: 10,
  Journal: 11,
  UserMail: 12,
  UserCalendar: 13,
  UserContacts: 14,
  UserTasks: 15,
  UserJournal: 16,
  UserNotes: 17,
  Unknown: 18,
  RecipientInfoCache: 19,
} as const;

/** Kinds of change carried by the journal and the change feed. */
export type ChangeKind = 'add' | 'change' | 'delete' | 'move-in' | 'move-out';

/** Adds are what wake a parked Ping under --push-on adds (docs/push.md rule 4). */
export function isAddKind(kind: ChangeKind): boolean {
  return kind === 'add' || kind === 'move-in';
}

export interface Account {
  id: number;
  /** Lower-case canonical address, e.g. "alice@example.com". */
  address: string;
  displayName: string | null;
  createdAt: string;
}

/** An account's directory profile (docs/clients.md rule 33): what the GAL shows besides the name and address. */
export interface DirectoryProfile {
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  mobilePhone: string | null;
  homePhone: string | null;
  office: string | null;
  title: string | null;
  company: string | null;
  alias: string | null;
}

/** One account as the directory (GAL) shows it; the picture itself is read on its own. */
export interface DirectoryEntry extends DirectoryProfile {
  accountId: number;
  address: string;
  displayName: string | null;
  /** Bytes of the stored picture; 0 when there is none. */
  pictureSize: number;
}

/** A prefix lookup: `domain` null = every account, else only that domain's. */
export interface DirectoryQuery {
  text: string;
  domain: string | null;
  offset: number;
  limit: number;
}

/** Fields to set (null clears one, absent keeps it). */
export type DirectoryUpdate = Partial<DirectoryProfile> & { displayName?: string | null; picture?: Buffer | null };

export interface Folder {
  id: number;
  accountId: number;
  /** null for top level (EAS ParentId "0"). */
  parentId: number | null;
  name: string;
  type: number;
  /** True for the folders made with the account (cannot be renamed or deleted). */
  system: boolean;
  modseq: number;
}

/** Email address as a phone lists it: display name and address. */
export interface Address {
  name: string;
  address: string;
}

/** What the phone lists, derived from the raw message at delivery (plugin/parse.ts). */
export interface MessageSummary {
  subject: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  replyTo: Address[];
  /** The Date header (or delivery time when missing/invalid), ISO 8601 UTC. */
  date: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  threadTopic: string | null;
  /** 0 low, 1 normal, 2 high (EAS Importance). */
  importance: 0 | 1 | 2;
  hasAttachments: boolean;
  /** Plain-text preview, at most 255 characters, no markup. */
  preview: string;
}

export interface AttachmentInput {
  fileName: string;
  contentType: string;
  contentId: string | null;
  inline: boolean;
  content: Buffer;
}

/** Output of plugin/parse.ts: everything the store keeps beside the raw bytes. */
export interface ParsedMessage {
  summary: MessageSummary;
  /** Plain-text body (UTF-8), if the message has one or one can be derived. */
  text: string | null;
  /** HTML body, if the message has one. */
  html: string | null;
  attachments: AttachmentInput[];
  /** True when the MIME could not be parsed and fields are best-effort. */
  malformed: boolean;
  /**
   * The message's iCalendar part (RFC 6047 iMIP: a text/calendar part, inline or attached), as
   * text, with the METHOD its Content-Type names (upper case) or null. Absent/null: none.
   */
  calendar?: { method: string | null; text: string } | null;
}

export interface Flag {
  /** 0 cleared, 1 complete, 2 active (MS-ASEMAIL FlagStatus). */
  status: 0 | 1 | 2;
  flagType?: string;
  startDate?: string;
  dueDate?: string;
  completeTime?: string;
}

export interface AttachmentMeta {
  /** 1-based position among the message's attachments. */
  index: number;
  /** Opaque, URL-safe, unique across the server: what EAS calls FileReference. */
  fileReference: string;
  fileName: string;
  contentType: string;
  contentId: string | null;
  inline: boolean;
  size: number;
}

/** What every stored item has, whatever its class: its place in a folder and in the journal. */
export interface ItemBase {
  id: number;
  accountId: number;
  folderId: number;
  read: boolean;
  flag: Flag | null;
  categories: string[];
  /**
   * The item's place in FilterType windows (ISO 8601 UTC): for mail when it arrived in this
   * folder (delivery or move); for other classes the time their class computes (an event's
   * last end, far future for what never leaves the window). See docs/store.md.
   */
  receivedAt: string;
  createdModseq: number;
  modseq: number;
  deletedModseq: number | null;
}

/** A mail item: one placement of one stored message in one folder. */
/** MS-ASEMAIL LastVerbExecuted: what the user last did with a message from a phone. */
export const LastVerb = {
  ReplyToSender: 1,
  ReplyToAll: 2,
  Forward: 3,
} as const;
export type LastVerb = (typeof LastVerb)[keyof typeof LastVerb];

export interface LastVerbExecuted {
  verb: LastVerb;
  /** ISO 8601 (LastVerbExecutionTime). */
  at: string;
}

/** What Store.updateItem changes; a field left out keeps its value. */
export interface ItemStateChange {
  read?: boolean;
  flag?: Flag | null;
  categories?: string[];
  /** Only for mail; set by SmartReply/SmartForward. */
  lastVerb?: LastVerbExecuted;
}

export interface MailItem extends ItemBase {
  kind: 'mail';
  messageId: number;
  summary: MessageSummary;
  /** Size of the raw message in bytes. */
  size: number;
  attachments: AttachmentMeta[];
  /** Delivery.meeting as it was stored; null for plain mail. */
  meeting: unknown;
  /** Replied to or forwarded from a phone, and when; null: neither. */
  lastVerb: LastVerbExecuted | null;
}

/**
 * An item that is not a mail message (calendar, contact, task, note…): a JSON document the
 * item's class owns (the store only keeps it), with the class's UID when it has one.
 */
export interface DocItem extends ItemBase {
  kind: 'doc';
  data: unknown;
  uid: string | null;
}

export type Item = MailItem | DocItem;

/** A document as a class hands it to the store. */
export interface DocInput {
  /** JSON-serialisable; kept as is and handed back as is. */
  data: unknown;
  uid: string | null;
  /** See ItemBase.receivedAt. */
  windowAt: string;
}

export function isMailItem(item: Item | null | undefined): item is MailItem {
  return item?.kind === 'mail';
}

export interface MessageBody {
  text: string | null;
  html: string | null;
  raw: Buffer;
}

/** A device position in a collection: the cursor of docs/sync.md §2. */
export interface Cursor {
  modseq: number;
  itemId: number;
}

/**
 * The FilterType window a device holds (docs/sync.md §6): items received at or after `receivedAt`
 * (ties broken by id, at or after `itemId`). Items leaving it are sent once as SoftDelete.
 */
export interface WindowStart {
  receivedAt: string;
  itemId: number;
}

export type ItemChange =
  | { kind: 'add'; item: Item }
  | { kind: 'change'; item: Item }
  | { kind: 'delete'; itemId: number; folderId: number }
  | { kind: 'soft-delete'; itemId: number; folderId: number };

export interface ChangesQuery {
  accountId: number;
  folderId: number;
  /** The device asking: its own changes (origin) are skipped (docs/push.md rule 6). */
  deviceRowId: number;
  cursor: Cursor;
  /** At most this many changes. */
  limit: number;
  /** Only items received at or after this ISO time count as adds (FilterType); null = all. */
  since: string | null;
  /**
   * The account head when this sync relationship began (SyncKey 0, `SyncState.ownAfter`): only
   * the device's own changes after it are skipped, and changes at or before it are already in
   * what the device was sent. Undefined: read from the device's latest state of the folder;
   * null (or no state): the old rule, own changes skipped whenever the cursor is past 0.
   */
  ownAfter?: number | null;
  /**
   * The window the device holds (`SyncState.window`): live items it holds that are now older
   * than `since` come first, as soft-deletes. Null/undefined: none are sent.
   */
  window?: WindowStart | null;
}

/** Store.pendingFolders: docs/push.md rule 2. */
export interface PendingQuery {
  accountId: number;
  deviceRowId: number;
  folderIds: readonly number[];
  /**
   * A folder with a sync state of the device is compared with the cursor of its latest SyncKey
   * (own changes skipped as in ChangesQuery); one it never synced with this cursor, adds only.
   */
  baseline: Cursor;
  /** Only adds count (docs/push.md rule 5); false: any change. */
  addsOnly: boolean;
}

export interface ChangesPage {
  changes: ItemChange[];
  /** Where the device stands after receiving these changes. */
  next: Cursor;
  /** More changes remain after `next`. */
  more: boolean;
  /** The window the device holds after this page (save it in the state); only when `since` is set. */
  window?: WindowStart | null;
}

export interface Device {
  id: number;
  accountId: number;
  deviceId: string;
  deviceType: string;
  userAgent: string | null;
  protocolVersion: string | null;
  /** The PolicyKey the device acknowledged (final), or null. */
  policyKey: number | null;
  /** Temporary key handed out in Provision step 1, awaiting acknowledgement. */
  pendingPolicyKey: number | null;
  wipe: 'none' | 'requested' | 'account-only-requested' | 'acknowledged';
  /** Settings/Provision DeviceInformation (Model, IMEI, FriendlyName, OS, …). */
  info: Record<string, string>;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Cached Ping parameters for an empty Ping (docs/push.md rule 1). */
  pingHeartbeat: number | null;
  pingFolders: number[] | null;
}

export interface SyncState {
  deviceRowId: number;
  /** Folder id, or 0 for the folder hierarchy (FolderSync). */
  collectionId: number;
  syncKey: number;
  cursor: Cursor;
  /** FilterType the state was made with (a change means a new initial sync). */
  filterType: number;
  /** JSON of the client-command outcomes of the request that produced this key (retry replay). */
  replay: string | null;
  /** See ChangesQuery.ownAfter: the head at SyncKey 0, carried by every later key. */
  ownAfter?: number | null;
  /** See ChangesQuery.window / ChangesPage.window. */
  window?: WindowStart | null;
}

/** One BodyPreference or BodyPartPreference of sticky Sync Options (store/sync-options.ts). */
export interface StoredBodyPreference {
  type: number;
  truncationSize: number | null;
  allOrNone: boolean;
  preview: number | null;
}

/** The sticky Sync Options of one class in one collection of one device (docs/sync.md §8). */
export interface StoredSyncOptions {
  /** The Class the block was for ("Email", "SMS", "Calendar"…). */
  className: string;
  filterType: number;
  conflict: number | null;
  mimeSupport: number;
  mimeTruncation: number | null;
  truncation: number | null;
  bodyPreferences: StoredBodyPreference[];
  bodyPartPreferences: StoredBodyPreference[];
}

/** A device repeating one SyncKey on a folder: the episode in progress (docs/sync.md §9). */
export interface SyncLoop {
  deviceRowId: number;
  collectionId: number;
  /** The key being repeated. */
  syncKey: number;
  repeats: number;
  /** The window the last answer was computed with. */
  windowSize: number;
  /** The item sent alone in the last answer (window 1), or null. */
  itemId: number | null;
  /** How many times the client refused `itemId` sent alone. */
  refusals: number;
  /** An item was skipped in this episode. */
  skipped: boolean;
  startedAt: string;
}

/** An item a device could not take, skipped for that device only. */
export interface SkippedItem {
  collectionId: number;
  itemId: number;
  /** Subject (mail) when it was skipped; null when the item has none. */
  subject: string | null;
  skippedAt: string;
}

/** Wake-up from the change feed: no payload but the folder and the kind (docs/style.md). */
export type ChangeListener = (folderId: number, kind: ChangeKind) => void;

/** The two long polls that park: Ping, and Sync with Wait or HeartbeatInterval (docs/push.md). */
export type ParkKind = 'ping' | 'sync';

/**
 * "Device `deviceRowId` of the account parked a newer request on another node" (docs/push.md
 * rule 3): the listener ends this node's request of the device, as a newer one on this node would.
 */
export type ParkedElsewhereListener = (accountId: number, deviceRowId: number, kind: ParkKind) => void;

export interface ChangeFeed {
  /**
   * Listen for committed changes to any of `folderIds` of the account.
   * Returns an unsubscribe function: O(1), idempotent, leaves nothing behind.
   */
  subscribe(accountId: number, folderIds: Iterable<number>, listener: ChangeListener): () => void;
  /** Number of live subscriptions (tests assert it drops to 0). */
  size(): number;
  /**
   * Listen for requests parked on other nodes of the same store (Store.announceParked there),
   * each newer than any request of that device this node announced before it. Never called for
   * this node's own announcements, nor by a store one process holds alone (SQLite). Returns an
   * unsubscribe function.
   */
  subscribeParked(listener: ParkedElsewhereListener): () => void;
}

export interface SearchQuery {
  accountId: number;
  text: string;
  folderId?: number;
  /** Zero-based range, inclusive, as EAS Range "0-9". */
  rangeStart: number;
  rangeEnd: number;
}

export interface SearchResult {
  total: number;
  items: MailItem[];
}

export interface Delivery {
  accountId: number;
  /** The exact bytes to keep (the received message plus Return-Path/Delivered-To). */
  raw: Buffer;
  /** Defaults to the account's Inbox. */
  folderId?: number;
  /**
   * What the message is as a meeting message (an invitation, a cancellation, a reply), as the
   * Email class reads it back (MailItem.meeting); JSON, opaque to the store. Absent: plain mail.
   */
  meeting?: unknown;
  /** Documents written in the same transaction as the message (the event an invitation places). */
  docs?: DocWrite[];
}

/** A document written with a delivery: replaces the live document `itemId`, or adds one. */
export interface DocWrite {
  folderId: number;
  /** The live document to replace; null (or gone meanwhile) adds a new one to `folderId`. */
  itemId: number | null;
  doc: DocInput;
}

/** Additions to one recipient's copy of a delivery (see Delivery.meeting, Delivery.docs). */
export type DeliveryAdditions = Pick<Delivery, 'meeting' | 'docs'>;

/** What a DeliveryPlan reads of one recipient's account, inside the delivery's transaction. */
export interface PlanView {
  account: Account;
  /** The account's live folders, by id. */
  folders: Folder[];
  /** The account's live document with the plan's UID, in any of its folders; null when none. */
  docByUid: DocItem | null;
}

/**
 * The part of a delivery that depends on what the recipients' accounts hold (an invitation
 * updates the event of its UID): Store.deliver runs it inside the delivery's one transaction,
 * with the recipients' accounts locked, so what it read is what the commit sees and no other
 * write of those accounts comes between (docs/store.md "Atomic units").
 */
export interface DeliveryPlan {
  /** The document UID whose live document `plan` is shown in each recipient's account. */
  uid: string;
  /**
   * Synchronous and without I/O; may run more than once (a store may retry its transaction).
   * What it returns for an account is added to that account's copy; what it throws fails the
   * delivery, and nothing is written.
   */
  plan(views: ReadonlyMap<number, PlanView>): ReadonlyMap<number, DeliveryAdditions>;
}

export interface DeliveredItem {
  accountId: number;
  folderId: number;
  itemId: number;
}

/** One message of a `mail import` batch (store/mail-import.ts). */
export interface ImportedMessage {
  /** The message's bytes, kept exactly. */
  raw: Buffer;
  parsed: ParsedMessage;
  /** When it arrived in its old mailbox (ISO 8601): its place in FilterType windows. */
  receivedAt: string;
  read: boolean;
  flagged: boolean;
  /** SHA-256 of `raw`: a message already imported into the folder with it is skipped. */
  digest: Buffer;
}

export interface MailImportResult {
  itemIds: number[];
  /** Messages of the batch imported into the folder before (or twice in the batch). */
  skipped: number;
}

/** Who made a change: a device row id, or null for deliveries and the CLI. */
export type Origin = number | null;

export interface FolderChanges {
  added: Folder[];
  changed: Folder[];
  deleted: number[];
  head: number;
}

/**
 * The store. Every write is one SQLite transaction that takes the account's next modseq,
 * writes a journal row per change, and publishes to the change feed only after COMMIT.
 * Errors it throws on bad input are StoreError with a code.
 */
/** A failed-login counter shared by the nodes of a store (eas/http/login-throttle.ts). */
export interface LoginFailureCounter {
  key: string;
  /** ms since the epoch. */
  windowStart: number;
  failures: number;
}

export interface LoginFailureStore {
  /** The counters among `keys` whose window (started after now - windowMs) is still open. */
  read(keys: string[], now: number, windowMs: number): Promise<LoginFailureCounter[]>;
  /** One failure more on each key, a counter whose window has passed starting again at `now`; the counters after it. */
  bump(keys: string[], now: number, windowMs: number): Promise<LoginFailureCounter[]>;
  clear(key: string): Promise<void>;
  /** Deletes the counters whose window has passed, then the oldest beyond `maxRows`. */
  prune(now: number, windowMs: number, maxRows: number): Promise<void>;
  size(): Promise<number>;
}

/** The last full Sync request of each device (eas/sync/request-cache.ts), as the JSON it gives. */
export interface SyncRequestStore {
  get(deviceRowId: number): Promise<string | null>;
  set(deviceRowId: number, request: string): Promise<void>;
}

/**
 * What the nodes of a shared store keep in it, where one process keeps it in memory
 * (docs/postgres.md "Rules across nodes"): the failed-login counters and each device's last Sync
 * request. Ephemeral: losing it costs a client a retry at most.
 */
export interface SharedNodeState {
  loginFailures: LoginFailureStore;
  syncRequests: SyncRequestStore;
}

export interface Store {
  readonly feed: ChangeFeed;
  /** Absent when one process holds the store (SQLite): the server then keeps this state in memory. */
  readonly shared?: SharedNodeState;
  close(): Promise<void>;
  /**
   * Publishes to the feed what other processes committed to the same file since the last call
   * (store/external-commits.ts); the server calls it on a short timer. Returns the wake-ups sent.
   */
  publishExternalCommits(): Promise<number>;

  // accounts
  createAccount(address: string, password: string, displayName?: string): Promise<Account>;
  /** Case-insensitive; "alice+tag@x" resolves to "alice@x". */
  findAccount(address: string): Promise<Account | null>;
  getAccount(accountId: number): Promise<Account | null>;
  /** Constant-time scrypt check; null when the address or password is wrong. */
  verifyPassword(address: string, password: string): Promise<Account | null>;
  /** verifyPassword with the hash computed off the event loop (libuv thread pool): the request path. */
  verifyPasswordAsync(address: string, password: string): Promise<Account | null>;
  /**
   * The account when these credentials were verified before and the stored hash is unchanged;
   * null otherwise (then verifyPasswordAsync decides). Never hashes: a signed-in phone's request.
   */
  knownCredentials(address: string, password: string): Promise<Account | null>;
  setPassword(address: string, password: string): Promise<void>;
  removeAccount(address: string): Promise<void>;
  listAccounts(): Promise<Account[]>;

  // the directory (store/directory.ts)
  /** Accounts whose display name (or a word of it), first or last name, alias or address starts with the text. */
  searchDirectory(q: DirectoryQuery): Promise<{ total: number; entries: DirectoryEntry[] }>;
  directoryEntry(accountId: number): Promise<DirectoryEntry | null>;
  directoryPicture(accountId: number): Promise<Buffer | null>;
  updateDirectoryEntry(accountId: number, update: DirectoryUpdate): Promise<DirectoryEntry>;

  // folders
  listFolders(accountId: number): Promise<Folder[]>;
  getFolder(accountId: number, folderId: number): Promise<Folder | null>;
  folderByType(accountId: number, type: number): Promise<Folder | null>;
  createFolder(accountId: number, parentId: number | null, name: string, type: number, origin: Origin): Promise<Folder>;
  updateFolder(accountId: number, folderId: number, parentId: number | null, name: string, origin: Origin): Promise<Folder>;
  /**
   * Deletes the folder with its subfolders and items. Returns the live items it took from the
   * folders whose type is in `itemsOf`, read in the delete's own transaction, as they were (for
   * what must follow their deletion: a meeting's CANCEL); none without `itemsOf`.
   */
  deleteFolder(accountId: number, folderId: number, origin: Origin, itemsOf?: readonly number[]): Promise<Item[]>;
  /** Folder hierarchy changes after `sinceModseq` (FolderSync). */
  folderChanges(accountId: number, sinceModseq: number): Promise<FolderChanges>;

  // mail
  /**
   * All recipients in one transaction: all or none. With a plan, the plan runs in that
   * transaction first and what it returns is added to each recipient's copy (DeliveryPlan).
   */
  deliver(deliveries: Delivery[], parsed: ParsedMessage, plan?: DeliveryPlan): Promise<DeliveredItem[]>;
  /**
   * Writes the full-text entries a delivery left for after its commit (SQLite: docs/store.md
   * "Full-text entries after the commit"); returns how many. The delivery calls it once the
   * requests its commit woke are answered; search does it first by itself. PostgreSQL writes them
   * in the delivery's transaction: nothing to do.
   */
  indexPending(): Promise<number>;
  /** A message put into a folder by a client (Drafts, Sent Items copy). */
  addItem(accountId: number, folderId: number, raw: Buffer, parsed: ParsedMessage, origin: Origin, read?: boolean): Promise<MailItem>;

  // documents (items of the other classes: docs/store.md)
  /** A new document item in the folder. */
  addDoc(accountId: number, folderId: number, doc: DocInput, origin: Origin): Promise<DocItem>;
  /** Replaces a live document item's content (same id): a 'change' unless nothing differs. Null if no such item. */
  replaceDoc(accountId: number, itemId: number, doc: DocInput, origin: Origin): Promise<DocItem | null>;
  /** The live document item of the folder (any folder of the account when null) with this UID. */
  findDocByUid(accountId: number, folderId: number | null, uid: string): Promise<DocItem | null>;
  /**
   * Adds or updates (by UID, within the folder) many documents in one transaction: all or none.
   * Entries without a UID are always added.
   */
  upsertDocs(accountId: number, folderId: number, docs: DocInput[], origin: Origin): Promise<{ added: number; updated: number; unchanged: number }>;
  getItem(accountId: number, itemId: number): Promise<Item | null>;
  /** Live items of a folder, newest first. */
  listItems(accountId: number, folderId: number, limit?: number): Promise<Item[]>;
  countItems(accountId: number, folderId: number): Promise<number>;
  getBody(accountId: number, itemId: number): Promise<MessageBody | null>;
  getAttachment(accountId: number, fileReference: string): Promise<(AttachmentMeta & { content: Buffer }) | null>;
  updateItem(
    accountId: number,
    itemId: number,
    change: ItemStateChange,
    origin: Origin,
  ): Promise<Item | null>;
  deleteItem(accountId: number, itemId: number, origin: Origin): Promise<boolean>;
  /**
   * Tombstone in the source, new item (new id) in the destination, same receivedAt; returns it.
   * By default the mover knows the new item (MoveItems answered DstMsgId) and is not sent its
   * Add; `moverKnows: false` (Sync delete-as-move) sends it the Add like any other device.
   */
  moveItem(accountId: number, itemId: number, destFolderId: number, origin: Origin, options?: { moverKnows?: boolean }): Promise<Item | null>;
  /**
   * Replaces the message of a live item (a draft edited by a client): same id and ServerId,
   * new raw and parsed content, a 'change' for the account's other devices. Null if no such item.
   */
  replaceMessage(accountId: number, itemId: number, raw: Buffer, parsed: ParsedMessage, origin: Origin): Promise<MailItem | null>;
  /**
   * A batch of imported mail into one folder in one transaction, journaled as adds that wake
   * parked devices only with `push` (docs/push.md rule 12); already imported messages are skipped.
   */
  importMail(accountId: number, folderId: number, messages: readonly ImportedMessage[], options: { push: boolean }): Promise<MailImportResult>;
  /** True when a message with this SHA-256 was imported into the folder before. */
  isImported(folderId: number, digest: Buffer): Promise<boolean>;
  emptyFolder(accountId: number, folderId: number, origin: Origin, includeSubfolders?: boolean): Promise<number>;
  search(query: SearchQuery): Promise<SearchResult>;

  // sync
  headModseq(accountId: number): Promise<number>;
  changes(query: ChangesQuery): Promise<ChangesPage>;
  /** Count of changes pending for the device after the cursor (GetItemEstimate). */
  countChanges(query: Omit<ChangesQuery, 'limit'>): Promise<number>;
  /**
   * The monitored folders with something pending for the device, in the order given (Ping and
   * Sync with Wait, on parking and on every wake: one call for all of them). See PendingQuery.
   */
  pendingFolders(query: PendingQuery): Promise<number[]>;
  /** Is anything in the folder pending for this device after `cursor`? (Ping) `ownAfter` as in ChangesQuery. */
  hasPending(accountId: number, folderId: number, deviceRowId: number, cursor: Cursor, addsOnly: boolean, ownAfter?: number | null): Promise<boolean>;
  getSyncState(deviceRowId: number, collectionId: number, syncKey: number): Promise<SyncState | null>;
  /** Latest state of the collection for the device, whatever its key. */
  latestSyncState(deviceRowId: number, collectionId: number): Promise<SyncState | null>;
  /** Saves state N; keeps N-1 for retries; drops older ones. */
  saveSyncState(state: SyncState): Promise<void>;
  /** Forget all states of a collection (SyncKey 0, Status 3). */
  resetSyncState(deviceRowId: number, collectionId: number): Promise<void>;
  /** The sticky Options a device last sent for `className` in a collection, or null. */
  getSyncOptions(deviceRowId: number, collectionId: number, className: string): Promise<StoredSyncOptions | null>;
  /** Replaces the sticky Options of `options.className` (the other classes keep theirs). */
  saveSyncOptions(deviceRowId: number, collectionId: number, options: StoredSyncOptions): Promise<void>;
  /**
   * Has the item changed since `cursor` by anyone but the device (docs/sync.md §10: a client
   * Change conflicts)? False for a missing item.
   */
  changedByOthersSince(accountId: number, itemId: number, cursor: Cursor, deviceRowId: number): Promise<boolean>;
  /** The repeated-SyncKey episode of a device and folder, or null (docs/sync.md §9). */
  syncLoop(deviceRowId: number, collectionId: number): Promise<SyncLoop | null>;
  saveSyncLoop(loop: SyncLoop): Promise<void>;
  endSyncLoop(deviceRowId: number, collectionId: number): Promise<void>;
  /** Marks an item skipped for the device (idempotent). */
  skipItem(deviceRowId: number, collectionId: number, itemId: number, subject: string | null, at: string): Promise<void>;
  /** Lifts the skips of a collection (the device starts it over at SyncKey 0). */
  clearSkippedItems(deviceRowId: number, collectionId: number): Promise<void>;
  /** Ids of the items skipped for the device in the collection. */
  skippedItemIds(deviceRowId: number, collectionId: number): Promise<Set<number>>;
  /** Every item skipped for the device, oldest first. */
  skippedItems(deviceRowId: number): Promise<SkippedItem[]>;

  /**
   * Purges what no device can still need: item tombstones (and their journal rows, and the
   * messages no item references any more) below every sync state's cursor of their folder; in a
   * folder no device syncs, those deleted longer than `retentionDays` ago (default 30). Deleted
   * folders likewise, by the hierarchy (FolderSync) cursors of the account's devices. Cheap
   * enough to run every few minutes; one short transaction per account. Returns counts.
   */
  maintenance(options?: MaintenanceOptions): Promise<MaintenanceResult>;

  // devices
  /** Find or create the device row; updates type/user agent/version/last seen. */
  touchDevice(
    accountId: number,
    deviceId: string,
    seen: { deviceType: string; userAgent: string | null; protocolVersion: string | null },
  ): Promise<Device>;
  getDevice(accountId: number, deviceId: string): Promise<Device | null>;
  listDevices(accountId?: number): Promise<Device[]>;
  updateDevice(
    deviceRowId: number,
    change: Partial<Pick<Device, 'policyKey' | 'pendingPolicyKey' | 'wipe' | 'info' | 'pingHeartbeat' | 'pingFolders'>>,
  ): Promise<Device>;
  removeDevice(deviceRowId: number): Promise<void>;

  // push diagnostics (store/push-history.ts; written by eas/push/history.ts)
  /** Applies the ops in order in one transaction; keeps each device's newest 50 entries. */
  writePushHistory(ops: readonly PushHistoryOp[]): Promise<void>;
  /** The device's recent Pings and Sync-Waits, newest first. */
  pushHistory(deviceRowId: number, limit?: number): Promise<PushHistoryEntry[]>;
  /** At server start: ends the entries a previous process left open ('interrupted'); returns the next free entry id. */
  resumePushHistory(now: string): Promise<number>;

  // one parked request per device across nodes (docs/push.md rule 3, docs/postgres.md "Parked elsewhere")
  /**
   * A Ping or Sync with Wait of the device is being parked on this node: tells every other node
   * sharing the store, whose feeds call their ParkedElsewhereListeners for it (which end their
   * older request of the device). Announcements of one device are totally ordered, the same on
   * every node, and the newest wins: this one takes its place among them when it is called, not
   * when its Promise resolves, and two nodes announcing at once never both end the other's
   * request. Resolves once the other nodes are sure to hear of it (PostgreSQL: the NOTIFY is
   * committed); rejects when it could not be sent (the request stays parked here regardless).
   * SQLite: one process holds every waiter, so there is nobody to tell; resolves at once.
   *
   * Resolves with the account's requests parked on the other nodes, this device's left out (the
   * per-account cap, docs/push.md rule 8): read by the announcement's own statement, so the cap
   * costs no round trip more. SQLite: 0.
   */
  announceParked(accountId: number, deviceRowId: number, kind: ParkKind): Promise<number>;
  /**
   * The device's request announced last by this node has ended (answered, superseded, gone): it
   * no longer counts for the cap on other nodes. Sent in batches after the announcement's own
   * statement; resolves at once, a failure is logged by the store. SQLite: nothing to do.
   */
  withdrawParked(accountId: number, deviceRowId: number): Promise<void>;

  // the operator's console (store/admins.ts, docs/admin.md)
  isAdmin(accountId: number): Promise<boolean>;
  /** False when there is no such account. */
  setAdmin(accountId: number, admin: boolean): Promise<boolean>;

  // sent ClientIds (store/client-ids.ts): a resend of a sent message is recognised
  /** 'claimed': send it; 'sent': already sent; 'in-flight': another request is sending it now. */
  claimClientId(deviceRowId: number, clientId: string, now?: Date): Promise<ClientIdClaim>;
  markClientIdSent(deviceRowId: number, clientId: string, now?: Date): Promise<void>;
  /** After a failed send: the retry is sent as a new message. */
  releaseClientId(deviceRowId: number, clientId: string): Promise<void>;

  // settings
  getOof(accountId: number): Promise<Record<string, unknown> | null>;
  setOof(accountId: number, oof: Record<string, unknown>): Promise<void>;
}

/** How a parked Ping or Sync-Wait ended (eas/push/types.ts ParkOutcomeReason, plus 'interrupted'). */
export type PushHistoryOutcome =
  | 'add'
  | 'change'
  | 'expiry'
  | 'superseded'
  | 'shutdown'
  | 'disconnect'
  /** The server stopped without answering (crash or kill); set at the next start. */
  | 'interrupted';

/** One write to the push history; ids are given by the (single) server process. */
export type PushHistoryOp =
  | { op: 'start'; id: number; deviceRowId: number; kind: 'ping' | 'sync'; startedAt: string; heartbeatSeconds: number; folderIds: number[] }
  | { op: 'end'; id: number; endedAt: string; outcome: PushHistoryOutcome; reported: number[]; commitToAnswerMs: number | null }
  /** The device's next request after the entry ended (the gap support asks about). */
  | { op: 'next'; id: number; at: string; cmd: string };

export interface PushHistoryEntry {
  id: number;
  deviceRowId: number;
  kind: 'ping' | 'sync';
  startedAt: string;
  heartbeatSeconds: number;
  folderIds: number[];
  /** Null while the request is parked. */
  endedAt: string | null;
  outcome: PushHistoryOutcome | null;
  /** Folders the answer reported. */
  reported: number[];
  /** When woken by a commit: ms from the commit to the answer. */
  commitToAnswerMs: number | null;
  nextRequestAt: string | null;
  nextRequestCmd: string | null;
}

export interface MaintenanceOptions {
  /** Tombstones in folders no device syncs are kept this long after deletion. Default 30. */
  retentionDays?: number;
  /** Item sync states of devices not seen this long are dropped (Status 3 when they return). Default 180. */
  staleDeviceDays?: number;
  /** Sent ClientIds are remembered this long (a resend later is sent again). Default 7. */
  clientIdDays?: number;
  /** Most rows of each kind deleted per folder and run. Default 10,000. */
  batch?: number;
  /** Now, for tests. */
  now?: Date;
}

export interface MaintenanceResult {
  tombstones: number;
  messages: number;
  journal: number;
  /** Deleted folder rows every device's FolderSync has passed (or older than the retention). */
  folders: number;
  /** Sent ClientIds older than `clientIdDays`. */
  clientIds?: number;
}

/** The outcome of claiming a ClientId before a send (Store.claimClientId). */
export type ClientIdClaim = 'claimed' | 'sent' | 'in-flight';

export type StoreErrorCode =
  | 'account-exists'
  | 'no-such-account'
  | 'invalid-address'
  | 'no-such-folder'
  | 'folder-exists'
  | 'system-folder'
  | 'bad-parent'
  | 'no-such-item'
  /** Folder name empty, too long or with control characters, or a type a client may not create. */
  | 'invalid-folder'
  | 'no-such-device'
  /** A directory profile value the store refuses (a picture over 100 KB). */
  | 'invalid-profile';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}
