// MS-ASHTTP 2.2.2.1.1 status line: HTTP-level failures (401, 400, 413, 449, 501, 503…).
// Anyone may throw EasHttpError; one middleware (eas/http/respond.ts) renders it, so every
// error response carries the same EAS headers. Protocol failures are NOT this: they are a
// Status inside a 200 body, returned by the command.

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
