// Reads the DATA stream to its end. Past the size limit the bytes are drained, not kept, so
// an oversized message costs no memory; the caller checks stream.sizeExceeded afterwards
// (smtp-server sets it while counting, and the stream has ended by then).

import type { Readable } from 'node:stream';

export async function readMessage(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (kept + chunk.length > maxBytes) {
      kept = maxBytes + 1;
      chunks.length = 0;
      continue;
    }
    chunks.push(chunk);
    kept += chunk.length;
  }
  return Buffer.concat(chunks);
}
