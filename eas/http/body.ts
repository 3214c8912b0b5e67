// Reads the request body with a hard limit (EasConfig.maxRequestBytes): 413 before reading
// when Content-Length already says too much, or as soon as the stream passes the limit. The
// rest of an oversized body is discarded (not read into memory) and the connection closed
// after the answer, so the client still receives its 413.

import type { IncomingMessage } from 'node:http';
import { EasHttpError } from './errors.js';

const TOO_LARGE_HEADERS = { Connection: 'close' };

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(
      new EasHttpError(413, `request body of ${declared} bytes exceeds ${limit}`, TOO_LARGE_HEADERS),
    );
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(new EasHttpError(413, `request body exceeds ${limit} bytes`, TOO_LARGE_HEADERS));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new EasHttpError(400, `request body: ${err.message}`));
    };
    const onAborted = () => {
      cleanup();
      reject(new EasHttpError(400, 'client aborted the request body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
