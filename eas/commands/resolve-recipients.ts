// MS-ASCMD 2.2.1.15 ResolveRecipients (ResolveRecipients namespace; Status 2.2.3.177.12).
// Resolves against the directory the GAL shows (Type 1; eas/search/gal.ts, in the requester's
// `--gal` scope: docs/clients.md rule 33). An exact address (case and "+tag" folded by the
// store) resolves to that account; other text is a prefix of the display name (or a word of
// it), first or last name, alias or address: one match resolves, several are suggestions
// (Status 2, or 3 when more than MaxAmbiguousRecipients), none is Status 4.
// Availability: we keep no calendars, so a resolved recipient gets Status 1 with a
// MergedFreeBusy of "4" (no data) per 30-minute slot. Certificates: we hold none, so
// CertificateRetrieval 2/3 gets Certificates Status 7 (no valid certificate). Picture: the
// account's photo within MaxSize/MaxPictures, else Status 173/174/175 (MS-ASCMD 2.2.3.104.2).

import type { DirectoryEntry } from '../../store/types.js';
import { createPictureBudget, galDisplayName, galShows, parsePictureOptions, searchGal, type PictureBudget, type PictureOptions } from '../search/gal.js';
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
  picture: PictureOptions | null;
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
  const picture: PictureOptions | null = parsePictureOptions(options?.child('Picture'), (reason) => new ProtocolError(reason));
  return {
    certificateRetrieval: int('CertificateRetrieval', 1, 3, 1),
    maxAmbiguous: int('MaxAmbiguousRecipients', 0, 9999, DEFAULT_MAX_AMBIGUOUS),
    availability,
    picture,
  };
}

/**
 * Exact address first (only when the GAL shows that account: nothing of another tenant leaks);
 * otherwise the directory's prefix matches: up to `shown` of them and how many there are.
 */
async function candidates(ctx: CommandContext, to: string, shown: number): Promise<{ total: number; entries: DirectoryEntry[] }> {
  const exact = await ctx.deps.store.findAccount(to);
  if (exact) {
    const entry = galShows(ctx.deps, ctx.account, exact.address) ? await ctx.deps.store.directoryEntry(exact.id) : null;
    return entry ? { total: 1, entries: [entry] } : { total: 0, entries: [] };
  }
  if (to.includes('@')) return { total: 0, entries: [] };
  return await searchGal(ctx.deps, ctx.account, to, { start: 0, end: Math.max(shown, 1) - 1 });
}

async function recipientElement(a: DirectoryEntry, opts: ResolveOptions, picture: PictureBudget | null): Promise<WbxmlElement> {
  const slots = opts.availability ? Math.ceil((opts.availability.end - opts.availability.start) / SLOT_MS) : 0;
  return el('ResolveRecipients:Recipient', [
    el('ResolveRecipients:Type', 1),
    el('ResolveRecipients:DisplayName', galDisplayName(a)),
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
    picture !== null && pictureElement(await picture(a)),
  ]);
}

function pictureElement(p: { status: number; data: Buffer | null }): WbxmlElement {
  return el('ResolveRecipients:Picture', [
    el('ResolveRecipients:Status', p.status),
    p.data !== null && el('ResolveRecipients:Data', p.data.toString('base64')),
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
  const responses = await Promise.all(tos.map(async (to) => {
    const found = await candidates(ctx, to, opts.maxAmbiguous);
    const status =
      found.total === 0
        ? Status.NotResolved
        : found.total === 1
          ? Status.Success
          : found.total > opts.maxAmbiguous
            ? Status.AmbiguousPartial
            : Status.Ambiguous;
    const shown = found.total === 1 ? found.entries : found.entries.slice(0, opts.maxAmbiguous);
    // MaxPictures counts per To (MS-ASCMD 2.2.3.104.2).
    const picture = opts.picture ? createPictureBudget(ctx.deps, opts.picture) : null;
    return el('ResolveRecipients:Response', [
      el('ResolveRecipients:To', to),
      el('ResolveRecipients:Status', status),
      el('ResolveRecipients:RecipientCount', shown.length),
      ...await Promise.all(shown.map(async (a) => await recipientElement(a, opts, picture))),
    ]);
  }));
  return {
    kind: 'wbxml',
    body: el('ResolveRecipients:ResolveRecipients', [el('ResolveRecipients:Status', Status.Success), ...responses]),
  };
}
