// The waiter registry that turns a commit into a wake-up (docs/push.md rules 4 and 9). The feed carries
// no payload but (folder, kind): a woken waiter re-reads the store (docs/style.md, wildduck).
// It also carries "device D parked a newer request on another node" (docs/push.md rule 3), which
// only a store shared by several nodes publishes (store/postgres/presence.ts).
import type { ChangeFeed, ChangeKind, ChangeListener, ParkKind, ParkedElsewhereListener } from './types.js';

export interface FeedEvent {
  accountId: number;
  folderId: number;
  kind: ChangeKind;
}

export interface PublishingFeed extends ChangeFeed {
  /** Called by the writer after COMMIT only. */
  publish(events: Iterable<FeedEvent>): void;
  /**
   * "Anything may have changed": every subscription of the account (null: of every account) is
   * woken for each of its folders, as an add, so that its waiter re-reads the store whatever it
   * waits for. For wake-ups that lost their detail: the PostgreSQL bus after a reconnect, or a
   * commit that touched too many folders to name (store/postgres/notify.ts).
   */
  recheck(accountId: number | null): void;
  /**
   * Another node parked a request of the device, newer than any this node announced for it
   * (store/postgres/presence.ts decides which is newer): called on the bus's turn.
   */
  parkedElsewhere(accountId: number, deviceRowId: number, kind: ParkKind): void;
}

interface Subscription {
  folders: ReadonlySet<number>;
  listener: ChangeListener;
  live: boolean;
}

export function createChangeFeed(onListenerError: (err: unknown) => void): PublishingFeed {
  const byAccount = new Map<number, Set<Subscription>>();
  let count = 0;
  const parkedListeners = new Set<{ listener: ParkedElsewhereListener }>();

  function call(sub: Subscription, folderId: number, kind: ChangeKind): void {
    try {
      sub.listener(folderId, kind);
    } catch (err) {
      // One broken waiter must neither fail the write (already committed) nor starve others.
      onListenerError(err);
    }
  }

  return {
    subscribe(accountId, folderIds, listener) {
      const sub: Subscription = { folders: new Set(folderIds), listener, live: true };
      let subs = byAccount.get(accountId);
      if (!subs) byAccount.set(accountId, (subs = new Set()));
      subs.add(sub);
      count++;
      return () => {
        if (!sub.live) return;
        sub.live = false;
        count--;
        const current = byAccount.get(accountId);
        if (!current) return;
        current.delete(sub);
        if (current.size === 0) byAccount.delete(accountId);
      };
    },
    size: () => count,
    subscribeParked(listener) {
      // Wrapped: the same function subscribed twice is two subscriptions, each removed once.
      const entry = { listener };
      parkedListeners.add(entry);
      return () => void parkedListeners.delete(entry);
    },
    parkedElsewhere(accountId, deviceRowId, kind) {
      for (const { listener } of [...parkedListeners]) {
        try {
          listener(accountId, deviceRowId, kind);
        } catch (err) {
          onListenerError(err);
        }
      }
    },
    publish(events) {
      for (const ev of events) {
        const subs = byAccount.get(ev.accountId);
        if (!subs) continue;
        // Copy: a listener typically unsubscribes itself (or others) while we iterate.
        for (const sub of [...subs]) {
          // Unsubscribed by an earlier listener of this same publish: its request is answered.
          if (!sub.live || !sub.folders.has(ev.folderId)) continue;
          call(sub, ev.folderId, ev.kind);
        }
      }
    },
    recheck(accountId) {
      const accounts = accountId === null ? [...byAccount.values()] : [byAccount.get(accountId) ?? new Set<Subscription>()];
      for (const subs of accounts) {
        for (const sub of [...subs]) {
          for (const folderId of sub.folders) {
            if (!sub.live) break;
            call(sub, folderId, 'add');
          }
        }
      }
    },
  };
}
