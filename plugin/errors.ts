// Errors that carry their SMTP reply code (docs/style.md "Errors"), so the code is
// decided where the failure is understood and smtp-server renders it unchanged.

export class SmtpReplyError extends Error {
  readonly responseCode: number;
  constructor(responseCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SmtpReplyError';
    this.responseCode = responseCode;
  }
}

/** The sender must retry later: nothing was stored. */
export function temporaryFailure(message: string, cause?: unknown): SmtpReplyError {
  return new SmtpReplyError(451, message, { cause });
}

export function noSuchUser(address: string): SmtpReplyError {
  return new SmtpReplyError(550, `<${address}>: no such user here`);
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
