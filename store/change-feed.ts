// The waiter registry that turns a commit into a wake-up (docs/push.md rules 4 and 9). The feed carries
// no payload but (folder, kind): a woken waiter re-reads the store (docs/style.md, wildduck).
import type { ChangeFeed, ChangeKind, ChangeListener } from './types.js';

export interface FeedEvent {
  accountId: number;
  folderId: number;
  kind: ChangeKind;
}

export interface PublishingFeed extends ChangeFeed {
  /** Called by the writer after COMMIT only. */
  publish(events: Iterable<FeedEvent>): void;
}

interface Subscription {
  folders: ReadonlySet<number>;
  listener: ChangeListener;
  live: boolean;
}

export function createChangeFeed(onListenerError: (err: unknown) => void): PublishingFeed {
  const byAccount = new Map<number, Set<Subscription>>();
  let count = 0;

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
    publish(events) {
      for (const ev of events) {
        const subs = byAccount.get(ev.accountId);
        if (!subs) continue;
        // Copy: a listener typically unsubscribes itself (or others) while we iterate.
        for (const sub of [...subs]) {
          // Unsubscribed by an earlier listener of this same publish: its request is answered.
          if (!sub.live || !sub.folders.has(ev.folderId)) continue;
          try {
            sub.listener(ev.folderId, ev.kind);
          } catch (err) {
            // One broken waiter must neither fail the write (already committed) nor starve others.
            onListenerError(err);
          }
        }
      }
    },
  };
}
