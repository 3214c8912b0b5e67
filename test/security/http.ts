// Raw HTTP(S) requests for the security tests: from a chosen local source address (127.0.0.2
// is another "client machine" on Linux loopback), with or without credentials.

import http from 'node:http';
import https from 'node:https';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequest {
  port: number;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Source address of the connection (default 127.0.0.1). */
  from?: string;
  tls?: boolean;
  /** Basic credentials. */
  user?: string;
  password?: string;
}

export const EAS_PATH = '/Microsoft-Server-ActiveSync';

export function rawRequest(r: RawRequest): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (r.user !== undefined) headers.Authorization = `Basic ${Buffer.from(`${r.user}:${r.password ?? ''}`).toString('base64')}`;
  if (r.body) headers['Content-Length'] = String(r.body.length);
  const mod = r.tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      {
        host: '127.0.0.1',
        port: r.port,
        method: r.method ?? 'OPTIONS',
        path: r.path ?? EAS_PATH,
        headers,
        agent: false,
        localAddress: r.from ?? '127.0.0.1',
        ...(r.tls ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}
