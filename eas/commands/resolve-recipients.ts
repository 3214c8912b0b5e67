// MS-ASCMD 2.2.1.15 ResolveRecipients (ResolveRecipients namespace; Status 2.2.3.177.12).
// Resolves against the server's local accounts (Type 1, the GAL). An exact address (case and
// "+tag" folded by the store) resolves to that account; other text is matched against local
// parts and display names: one match resolves, several are suggestions (Status 2, or 3 when
// more than MaxAmbiguousRecipients), none is Status 4.
// Availability: we keep no calendars, so a resolved recipient gets Status 1 with a
// MergedFreeBusy of "4" (no data) per 30-minute slot. Certificates: we hold none, so
// CertificateRetrieval 2/3 gets Certificates Status 7 (no valid certificate). Picture: 173.

import type { Account } from '../../store/types.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';

/** MS-ASCMD 2.2.3.177.12 */
const Status = {
  Success: 1,
  Ambiguous: 2,
  AmbiguousPartial: 3,
  NotResolved: 4,
  ProtocolError: 5,
  ServerError: 6,
  CertificateNone: 7,
} as const;
const NO_PHOTO = 173;
const MAX_TO = 100;
/** Suggestions per ambiguous name when the client sets no MaxAmbiguousRecipients. */
const DEFAULT_MAX_AMBIGUOUS = 19;
const SLOT_MS = 30 * 60_000;
/** Exchange refuses longer availability windows; so do we (Status 5). */
const MAX_AVAILABILITY_MS = 42 * 86_400_000;

export const resolveRecipients = commandSpec('ResolveRecipients', handleResolveRecipients);

interface ResolveOptions {
  certificateRetrieval: number;
  maxAmbiguous: number;
  availability: { start: number; end: number } | null;
  picture: boolean;
}

class ProtocolError extends Error {}

function topLevel(status: number): CommandResult {
  return { kind: 'wbxml', body: el('ResolveRecipients:ResolveRecipients', [el('ResolveRecipients:Status', status)]) };
}

function parseOptions(options: WbxmlElement | undefined): ResolveOptions {
  const int = (name: string, min: number, max: number, dflt: number): number => {
    const v = options?.intOf(name);
    if (v === undefined) return dflt;
    if (!Number.isInteger(v) || v < min || v > max) throw new ProtocolError(`${name} out of range`);
    return v;
  };
  let availability: ResolveOptions['availability'] = null;
  const av = options?.child('Availability');
  if (av) {
    const start = Date.parse(av.textOf('StartTime') ?? '');
    const end = Date.parse(av.textOf('EndTime') ?? '');
    if (Number.isNaN(start) || Number.isNaN(end) || end <= start || end - start > MAX_AVAILABILITY_MS) {
      throw new ProtocolError('Availability needs StartTime < EndTime within 42 days');
    }
    availability = { start, end };
  }
  return {
    certificateRetrieval: int('CertificateRetrieval', 1, 3, 1),
    maxAmbiguous: int('MaxAmbiguousRecipients', 0, 9999, DEFAULT_MAX_AMBIGUOUS),
    availability,
    picture: options?.has('Picture') ?? false,
  };
}

/** Exact address first; otherwise local part or display name starting with / containing the text. */
function candidates(ctx: CommandContext, to: string, accounts: () => Account[]): Account[] {
  const exact = ctx.deps.store.findAccount(to);
  if (exact) return [exact];
  const t = to.toLowerCase();
  if (t.includes('@')) return [];
  return accounts().filter((a) => {
    const local = a.address.slice(0, a.address.indexOf('@'));
    const name = (a.displayName ?? '').toLowerCase();
    return local.startsWith(t) || name.includes(t);
  });
}

function recipientElement(a: Account, opts: ResolveOptions): WbxmlElement {
  const slots = opts.availability ? Math.ceil((opts.availability.end - opts.availability.start) / SLOT_MS) : 0;
  return el('ResolveRecipients:Recipient', [
    el('ResolveRecipients:Type', 1),
    el('ResolveRecipients:DisplayName', a.displayName?.trim() || a.address),
    el('ResolveRecipients:EmailAddress', a.address),
    opts.availability !== null &&
      el('ResolveRecipients:Availability', [
        el('ResolveRecipients:Status', Status.Success),
        el('ResolveRecipients:MergedFreeBusy', '4'.repeat(slots)),
      ]),
    opts.certificateRetrieval > 1 &&
      el('ResolveRecipients:Certificates', [
        el('ResolveRecipients:Status', Status.CertificateNone),
        el('ResolveRecipients:CertificateCount', 0),
      ]),
    opts.picture && el('ResolveRecipients:Picture', [el('ResolveRecipients:Status', NO_PHOTO)]),
  ]);
}

async function handleResolveRecipients(ctx: CommandContext): Promise<CommandResult> {
  const root = ctx.request;
  if (!root || root.name !== 'ResolveRecipients') return topLevel(Status.ProtocolError);
  const tos = root.all('To').map((t) => (t.text ?? '').trim());
  if (tos.length === 0 || tos.length > MAX_TO || tos.some((t) => t === '')) return topLevel(Status.ProtocolError);
  let opts: ResolveOptions;
  try {
    opts = parseOptions(root.child('Options'));
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    return topLevel(Status.ProtocolError);
  }
  let all: Account[] | null = null;
  const accounts = (): Account[] => (all ??= ctx.deps.store.listAccounts());
  const responses = tos.map((to) => {
    const found = candidates(ctx, to, accounts);
    const status =
      found.length === 0
        ? Status.NotResolved
        : found.length === 1
          ? Status.Success
          : found.length > opts.maxAmbiguous
            ? Status.AmbiguousPartial
            : Status.Ambiguous;
    const shown = found.length === 1 ? found : found.slice(0, opts.maxAmbiguous);
    return el('ResolveRecipients:Response', [
      el('ResolveRecipients:To', to),
      el('ResolveRecipients:Status', status),
      el('ResolveRecipients:RecipientCount', shown.length),
      ...shown.map((a) => recipientElement(a, opts)),
    ]);
  });
  return {
    kind: 'wbxml',
    body: el('ResolveRecipients:ResolveRecipients', [el('ResolveRecipients:Status', Status.Success), ...responses]),
  };
}
