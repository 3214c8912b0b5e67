// The one place responses are finished: renders thrown EasHttpErrors, turns any other
// exception into a logged 500, and gives EVERY response the EAS headers (MS-Server-ActiveSync:
// an iPhone loops without it; a wbxml Content-Type also on empty bodies; Content-Length, not
// chunked; gzip when the client accepts it and the body is not tiny). It also writes the one
// log line per request.
// A held long poll (long-poll.ts) finishes outside Koa with the same easAnswer() and logLine().
// Every answer is written here, not by Koa (endResponse; http/handler.ts says why).

import { promisify } from 'node:util';
import { gzip as gzipCb, gzipSync } from 'node:zlib';
import type Koa from 'koa';
import type { CommandAnswer } from '../commands/types.js';
import type { Logger } from '../log.js';
import { encode } from '../wbxml/index.js';
import { isEasHttpError, unexpectedFailure } from './errors.js';

const gzip = promisify(gzipCb);

/**
 * Below this size a body is gzipped on this thread: a Ping's or an empty Sync's few bytes take
 * microseconds to compress, less than the round trip to libuv's thread pool that would delay
 * the answer of a woken Ping on a busy machine. Larger bodies are compressed off the thread.
 */
const GZIP_IN_THREAD_BELOW = 1024;

/**
 * Shorter bodies go out as they are even when the client accepts gzip (HTTP lets a server send
 * identity to anyone; nginx's gzip_min_length is the same idea): gzip adds 18 bytes of its own,
 * so a Ping's 13-byte answer came out at 33, and compressing it took 19 to 23 µs on the way from
 * a delivery to a woken phone.
 */
export const GZIP_MIN_BYTES = 256;

export const WBXML_TYPE = 'application/vnd.ms-sync.wbxml';
export const SERVER_VERSION = '16.1';

/** What the dispatcher learns about the request, for the log line. */
export interface RequestFacts {
  cmd?: string;
  user?: string | null;
  device?: string;
  version?: string;
  /** Content-Type of the command's answer (bytes results bring their own). */
  contentType?: string;
  /** process.hrtime.bigint() when the request came in (the log line's ms). */
  started?: bigint;
  /** A parked long poll: its answer and log line are written later, outside Koa. */
  held?: boolean;
}

const REASONS: Record<number, string> = {
  449: 'Retry after sending a PROVISION command',
};

export function factsOf(ctx: Koa.Context): RequestFacts {
  const state = ctx.state as { eas?: RequestFacts };
  state.eas ??= {};
  return state.eas;
}

function setStatus(ctx: Koa.Context, status: number): void {
  ctx.status = status;
  const reason = REASONS[status];
  if (reason) ctx.message = reason;
}

/** The body bytes, their type (undefined: WBXML) and extra headers of a command's answer. */
export function answerBytes(result: CommandAnswer): { body: Buffer; contentType: string | undefined; headers: Record<string, string> } {
  const headers = result.headers ?? {};
  if (result.kind === 'wbxml') return { body: encode(result.body), contentType: undefined, headers };
  if (result.kind === 'bytes') return { body: result.body, contentType: result.contentType, headers };
  return { body: Buffer.alloc(0), contentType: undefined, headers };
}

/**
 * The headers every EAS answer carries, and its body gzipped when the client accepts it.
 * Content-Length is the caller's (Koa sets it from the body; a held answer writes it).
 */
export async function easAnswer(
  body: Buffer,
  contentType: string,
  gzipOk: boolean,
): Promise<{ body: Buffer; headers: Record<string, string> }> {
  return easAnswerNow(body, contentType, gzipOk) ?? { body: await gzip(body), headers: answerHeaders(contentType, true) };
}

