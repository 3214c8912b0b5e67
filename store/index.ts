// The SQLite mailbox store: openStore() composes the parts over one connection.
import { createAccounts } from './accounts.js';
import { createAdmins } from './admins.js';
import { createChangeFeed } from './change-feed.js';
import { createClientIds } from './client-ids.js';
import { startCheckpointer, type CheckpointerOptions } from './checkpointer.js';
import { openDatabase, type Durability } from './db.js';
import { runDeliveryPlan } from './delivery-plan.js';
import { createDevices } from './devices.js';
import { createDirectory } from './directory.js';
import { createDocs } from './docs.js';
import { createExternalCommits } from './external-commits.js';
import { createPushHistory } from './push-history.js';
import { createFolders } from './folders.js';
import { createItemChanges } from './item-changes.js';
import { createItems } from './items.js';
import { createMaintenance } from './maintenance.js';
import { createMailImport } from './mail-import.js';
import { migrate } from './migrations.js';
import { createPendingIndexer } from './messages.js';
import { createPendingFolders } from './pending.js';
import { createSearch } from './search.js';
import { createSyncStates } from './sync-state.js';
import { createSyncOptions } from './sync-options.js';
import { createSyncLoops } from './sync-loops.js';
import type { Store } from './types.js';
import { createWriter } from './transaction.js';
import { promised, type Synchronous } from './promised.js';

export * from './types.js';
export { HEAD_ITEM } from './item-changes.js';

export interface StoreOptions {
  /** 'full' also survives power loss, at the cost of an fsync per commit. Default 'normal'. */
  durability?: Durability;
  /** A change-feed listener threw (the write is committed regardless). Default: a process warning. */
  onListenerError?: (err: unknown) => void;
  /** Checkpoint the WAL on a worker thread (the server does; one-shot CLI commands need not). */
  checkpoints?: CheckpointerOptions;
}

export function openStore(file: string, options: StoreOptions = {}): Store {
  const db = openDatabase(file, options.durability);
  try {
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const feed = createChangeFeed(
    options.onListenerError ??
      ((err) => process.emitWarning(`change feed listener failed: ${err instanceof Error ? err.stack : String(err)}`)),
  );
  const write = createWriter(db, feed);
  const items = createItems(db, write);
  const docs = createDocs(db, write, items);
  const folders = createFolders(db, write, items.tombstoneFolderItems, items.listItems);
  const accounts = createAccounts(db, write, folders.createSystemFolders);
  const devices = createDevices(db);
  const directory = createDirectory(db);
  const pushHistory = createPushHistory(db);
  const admins = createAdmins(db);
  const syncStates = createSyncStates(db);
  const syncOptions = createSyncOptions(db);
  const syncLoops = createSyncLoops(db);
  const clientIds = createClientIds(db);
  const itemChanges = createItemChanges(db);
  const indexPending = createPendingIndexer(db);
  const search = createSearch(db, indexPending);
  const mailImport = createMailImport(db, write, items.place, items.requireFolder);
  const planReads = { getAccount: accounts.getAccount, listFolders: folders.listFolders, findDocByUid: docs.findDocByUid };

  const checkpointer = options.checkpoints ? startCheckpointer(db, file, options.checkpoints) : null;

  // better-sqlite3 is synchronous: each call runs (and a write commits) before it returns; the
  // contract's Promise only carries the result (docs/store.md "The asynchronous contract").
  const sync: Synchronous<Omit<Store, 'verifyPasswordAsync'>> = {
    // The one method that waits: the checkpoint worker's connection is closed before this one,
    // so the file is free for an exclusive lock (a restore) once close resolves.
    close: async () => {
      await checkpointer?.stop();
      db.close();
    },
    publishExternalCommits: createExternalCommits(db, feed),

    createAccount: accounts.createAccount,
    findAccount: accounts.findAccount,
    getAccount: accounts.getAccount,
    verifyPassword: accounts.verifyPassword,
    knownCredentials: accounts.knownCredentials,
    setPassword: accounts.setPassword,
    removeAccount: accounts.removeAccount,
    searchDirectory: directory.searchDirectory,
    directoryEntry: directory.directoryEntry,
    directoryPicture: directory.directoryPicture,
    updateDirectoryEntry: directory.updateDirectoryEntry,
    listAccounts: accounts.listAccounts,

    listFolders: folders.listFolders,
    getFolder: folders.getFolder,
    folderByType: folders.folderByType,
    createFolder: folders.createFolder,
    updateFolder: folders.updateFolder,
    deleteFolder: folders.deleteFolder,
    folderChanges: folders.folderChanges,

    deliver: (deliveries, parsed, plan) =>
      items.deliver(deliveries, parsed, docs.writeDocs, plan && ((ds) => runDeliveryPlan(planReads, ds, plan))),
    indexPending,
    addItem: items.addItem,
    getItem: items.getItem,
    listItems: items.listItems,
    countItems: items.countItems,
    getBody: items.getBody,
    getAttachment: items.getAttachment,
    updateItem: items.updateItem,
    deleteItem: items.deleteItem,
    moveItem: items.moveItem,
    replaceMessage: items.replaceMessage,
    importMail: mailImport.importMail,
    isImported: mailImport.isImported,
    addDoc: docs.addDoc,
    replaceDoc: docs.replaceDoc,
    findDocByUid: docs.findDocByUid,
    upsertDocs: docs.upsertDocs,
    emptyFolder: folders.emptyFolder,
    search,

    headModseq: accounts.headModseq,
    changes: itemChanges.changes,
    countChanges: itemChanges.countChanges,
    pendingFolders: createPendingFolders(syncStates, itemChanges),
    hasPending: itemChanges.hasPending,
    getSyncState: syncStates.getSyncState,
    latestSyncState: syncStates.latestSyncState,
    saveSyncState: syncStates.saveSyncState,
    resetSyncState: syncStates.resetSyncState,
    getSyncOptions: syncOptions.getSyncOptions,
    saveSyncOptions: syncOptions.saveSyncOptions,
    changedByOthersSince: syncLoops.changedByOthersSince,
    syncLoop: syncLoops.syncLoop,
    saveSyncLoop: syncLoops.saveSyncLoop,
    endSyncLoop: syncLoops.endSyncLoop,
    skipItem: syncLoops.skipItem,
    clearSkippedItems: syncLoops.clearSkippedItems,
    skippedItemIds: syncLoops.skippedItemIds,
    skippedItems: syncLoops.skippedItems,
    maintenance: createMaintenance(db),

    touchDevice: devices.touchDevice,
    getDevice: devices.getDevice,
    listDevices: devices.listDevices,
    updateDevice: devices.updateDevice,
    removeDevice: devices.removeDevice,

    writePushHistory: pushHistory.writePushHistory,
    pushHistory: pushHistory.pushHistory,
    resumePushHistory: pushHistory.resumePushHistory,
    // One process holds every waiter of a SQLite store: its registry already keeps one parked
    // request per device (docs/push.md rule 3), and there is no other node to tell.
    // Its parked requests are all in this process's registry too: none elsewhere to count.
    announceParked: () => 0,
    withdrawParked: () => undefined,

    isAdmin: admins.isAdmin,
    setAdmin: admins.setAdmin,

    claimClientId: clientIds.claimClientId,
    markClientIdSent: clientIds.markClientIdSent,
    releaseClientId: clientIds.releaseClientId,

    getOof: accounts.getOof,
    setOof: accounts.setOof,
  };
  return { ...promised(sync), feed, verifyPasswordAsync: accounts.verifyPasswordAsync };
}
