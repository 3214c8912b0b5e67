// The PostgreSQL store (issue #17 point 2; docs/postgres.md): openPostgresStore() composes the
// parts the way store/index.ts composes the SQLite ones, over one query pool, one writer and one
// LISTEN connection per node. The same Store contract (docs/store.md "The asynchronous contract").
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { createChangeFeed } from '../change-feed.js';
import type { Store } from '../types.js';
import { createPgAccounts } from './accounts.js';
import { createPgAdmins } from './admins.js';
import { createPgClientIds } from './client-ids.js';
import { createPgPool, parsePostgresUrl, type PgOptions } from './connect.js';
import type { PgStoreContext } from './context.js';
import { pgDeliveryPlan } from './delivery-plan.js';
import { createPgDevices } from './devices.js';
import { createPgDirectory } from './directory.js';
import { createPgDocs, writeDocs } from './docs.js';
import { createPgFolders, createSystemFolders } from './folders.js';
import { createPgItemChanges } from './item-changes.js';
import { createPgItems, listLiveItems, tombstoneFolderItems } from './items.js';
import { createPgMailImport } from './mail-import.js';
import { createPgMaintenance } from './maintenance.js';
import { migratePostgres } from './migrations.js';
import { createNotifyBus, type BusLog } from './notify.js';
import { createParkedCounts } from './parked-counts.js';
import { createPgPendingFolders } from './pending.js';
import { PARK_CHANNEL, createParkPresence } from './presence.js';
import { createPgPushHistory } from './push-history.js';
import { createPgSearch } from './search.js';
import { createPgSharedState } from './shared-state.js';
import { createPgSyncLoops } from './sync-loops.js';
import { createPgSyncOptions } from './sync-options.js';
import { createPgSyncStates } from './sync-state.js';
import { createPgWriter } from './writer.js';

export interface PostgresStoreOptions extends PgOptions {
  /** A change-feed listener threw (the write is committed regardless). Default: a process warning. */
  onListenerError?: (err: unknown) => void;
  /** This node's name on the wake-up bus; default host name, pid and a random suffix (unique per process). */
  node?: string;
  /** Where the wake-up bus reports a dropped LISTEN connection and its reconnects. */
  log?: BusLog;
}

export type PostgresStore = Store & { close(): Promise<void> };

/**
 * Migrates the database (under the advisory lock: nodes starting together take turns), then
 * opens the pool and the LISTEN connection. Rejects, leaving nothing open, when the database
 * cannot be reached, is newer than this code, or LISTEN fails: a node without its bus would
 * never wake on other nodes' commits.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const pool = createPgPool(url, options);
  const node = options.node ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const feed = createChangeFeed(
    options.onListenerError ??
      ((err) => process.emitWarning(`change feed listener failed: ${err instanceof Error ? err.stack : String(err)}`)),
  );
  // A parked request is announced through the pool (its own autocommit statement), and heard,
  // with its order among the other nodes' announcements, on the bus (store/postgres/presence.ts).
  // The same statement records it for the per-account cap and counts the other nodes' (parked-counts.ts).
  const counts = createParkedCounts(pool, node);
  const presence = createParkPresence({
    node,
    feed,
    send: (payload, row) => counts.announce(PARK_CHANNEL, payload, row),
    withdraw: (rows) => counts.withdraw(rows),
    log: options.log,
  });
  // The LISTEN session is what tells the other nodes this one is alive (its parked rows count).
  const register = async (): Promise<void> => {
    const pid = bus.backendPid();
    if (pid !== null) await counts.register(pid, presence.parked());
  };
  const bus = createNotifyBus({
    connection: parsePostgresUrl(url, options.applicationName),
    feed,
    node,
    log: options.log,
    presence,
    onRecheck: () =>
      void register().catch((err: unknown) =>
        options.log?.warn('store: this node not registered again after a reconnect; its parked requests do not count elsewhere', { err: String(err) }),
      ),
  });
  try {
    await migratePostgres(pool);
    await bus.start();
    await register();
  } catch (err) {
    await bus.close();
    await pool.end().catch(() => {});
    throw err;
  }
  const ctx: PgStoreContext = { pool, write: createPgWriter(pool, feed, node), feed, node };

  const accounts = createPgAccounts(ctx, createSystemFolders);
  const folders = createPgFolders(ctx, tombstoneFolderItems, listLiveItems);
  const items = createPgItems(ctx);
  const docs = createPgDocs(ctx);
  const syncStates = createPgSyncStates(ctx);

  let closed: Promise<void> | null = null;
  const store: PostgresStore = {
    feed,
    close: () =>
      (closed ??= (async () => {
        // The registry answered its requests before: their rows go, and then whatever is left.
        await presence.settled();
        await counts.unregister().catch((err: unknown) => options.log?.warn('store: parked rows of this node not removed', { err: String(err) }));
        await bus.close();
        await pool.end();
      })()),
    // Other nodes' (and the CLI's) commits reach this node's feed through LISTEN/NOTIFY
    // (store/postgres/notify.ts) as they commit: there is nothing to poll for, so the server's
    // timer finds nothing (docs/postgres.md "The wake-up bus").
    publishExternalCommits: async () => 0,
    // The failed-login counters and each device's last Sync request, shared by the nodes.
    shared: createPgSharedState(pool),
    announceParked: presence.announce,
    withdrawParked: async (accountId, deviceRowId) => presence.withdraw(accountId, deviceRowId),

    ...accounts,
    ...createPgDirectory(ctx),
    ...folders,
    ...items,
    deliver: (deliveries, parsed, plan) => items.deliver(deliveries, parsed, writeDocs, plan && pgDeliveryPlan(plan)),
    // A message's tsvector row is written in its delivery's transaction (postgres/messages.ts).
    indexPending: async () => 0,
    ...createPgMailImport(ctx),
    ...docs,
    ...createPgSearch(ctx),
    ...createPgItemChanges(ctx),
    ...createPgPendingFolders(ctx),
    ...syncStates,
    ...createPgSyncOptions(ctx),
    ...createPgSyncLoops(ctx),
    ...createPgMaintenance(ctx),
    ...createPgDevices(ctx),
    ...createPgPushHistory(ctx),
    ...createPgAdmins(ctx),
    ...createPgClientIds(ctx),
  };
  return store;
}
