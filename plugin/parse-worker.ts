// The worker-thread side of the parse pool (parse-pool.ts): runs plugin/parse.ts off the main
// thread, so the thread that speaks SMTP and writes SQLite does not spend its time in MIME.
//
// This module starts serving by itself when it is loaded as a pool worker (workerData.role),
// and does nothing when merely imported. That makes every way of shipping it work:
//  - from source under tsx, or compiled to ESM: the pool starts this file (parse-worker.ts or
//    .js beside parse-pool) itself; defaultParseWorkerEntry() finds it;
//  - bundled into ONE CommonJS file (esbuild --bundle --platform=node --format=cjs): the
//    bundle is its own worker. Its entry runs the CLI only `if (!isParseWorker())`, and the
//    composition root passes createParsePool({ entry: __filename }); a worker started on the
//    bundle then runs just this module's self-start below. esbuild warns that import.meta is
//    empty in CJS: expected, defaultParseWorkerEntry() returns null there and is not used;
//  - or as a second bundle entry point (entryPoints: ['bin/eas-push.ts',
//    'plugin/parse-worker.ts']) with `entry` set to the emitted parse-worker.cjs.
// Where no worker can start (e.g. a runtime that cannot load the script), the pool parses
// in the main thread: slower, never wrong.

import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { parseMessage } from './parse.js';
import type { ParsedMessage } from '../store/types.js';

export const PARSE_WORKER_ROLE = 'eas-push:parse-worker';

export interface ParseRequest {
  id: number;
  /** The message bytes (transferred: the worker owns them). */
  raw: Uint8Array;
  receivedAt: number;
}

export type ParseResponse =
  | { id: number; parsed: ParsedMessage }
  | { id: number; error: string }
  | { ready: true };

/** True in a thread started by createParsePool(). */
export function isParseWorker(): boolean {
  return !isMainThread && (workerData as { role?: unknown } | null)?.role === PARSE_WORKER_ROLE;
}

/** Buffers that own their whole ArrayBuffer can be moved instead of copied. */
function transferables(parsed: ParsedMessage): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of parsed.attachments) {
    const buf = a.content.buffer;
    // A small Buffer lives inside Node's shared 8 KB pool: moving that would detach others.
    if (buf instanceof ArrayBuffer && a.content.byteOffset === 0 && a.content.byteLength === buf.byteLength && !out.includes(buf)) {
      out.push(buf);
    }
  }
  return out;
}

export function serveParseRequests(port: MessagePort): void {
  port.on('message', (req: ParseRequest) => {
    const raw = Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength);
    // parseMessage never rejects on bad input (it falls back to best effort); a rejection here
    // is a bug, reported so the pool parses that message on the main thread instead.
    parseMessage(raw, new Date(req.receivedAt)).then(
      (parsed) => port.postMessage({ id: req.id, parsed } satisfies ParseResponse, transferables(parsed)),
      (err: unknown) => port.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) } satisfies ParseResponse),
    );
  });
  port.postMessage({ ready: true } satisfies ParseResponse);
}

if (isParseWorker() && parentPort) serveParseRequests(parentPort);