/** easAnswer on this thread, or null when the body is to be gzipped off it (GZIP_IN_THREAD_BELOW). */
export function easAnswerNow(body: Buffer, contentType: string, gzipOk: boolean): { body: Buffer; headers: Record<string, string> } | null {
  const gzipped = gzipOk && body.length >= GZIP_MIN_BYTES;
  if (gzipped && body.length >= GZIP_IN_THREAD_BELOW) return null;
  return { body: gzipped ? gzipSync(body) : body, headers: answerHeaders(contentType, gzipped) };
}

function answerHeaders(contentType: string, gzipped: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'MS-Server-ActiveSync': SERVER_VERSION, 'Cache-Control': 'private' };
  if (gzipped) {
    headers['Content-Encoding'] = 'gzip';
    headers['Vary'] = 'Accept-Encoding';
  }
  headers['Content-Type'] = contentType;
  return headers;
}

export function acceptsGzip(ctx: Koa.Context): boolean {
  return ctx.acceptsEncodings('gzip', 'identity') === 'gzip';
}

/** The one log line per request. */
export function logLine(log: Logger, method: string, facts: RequestFacts, status: number, failure: unknown): void {
  const ms = facts.started === undefined ? 0 : Number(process.hrtime.bigint() - facts.started) / 1e6;
  const line = {
    method,
    cmd: facts.cmd ?? null,
    user: facts.user ?? null,
    device: facts.device ?? null,
    version: facts.version ?? null,
    status,
    ms: Math.round(ms * 10) / 10,
  };
  if (failure !== undefined && !isEasHttpError(failure)) {
    const e = failure instanceof Error ? failure : new Error(String(failure));
    log.error('eas request failed', { ...line, error: e.message, stack: e.stack });
  } else if (isEasHttpError(failure)) {
    log.info('eas request', { ...line, reason: failure.message });
  } else {
    log.info('eas request', line);
  }
}

export function createResponder(log: Logger): Koa.Middleware {
  return async function respond(ctx, next) {
    const facts = factsOf(ctx);
    facts.started = process.hrtime.bigint();
    let failure: unknown;
    try {
      await next();
    } catch (err) {
      failure = err;
      // Headers a failed command may have set do not belong to the error answer.
      for (const name of ctx.response.headerSent ? [] : Object.keys(ctx.response.headers)) ctx.remove(name);
      if (isEasHttpError(err)) {
        setStatus(ctx, err.status);
        for (const [k, v] of Object.entries(err.headers)) ctx.set(k, v);
      } else {
        const answer = unexpectedFailure(err);
        setStatus(ctx, answer.status);
        for (const [k, v] of Object.entries(answer.headers)) ctx.set(k, v);
      }
      ctx.body = Buffer.alloc(0);
    }
    // A parked long poll answers (and logs) when the registry wakes it.
    if (failure === undefined && facts.held) return;

    if (!ctx.response.headerSent) {
      const body = Buffer.isBuffer(ctx.body) ? ctx.body : Buffer.alloc(0);
      const type = (failure === undefined ? facts.contentType : undefined) ?? WBXML_TYPE;
      const answer = await easAnswer(body, type, body.length > 0 && acceptsGzip(ctx));
      const status = ctx.status;
      for (const [k, v] of Object.entries(answer.headers)) ctx.set(k, v);
      // Setting a Buffer body resets the status when none was set explicitly (and the type
      // when none is set: here it is), and adds Content-Length.
      ctx.body = answer.body;
      setStatus(ctx, status);
    }
    endResponse(ctx);
    logLine(log, ctx.method, facts, ctx.status, failure);
  };
}

/**
 * Writes the answer as Koa's respond() would for a Buffer body, here, so that nothing of Koa
 * outlives the middleware (http/handler.ts); ctx.set and ctx.status already went to `res`.
 */
function endResponse(ctx: Koa.Context): void {
  ctx.respond = false;
  const res = ctx.res;
  if (res.writableEnded) return;
  const bodyless = ctx.method === 'HEAD' || ctx.status === 204 || ctx.status === 304;
  if (bodyless || !Buffer.isBuffer(ctx.body)) res.end();
  else res.end(ctx.body);
}
