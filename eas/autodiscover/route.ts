// MS-ASCMD 2.2.1.1 Autodiscover at /autodiscover/autodiscover.xml (any case, as phones vary
// it): where a phone that was given only an e-mail address and a password learns the EAS URL.
// Basic auth first (the same authenticator and failed-login throttle as the EAS endpoint: 401
// with a challenge, 503 while throttled). POST carries the request; GET, which some clients
// probe with, is answered as Exchange does: ErrorCode 600, since it carries none.
// Answers are text/xml with HTTP 200, errors included, as the spec's error examples are.

import type Koa from 'koa';
import type { Store } from '../../store/types.js';
import type { Logger } from '../log.js';
import type { Authenticator } from '../http/auth.js';
import { readBody } from '../http/body.js';
import { EasHttpError } from '../http/errors.js';
import { factsOf } from '../http/respond.js';
import { easEndpointUrl, publicUrlFromRequest } from './public-url.js';
import { parseAutodiscoverRequest } from './request.js';
import { frameworkErrorResponse, providerErrorResponse, settingsResponse } from './response.js';

export const AUTODISCOVER_PATH = /^\/autodiscover\/autodiscover\.xml$/i;

/** An Autodiscover request is a few hundred bytes; anything near this is not one. */
const MAX_REQUEST_BYTES = 64 * 1024;
const XML_TYPE = 'text/xml; charset=utf-8';

export interface AutodiscoverDeps {
  store: Store;
  auth: Authenticator;
  log: Logger;
  /** Name in the error answers' Id attribute (EasConfig.serverName). */
  serverName: string;
  /** Normalized base URL (public-url.ts); null: built from each request. */
  publicUrl: string | null;
}

export function createAutodiscoverRoute(deps: AutodiscoverDeps): Koa.Middleware {
  return async function autodiscover(ctx, next) {
    if (!AUTODISCOVER_PATH.test(ctx.path)) return next();
    const facts = factsOf(ctx);
    facts.cmd = 'Autodiscover';
    if (ctx.method !== 'POST' && ctx.method !== 'GET') {
      throw new EasHttpError(405, `method ${ctx.method} not allowed`, { Allow: 'GET, POST' });
    }
    const account = await deps.auth(ctx.ip, ctx.get('Authorization') || undefined);
    facts.user = account.address;

    const reply = (xml: string): void => {
      facts.contentType = XML_TYPE;
      ctx.status = 200;
      ctx.body = Buffer.from(xml, 'utf8');
    };

    if (ctx.method === 'GET') return reply(frameworkErrorResponse(600, deps.serverName));
    const request = parseAutodiscoverRequest(await readBody(ctx.req, MAX_REQUEST_BYTES));
    if (!request.ok) {
      deps.log.info('autodiscover: refused', { user: account.address, errorCode: request.errorCode, reason: request.reason });
      return reply(frameworkErrorResponse(request.errorCode, deps.serverName));
    }

    // Only the authenticated account's own settings: an address of it ("alice+tag@" included)
    // or nothing. Telling whether another address exists would let any account probe them all.
    if ((await deps.store.findAccount(request.emailAddress))?.id !== account.id) {
      deps.log.info('autodiscover: address is not the account', { user: account.address, requested: request.emailAddress.slice(0, 256) });
      return reply(providerErrorResponse(request.emailAddress, 'The e-mail address does not belong to the authenticated account', 'EMailAddress'));
    }

    const base = deps.publicUrl ?? publicUrlFromRequest(ctx.protocol, ctx.host);
    if (base === null) throw new EasHttpError(400, 'the Host header is missing or unusable (set --public-url)');
    reply(settingsResponse({ displayName: account.displayName || account.address, emailAddress: account.address, url: easEndpointUrl(base) }));
  };
}
