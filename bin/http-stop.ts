// Stopping the EAS HTTP server at shutdown (docs/push.md rule 8). The listening socket closes
// first, then the parked requests are answered: an answer is written inside the registry's
// wake-up (eas/http/long-poll.ts), so a device that reads it may reconnect at once, and it must
// find the port closed and go to the next process, not be accepted by this one. The keep-alive
// connections those answers leave idle are then closed; one still busy gets a grace period.

import type { Server } from 'node:http';

/** Keep-alive connections still busy after the parked requests were answered get this long. */
export const HTTP_CLOSE_GRACE_MS = 5_000;

/**
 * Closes `server` and resolves once every connection is gone. `answerParked` answers the parked
 * requests (the push registry's shutdown) and resolves once their answers were handed over.
 */
export async function stopHttp(server: Server, answerParked: () => Promise<void>, graceMs = HTTP_CLOSE_GRACE_MS): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
  });
  // Between two requests: nothing to answer on these.
  server.closeIdleConnections();
  await answerParked();
  server.closeIdleConnections();
  await closed;
}
