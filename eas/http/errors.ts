// MS-ASHTTP 2.2.2.1.1 status line: HTTP-level failures (401, 400, 413, 449, 501, 503…).
// Anyone may throw EasHttpError; one middleware (eas/http/respond.ts) renders it, so every
// error response carries the same EAS headers. Protocol failures are NOT this: they are a
// Status inside a 200 body, returned by the command.

import { isStoreUnavailable } from '../../store/unavailable.js';

export class EasHttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'EasHttpError';
    this.status = status;
    this.headers = headers;
  }
}

export function isEasHttpError(err: unknown): err is EasHttpError {
  return err instanceof EasHttpError;
}

/** Seconds a phone is asked to wait when the store cannot be reached (a database restart takes seconds). */
export const STORE_RETRY_AFTER_SECONDS = 30;

/**
 * The answer to an exception that is not an EasHttpError: 503 + Retry-After when the store is
 * unreachable for now (store/unavailable.ts), else a 500. Neither has a body.
 */
export function unexpectedFailure(err: unknown): { status: number; headers: Record<string, string> } {
  return isStoreUnavailable(err) ? { status: 503, headers: { 'Retry-After': String(STORE_RETRY_AFTER_SECONDS) } } : { status: 500, headers: {} };
}
