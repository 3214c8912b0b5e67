// A UID for an event the client sent none for: MS-ASCAL 2.2.2.46 lets the server create one
// below 16.0 (<4> in MS-ASCAL 7: Exchange does) and makes it the server's at 16.x, so that
// exports and meeting mail always have one. Made as Exchange makes it, a PidLidGlobalObjectId
// (MS-OXOCAL 2.2.1.27) in upper-case hex, which Outlook-family clients also read as a meeting's id.

import { randomBytes } from 'node:crypto';

/** MS-OXOCAL 2.2.1.27 Byte Array ID: the class id every GlobalObjectId begins with. */
const CLASS_ID = '040000008200E00074C5B7101A82E008';
/** 100 ns intervals between 1601-01-01 (FILETIME's epoch) and 1970-01-01. */
const FILETIME_EPOCH = 116_444_736_000_000_000n;

export function newUid(now: Date, random: (n: number) => Buffer = randomBytes): string {
  const data = random(16);
  const buf = Buffer.alloc(4 + 8 + 8 + 4 + data.length);
  // YH, YL, M, D: 0 for the series itself (an instance's date is only in its exceptions' ids).
  buf.writeUInt32LE(0, 0);
  buf.writeBigUInt64LE(BigInt(now.getTime()) * 10_000n + FILETIME_EPOCH, 4); // Creation Time
  // 8 reserved bytes stay 0; then Size and Data.
  buf.writeUInt32LE(data.length, 20);
  data.copy(buf, 24);
  return CLASS_ID + buf.toString('hex').toUpperCase();
}
