// The HTTP(S) server around the EAS app. Timeouts are set for long polls: a parked Ping may
// legitimately wait 3540 s with an idle socket, so nothing times out an answered-to-come
// request (socket timeout 0; requestTimeout only covers receiving the request), while a client
// that dribbles its headers is still cut off by headersTimeout (Node answers 408) and an
// oversized request head is refused with 431.

import http from 'node:http';
import https from 'node:https';
import type Koa from 'koa';
import { createRequestHandler } from './handler.js';

export interface EasHttpServerOptions {
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Largest request head (request line + headers) in bytes; past it Node answers 431. */
  maxHeaderBytes?: number;
  /** Overrides for tests; defaults suit phones on slow networks. */
  timeouts?: {
    /** Time to receive the complete headers (ms). */
    headersMs?: number;
    /** Time to receive the complete request, body included (ms). */
    requestMs?: number;
    /** Idle time kept between two requests on one connection (ms). */
    keepAliveMs?: number;
    /** How often Node checks the two limits above (ms). */
    checkIntervalMs?: number;
  };
}

/** Phones send a handful of short headers; 16 KiB leaves room for proxies and cookies. */
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

export const DEFAULT_TIMEOUTS = {
  headersMs: 60_000,
  // Large SendMail bodies from phones on slow links need minutes; the answer's wait does not count.
  requestMs: 600_000,
  // Longer than common proxies' 60 s idle, so the server is not the side that closes first.
  keepAliveMs: 65_000,
  checkIntervalMs: 30_000,
};

export function createEasHttpServer(app: Koa, options: EasHttpServerOptions = {}): http.Server {
  const t = { ...DEFAULT_TIMEOUTS, ...(options.timeouts ?? {}) };
  const serverOptions: http.ServerOptions = {
    requestTimeout: t.requestMs,
    headersTimeout: Math.min(t.headersMs, t.requestMs),
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: t.checkIntervalMs,
    // Explicit, so a NODE_OPTIONS=--max-http-header-size elsewhere does not widen it.
    maxHeaderSize: options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES,
  };
  // Not app.callback(): that keeps each Koa context alive until its response ends (handler.ts).
  const handler = createRequestHandler(app);
  const server = options.tls
    ? https.createServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, handler)
    : http.createServer(serverOptions, handler);
  // No socket inactivity timeout: an open long poll is idle by design.
  server.setTimeout(0);
  return server;
}
