// The least EAS client a benchmark needs: WBXML POSTs over one kept-alive connection, Basic
// auth, gzip accepted as phones do, the answer decoded with the project's codec.

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { decode, encode } from '../eas/wbxml/index.js';
import type { WbxmlElement } from '../eas/wbxml/tree.js';

export interface BenchEasResponse {
  status: number;
  body: WbxmlElement | null;
  /** Bytes on the wire (gzipped when the server chose to). */
  wireBytes: number;
  /** WBXML bytes after gunzip. */
  wbxmlBytes: number;
  /** Time from sending the request to the last byte of the answer (before decoding). */
  ms: number;
}

export class BenchEasClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly auth: string;

  constructor(
    private readonly port: number,
    private readonly user: string,
    password: string,
    private readonly deviceId: string,
  ) {
    this.auth = Buffer.from(`${user}:${password}`).toString('base64');
  }

  post(cmd: string, request: WbxmlElement): Promise<BenchEasResponse> {
    const body = encode(request);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path: `/Microsoft-Server-ActiveSync?Cmd=${cmd}&User=${encodeURIComponent(this.user)}&DeviceId=${this.deviceId}&DeviceType=iPhone`,
          agent: this.agent,
          headers: {
            Authorization: `Basic ${this.auth}`,
            'MS-ASProtocolVersion': '16.1',
            'Content-Type': 'application/vnd.ms-sync.wbxml',
            'Content-Length': String(body.length),
            'Accept-Encoding': 'gzip',
            'User-Agent': 'Apple-iPhone15C2/2107.100',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const ms = performance.now() - started;
            const wire = Buffer.concat(chunks);
            const raw = res.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
            resolve({ status: res.statusCode ?? 0, body: raw.length > 0 ? decode(raw) : null, wireBytes: wire.length, wbxmlBytes: raw.length, ms });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
