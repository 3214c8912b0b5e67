// Mailbox address rules: stored lower-case; "alice+tag@x" is delivered to "alice@x".
const LOCAL = /^[^\s@"(),:;<>[\]\\+]{1,64}$/u;
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/** The canonical form of a valid account address, or null. '+' is refused: it is the tag separator. */
export function validAccountAddress(input: string): string | null {
  const address = input.trim().toLowerCase();
  if (address.length > 254) return null;
  const at = address.lastIndexOf('@');
  if (at <= 0) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  const labels = domain.split('.');
  if (!labels.every((l) => LABEL.test(l))) return null;
  return address;
}

/** The address an incoming recipient or login resolves to: lower-case, "+tag" dropped. */
export function lookupAddress(input: string): string {
  const address = input.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0) return address;
  const local = address.slice(0, at);
  const plus = local.indexOf('+');
  return plus > 0 ? `${local.slice(0, plus)}${address.slice(at)}` : address;
}

/** Exact lookup form for administrative commands (no "+tag" folding: `user remove` is precise). */
export function normalizeAddress(input: string): string {
  return input.trim().toLowerCase();
}
