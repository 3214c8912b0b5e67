// What the user sees when something is wrong: one line, no stack. Usage mistakes exit 2,
// everything else 1.

export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, 2);
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a parent is not a directory',
  EEXIST: 'already exists',
  ENOENT: 'no such file or directory',
  ENOSPC: 'no space left on device',
  EISDIR: 'is a directory',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  ENOTFOUND: 'host name not found',
};

/** A short reason for a Node system error ("permission denied"), else its message. */
export function reasonOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && REASONS[code]) return REASONS[code];
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}
