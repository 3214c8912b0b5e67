// The HTTP request listener of the EAS app (MS-ASHTTP 2.2: one POST per command), used in place
// of Koa's app.callback(). It runs the same middleware on the same Koa context, but Koa's
// callback keeps every context reachable until its response finishes (its on-finished error
// hook closes over it), so a parked long poll would hold Koa's per-request state, and through
// ctx.state everything the middleware left there, for its whole heartbeat. Here nothing refers
// to the context once the middleware returns: respond.ts writes every answer itself
// (ctx.respond = false), and a held long poll keeps only its socket, its waiter and the values
// its answer needs (long-poll.ts, docs/push.md rule 11).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type Koa from 'koa';

type Run = (ctx: Koa.Context) => Promise<unknown>;

/** Koa 3 composes its middleware with `app.compose` (koa-compose unless configured otherwise). */
interface Composing {
  compose(middleware: Koa.Middleware[]): Run;
}

export function createRequestHandler(app: Koa): (req: IncomingMessage, res: ServerResponse) => void {
  const run = (app as unknown as Composing).compose(app.middleware);
  // As app.callback() does: an 'error' without a listener would throw.
  if (app.listenerCount('error') === 0) app.on('error', app.onerror.bind(app));
  return (req, res) => {
    const ctx = app.createContext(req, res) as Koa.Context;
    res.statusCode = 404;
    run(ctx).then(
      () => {
        // respond.ts answers every request; a middleware chain without it would leave the
        // client hanging, so close the exchange rather than keep the socket forever.
        if (ctx.respond !== false && !res.writableEnded) res.end();
      },
      (err: unknown) => {
        // Only a fault in respond.ts itself reaches here (it renders every other failure).
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end();
        } else if (!res.writableEnded) {
          res.destroy();
        }
        app.emit('error', err instanceof Error ? err : new Error(String(err)), ctx);
      },
    );
  };
}
