// What the nodes of one database share instead of each keeping it in memory (docs/postgres.md
// "Rules across nodes"): the failed-login counters (eas/http/login-throttle.ts), so an attacker
// alternating nodes gets no more guesses than on one, and each device's last full Sync request
// (eas/sync/request-cache.ts), so an empty or Partial Sync completes on any node.
import type pg from 'pg';
import type { LoginFailureCounter, SharedNodeState } from '../types.js';

interface CounterRow {
  key: string;
  window_start: number;
  failures: number;
}

const counter = (r: CounterRow): LoginFailureCounter => ({ key: r.key, windowStart: r.window_start, failures: r.failures });

export function createPgSharedState(pool: pg.Pool): SharedNodeState {
  return {
    loginFailures: {
      async read(keys, now, windowMs) {
        if (keys.length === 0) return [];
        const r = await pool.query<CounterRow>(
          'SELECT key, window_start, failures FROM login_failures WHERE key = ANY($1::text[]) AND window_start > $2',
          [keys, now - windowMs],
        );
        return r.rows.map(counter);
      },
      async bump(keys, now, windowMs) {
        if (keys.length === 0) return [];
        // One statement for all keys; the rows are locked in key order, so two nodes counting
        // failures with a key in common never deadlock.
        const r = await pool.query<CounterRow>(
          `INSERT INTO login_failures AS f (key, window_start, failures)
           SELECT k, $2, 1 FROM unnest($1::text[]) AS k ORDER BY k
           ON CONFLICT (key) DO UPDATE SET
             window_start = CASE WHEN f.window_start <= $2 - $3 THEN $2 ELSE f.window_start END,
             failures = CASE WHEN f.window_start <= $2 - $3 THEN 1 ELSE f.failures + 1 END
           RETURNING key, window_start, failures`,
          [[...new Set(keys)], now, windowMs],
        );
        return r.rows.map(counter);
      },
      async clear(key) {
        await pool.query('DELETE FROM login_failures WHERE key = $1', [key]);
      },
      async prune(now, windowMs, maxRows) {
        await pool.query('DELETE FROM login_failures WHERE window_start <= $1', [now - windowMs]);
        await pool.query(
          `DELETE FROM login_failures WHERE key IN (
             SELECT key FROM login_failures ORDER BY window_start DESC, key OFFSET $1)`,
          [maxRows],
        );
      },
      async size() {
        const r = await pool.query<{ n: number }>('SELECT count(*) AS n FROM login_failures');
        return r.rows[0]?.n ?? 0;
      },
    },
    syncRequests: {
      async get(deviceRowId) {
        const r = await pool.query<{ request: string }>('SELECT request FROM sync_request_cache WHERE device_id = $1', [deviceRowId]);
        return r.rows[0]?.request ?? null;
      },
      async set(deviceRowId, request) {
        // A device removed meanwhile has nothing to cache: its row is gone, and so is the FK target.
        await pool.query(
          `INSERT INTO sync_request_cache (device_id, request) SELECT id, $2 FROM devices WHERE id = $1
           ON CONFLICT (device_id) DO UPDATE SET request = EXCLUDED.request
           WHERE sync_request_cache.request IS DISTINCT FROM EXCLUDED.request`,
          [deviceRowId, request],
        );
      },
    },
  };
}
