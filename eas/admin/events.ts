// Live updates of open console pages by server-sent events (docs/admin.md §2): a "change"
// event after each push-history batch was written (a Ping parked, was answered, the device came
// back), at most one per COALESCE_MS, and a "tick" every tickMs for the rest (a new device,
// the minute's figures). Each page then fetches its own live part again. Streams end when their
// session ends and when the server stops.

import type { ServerResponse } from 'node:http';
import type { AdminMetrics } from './metrics.js';

const COALESCE_MS = 100;

interface Stream {
  res: ServerResponse;
  /** False once the stream's session is over (the session's account is read from the store). */
  valid: () => Promise<boolean>;
}

export interface EventHub {
  open(res: ServerResponse, valid: () => Promise<boolean>): void;
  size(): number;
  close(): void;
}

export function createEventHub(metrics: AdminMetrics, tickMs: number): EventHub {
  const streams = new Set<Stream>();
  let changeTimer: NodeJS.Timeout | null = null;
  let tickTimer: NodeJS.Timeout | null = null;

  const send = (event: string): void => {
    for (const s of streams) void sendTo(s, event);
    if (streams.size === 0) stopTick();
  };
  const sendTo = async (s: Stream, event: string): Promise<void> => {
    let valid = false;
    try {
      valid = await s.valid();
    } catch {
      // A store that cannot say ends the stream: the page reconnects and logs in again.
    }
    if (!streams.has(s)) return;
    if (!valid) {
      streams.delete(s);
      s.res.end();
      if (streams.size === 0) stopTick();
      return;
    }
    s.res.write(`event: ${event}\ndata: ${Date.now()}\n\n`);
  };
  const stopTick = (): void => {
    if (tickTimer) clearInterval(tickTimer);
    tickTimer = null;
  };
  const unsubscribe = metrics.onHistory(() => {
    if (streams.size === 0 || changeTimer !== null) return;
    changeTimer = setTimeout(() => {
      changeTimer = null;
      send('change');
    }, COALESCE_MS);
  });

  return {
    open(res, valid) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
        'X-Content-Type-Options': 'nosniff',
      });
      // retry: how soon the browser reconnects after the server restarted.
      res.write('retry: 3000\n\n');
      const stream: Stream = { res, valid };
      streams.add(stream);
      res.on('close', () => {
        streams.delete(stream);
        if (streams.size === 0) stopTick();
      });
      if (!tickTimer) {
        tickTimer = setInterval(() => send('tick'), tickMs);
        tickTimer.unref();
      }
    },
    size: () => streams.size,
    close() {
      unsubscribe();
      if (changeTimer) clearTimeout(changeTimer);
      changeTimer = null;
      stopTick();
      for (const s of streams) s.res.end();
      streams.clear();
    },
  };
}
