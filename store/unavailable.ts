// Whether a store call failed because the store cannot be reached right now (PostgreSQL
// restarting, its connections refused or cut, too many clients; SQLite's file locked past the
// busy timeout), as opposed to a fault in the request or the code. The EAS side answers the
// first 503 with Retry-After (MS-ASHTTP 2.2.2.1.1: the server is temporarily unavailable), so a
// phone backs off and retries instead of reading a 500 as a server bug; SMTP already answers 451
// for any store failure.

/** SQLSTATE classes and codes that mean "try again later": connection exceptions (08), an
 *  operator or crash shutdown or a server still starting (57P01–57P03), too many connections. */
const PG_UNAVAILABLE = /^(08...|57P0[1-3]|53300)$/;

/** Node's socket errors from a connection attempt or a connection that died. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** node-postgres's own words for a connection lost or not had in time (it gives these no code). */
const PG_CLIENT_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (PG_UNAVAILABLE.test(code) || SOCKET_CODES.has(code)) return true;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true;
  }
  if (PG_CLIENT_MESSAGES.test(err.message)) return true;
  // An AggregateError from a connect to several addresses (localhost: ::1 and 127.0.0.1).
  if (err instanceof AggregateError) return err.errors.length > 0 && err.errors.every(isStoreUnavailable);
  return err.cause !== undefined && err.cause !== err && isStoreUnavailable(err.cause);
}
