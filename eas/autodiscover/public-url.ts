// The URL phones are told to use (MS-ASCMD 2.2.3.188 Url, in the Autodiscover answer). It is
// where the phone reaches us, which the server cannot always know: behind a TLS proxy it sees
// plain http and maybe another port. `--public-url` says it; without it the answer is built
// from the request (scheme and Host, taken from X-Forwarded-* only with --trust-proxy).

/** The EAS endpoint's path below the public base URL (MS-ASHTTP 2.2.1.1.1). */
export const EAS_ENDPOINT_PATH = '/Microsoft-Server-ActiveSync';

export class PublicUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublicUrlError';
  }
}

/**
 * "https://mail.example.com", "https://mail.example.com:8443/", even the full endpoint URL
 * pasted from a phone's settings: all become the base without a trailing slash.
 */
export function normalizePublicUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new PublicUrlError('expected a URL like https://mail.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PublicUrlError('expected an https:// (or http://) URL');
  if (url.username || url.password) throw new PublicUrlError('a public URL carries no user name or password');
  if (url.search || url.hash) throw new PublicUrlError('a public URL has no ?query or #fragment');
  const path = url.pathname.replace(/\/+$/, '');
  const base = path.toLowerCase().endsWith(EAS_ENDPOINT_PATH.toLowerCase()) ? path.slice(0, -EAS_ENDPOINT_PATH.length) : path;
  return `${url.origin}${base}`;
}

/** host, host:port, [v6]:port: what a Host header may hold (anything else is not echoed). */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** The base URL as this request reached us, or null when its Host header is unusable. */
export function publicUrlFromRequest(protocol: string, host: string): string | null {
  if (!HOST.test(host)) return null;
  return `${protocol === 'https' ? 'https' : 'http'}://${host.toLowerCase()}`;
}

export function easEndpointUrl(base: string): string {
  return `${base}${EAS_ENDPOINT_PATH}`;
}
