// A UID for an entry that has none (RFC 5545 and RFC 6350 want one; Thunderbird's own test
// files go without): derived from the entry's text, so importing the same file again finds the
// same item and updates it instead of adding a copy.

import { createHash } from 'node:crypto';

export function syntheticUid(lines: readonly string[]): string {
  const digest = createHash('sha256').update(lines.map((l) => l.trimEnd()).join('\n')).digest('hex');
  return `${digest.slice(0, 32)}@eas-push.import`;
}
