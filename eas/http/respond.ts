// The one place responses are finished: renders thrown EasHttpErrors, turns any other
// exception into a logged 500, and gives EVERY response the EAS headers (MS-Server-ActiveSync:
// an iPhone loops without it; a wbxml Content-Type also on empty bodies; Content-Length, not
// chunked; gzip when the client accepts it). It also writes the one log line per request.

import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type Koa from 'koa';
import type { Logger } from '../commands/types.js';
import { isEasHttpError } from './errors.js';

const gzip = promisify(gzipCb);

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

export function createResponder(log: Logger): Koa.Middleware {
  return async function respond(ctx, next) {
    const started = process.hrtime.bigint();
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
        setStatus(ctx, 500);
      }
      ctx.body = Buffer.alloc(0);
    }

    if (!ctx.response.headerSent) {
      let body = Buffer.isBuffer(ctx.body) ? ctx.body : Buffer.alloc(0);
      const type = (failure === undefined ? factsOf(ctx).contentType : undefined) ?? WBXML_TYPE;
      ctx.set('MS-Server-ActiveSync', SERVER_VERSION);
      ctx.set('Cache-Control', 'private');
      if (body.length > 0 && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
        body = await gzip(body);
        ctx.set('Content-Encoding', 'gzip');
        ctx.set('Vary', 'Accept-Encoding');
      }
      const status = ctx.status;
      ctx.body = body;
      // Setting a Buffer body resets the type and (without an explicit status) the status.
      ctx.set('Content-Type', type);
      setStatus(ctx, status);
    }

    const facts = factsOf(ctx);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const line = {
      method: ctx.method,
      cmd: facts.cmd ?? null,
      user: facts.user ?? null,
      device: facts.device ?? null,
      version: facts.version ?? null,
      status: ctx.status,
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
  };
}
