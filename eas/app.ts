// The EAS endpoint as a Koa app (MS-ASHTTP): OPTIONS and POST on /Microsoft-Server-ActiveSync,
// Autodiscover (MS-ASCMD 2.2.1.1) on /autodiscover/autodiscover.xml, everything else 404/405.
// Commands come from a table built by commands/index.ts for this app; a test may pass its own.

import Koa from 'koa';
import { normalizePublicUrl } from './autodiscover/public-url.js';
import { createAutodiscoverRoute } from './autodiscover/route.js';
import { createCommands } from './commands/index.js';
import type { CommandSpec } from './commands/types.js';
import type { EasDeps } from './deps.js';
import { createAuthenticator } from './http/auth.js';
import { createDispatcher } from './http/dispatch.js';
import { EasHttpError } from './http/errors.js';
import { optionsHeaders } from './http/options.js';
import { createLoginThrottle, type LoginThrottle } from './http/login-throttle.js';
import { createResponder, factsOf } from './http/respond.js';

/** The endpoint path, any case, with an optional trailing slash or the old "/default.eas". */
const EAS_PATH = /^\/Microsoft-Server-ActiveSync(\/|\/default\.eas)?$/i;

export interface EasAppOptions {
  /** Command table; defaults to a fresh one from commands/index.ts (createCommands). */
  commands?: Readonly<Record<string, CommandSpec>>;
  /** Failed-login throttle; one with the defaults of login-throttle.ts when absent. */
  loginThrottle?: LoginThrottle;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (for throttling). */
  trustProxy?: boolean;
  /** Base URL phones reach us at, for Autodiscover answers; default: from each request. */
  publicUrl?: string | null;
}

export function createEasApp(deps: EasDeps, options: EasAppOptions = {}): Koa {
  const table = options.commands ?? createCommands();
  const app = new Koa();
  // Every error is rendered by the responder; Koa's own stderr printing would only duplicate it.
  app.silent = true;
  // Only a fault in the responder itself gets here (http/handler.ts answers such a request 500).
  app.on('error', (err: Error) => deps.log.error('eas responder failed', { error: err.message, stack: err.stack }));
  app.proxy = options.trustProxy ?? false;
  // Behind a proxy only the last X-Forwarded-For entry is the proxy's own word: what comes before
  // it is whatever the client sent (nginx's $proxy_add_x_forwarded_for keeps it). Koa would take
  // the first, and a guesser could then name a new source address for every password it tries.
  app.maxIpsCount = 1;
  const auth = createAuthenticator({ store: deps.store, log: deps.log, throttle: options.loginThrottle ?? createLoginThrottle() });
  const dispatch = createDispatcher(deps, table, auth);
  const commandNames = Object.keys(table);

  app.use(createResponder(deps.log));
  app.use(
    createAutodiscoverRoute({
      store: deps.store,
      auth,
      log: deps.log,
      serverName: deps.config.serverName,
      publicUrl: options.publicUrl ? normalizePublicUrl(options.publicUrl) : null,
    }),
  );
  app.use(async (ctx) => {
    if (!EAS_PATH.test(ctx.path)) throw new EasHttpError(404, `no EAS endpoint at ${ctx.path.slice(0, 64)}`);
    if (ctx.method === 'OPTIONS') {
      const account = await auth(ctx.ip, ctx.get('Authorization') || undefined);
      factsOf(ctx).user = account.address;
      ctx.status = 200;
      ctx.body = Buffer.alloc(0);
      for (const [k, v] of Object.entries(optionsHeaders(commandNames))) ctx.set(k, v);
      return;
    }
    if (ctx.method === 'POST') return dispatch(ctx, async () => {});
    throw new EasHttpError(405, `method ${ctx.method} not allowed`, { Allow: 'OPTIONS,POST' });
  });
  return app;
}
