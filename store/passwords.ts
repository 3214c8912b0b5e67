// scrypt password hashes ("scrypt$N$r$p$salt$hash", base64) and a cache of recent successes,
// because EAS sends Basic auth on every request and scrypt costs tens of milliseconds.
import { createHmac, randomBytes, scrypt as scryptAsync, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

function options(N: number, r: number, p: number): ScryptOptions {
  return { N, r, p, maxmem: 256 * N * r * p };
}

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number, length: number): Buffer {
  return scryptSync(password.normalize('NFC'), salt, length, options(N, r, p));
}

/** The same derivation on libuv's thread pool, so a login never stalls the event loop (parked Pings). */
function scryptOffLoop(password: string, salt: Buffer, N: number, r: number, p: number, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptAsync(password.normalize('NFC'), salt, length, options(N, r, p), (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scrypt(password, salt, PARAMS.N, PARAMS.r, PARAMS.p, KEY_LENGTH);
  return format(PARAMS.N, PARAMS.r, PARAMS.p, salt, hash);
}

function format(N: number, r: number, p: number, salt: Buffer, hash: Buffer): string {
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  expected: Buffer;
}

/** null for anything that is not a hash this module wrote (such a row matches no password). */
function parse(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (!Number.isInteger(N) || !Number.isInteger(r) || !Number.isInteger(p) || expected.length === 0) return null;
  return { N, r, p, salt, expected };
}

/** Bad parameters in a stored hash (scrypt refuses them) mean "no match", never an exception. */
export function verifyHash(password: string, stored: string): boolean {
  const h = parse(stored);
  if (!h) return false;
  let actual: Buffer;
  try {
    actual = scrypt(password, h.salt, h.N, h.r, h.p, h.expected.length);
  } catch {
    return false;
  }
  return timingSafeEqual(actual, h.expected);
}

/** verifyHash off the event loop, with the same answers. */
export async function verifyHashAsync(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h) return false;
  let actual: Buffer;
  try {
    actual = await scryptOffLoop(password, h.salt, h.N, h.r, h.p, h.expected.length);
  } catch {
    return false;
  }
  return timingSafeEqual(actual, h.expected);
}

/**
 * Remembers which stored hash a (address, password) pair last matched. A hit only stands
 * if the account's stored hash is still that string, so a `user passwd` or `user remove`
 * from another process takes effect on the next request.
 */
export class CredentialCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { accountId: number; storedHash: string }>();

  constructor(private readonly capacity = 1024) {}

  /** Keyed hash, so the cache never holds anything that could be brute-forced offline. */
  private id(address: string, password: string): string {
    return createHmac('sha256', this.key).update(address).update('\0').update(password).digest('base64');
  }

  get(address: string, password: string): { accountId: number; storedHash: string } | undefined {
    const id = this.id(address, password);
    const entry = this.entries.get(id);
    if (entry) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(id);
      this.entries.set(id, entry);
    }
    return entry;
  }

  set(address: string, password: string, accountId: number, storedHash: string): void {
    const id = this.id(address, password);
    this.entries.delete(id);
    this.entries.set(id, { accountId, storedHash });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  delete(address: string, password: string): void {
    this.entries.delete(this.id(address, password));
  }
}

/**
 * A hash no password matches, to spend the same time on unknown addresses as on known ones:
 * the current parameters with a random salt and a random "hash" (matching it means finding a
 * 256-bit preimage). Building it costs no scrypt, so the store makes it when it opens and the
 * first unknown login costs what every later one does.
 */
export function dummyHash(): string {
  return format(PARAMS.N, PARAMS.r, PARAMS.p, randomBytes(16), randomBytes(KEY_LENGTH));
}
