// Cross-site request checks for every POST of the console (docs/admin.md §1), two of them so
// that either alone stops a forged form: the browser's own word on where the request came from
// (Sec-Fetch-Site, else Origin, else Referer, which must all name this console), and the
// session's CSRF token in the form. The session cookie is SameSite=Strict besides.

import type Koa from 'koa';

/** Why the request is refused as cross-site, or null when it comes from this console's pages. */
export function crossSiteReason(ctx: Koa.Context): string | null {
  const site = ctx.get('Sec-Fetch-Site');
  if (site !== '' && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`;
  const self = `${ctx.protocol}://${ctx.host}`;
  const origin = ctx.get('Origin');
  if (origin !== '') return origin === self ? null : `Origin ${origin} is not ${self}`;
  const referer = ctx.get('Referer');
  if (referer !== '' && referer !== self && !referer.startsWith(`${self}/`)) return 'Referer from another site';
  // Neither header (a non-browser client, or a browser told to send no referrer): the CSRF
  // token still has to match.
  return null;
}
