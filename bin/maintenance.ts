// Housekeeping the store cannot schedule itself (it imports nothing and runs no timers):
// purge tombstones (of items and of deleted folders), journal rows and messages every device
// has synced past. Once shortly after start, then periodically; an error is logged and retried
// next time, never fatal.

import type { Logger } from '../eas/log.js';
import type { Store } from '../store/types.js';

export const MAINTENANCE_INTERVAL_MS = 15 * 60_000;
const FIRST_RUN_DELAY_MS = 60_000;

/** Starts the schedule; the returned function stops it. */
export function scheduleMaintenance(store: Store, log: Logger, intervalMs = MAINTENANCE_INTERVAL_MS): () => void {
  const run = async (): Promise<void> => {
    try {
      const purged = await store.maintenance();
      // Every field is a count of purged rows: log only a run that purged something.
      const total = Object.values(purged).reduce((sum, n) => sum + n, 0);
      if (total > 0) log.info('maintenance', { ...purged });
    } catch (err) {
      log.error('maintenance failed', { error: err instanceof Error ? err.message : String(err) });
    }
  };
  let interval: NodeJS.Timeout | null = null;
  const first = setTimeout(() => {
    // Armed before the first run, so that stopping during that run stops the schedule too.
    interval = setInterval(run, intervalMs);
    interval.unref();
    void run();
  }, Math.min(FIRST_RUN_DELAY_MS, intervalMs));
  first.unref();
  return () => {
    clearTimeout(first);
    if (interval) clearInterval(interval);
  };
}
