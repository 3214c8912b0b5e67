// The global address list as Search (MS-ASCMD 2.2.1.16, Store Name "GAL"), Find (2.2.1.2,
// GALSearchCriterion) and ResolveRecipients (2.2.1.15) all show it: the server's accounts,
// scoped by `serve --gal` (docs/clients.md rule 33), with the GAL code page's properties
// (MS-ASWBXML code page 16) and the picture rules of MS-ASCMD 2.2.3.104/2.2.3.105
// (MaxPictures, MaxSize) and the picture Status values 1, 173, 174 and 175.

import type { Account, DirectoryEntry } from '../../store/types.js';
import type { EasDeps } from '../deps.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';

/** Picture Status values (MS-ASCMD 2.2.3.104.3). */
export const PictureStatus = {
  Success: 1,
  NoPicture: 173,
  PictureTooLarge: 174,
  PictureLimitReached: 175,
} as const;

/** MS-ASCMD 2.2.3.105: MaxSize is at most 100 KB. */
export const MAX_PICTURE_SIZE = 102_400;

export interface PictureOptions {
  maxSize: number | null;
  maxPictures: number | null;
}

/**
 * Reads <Picture><MaxSize/><MaxPictures/></Picture> of any of the three namespaces; null when
 * absent. A limit out of range throws `refuse(reason)`: each command answers it its own way.
 */
export function parsePictureOptions(picture: WbxmlElement | undefined, refuse: (reason: string) => Error): PictureOptions | null {
  if (!picture) return null;
  const limit = (name: string, max: number): number | null => {
    const raw = picture.textOf(name);
    if (raw === undefined) return null;
    if (!/^\s*\d{1,9}\s*$/.test(raw)) throw refuse(`${name} "${raw}" is not a whole number`);
    const n = Number(raw.trim());
    if (n > max) throw refuse(`${name} ${n} is above ${max}`);
    return n;
  };
  return { maxSize: limit('MaxSize', MAX_PICTURE_SIZE), maxPictures: limit('MaxPictures', 999_999_999) };
}

/** The domain whose accounts a user sees; null = every account; undefined = none (GAL off). */
export function galDomain(deps: EasDeps, account: Account): string | null | undefined {
  const scope = deps.config.gal ?? 'domain';
  if (scope === 'off') return undefined;
  if (scope === 'all') return null;
  return account.address.slice(account.address.lastIndexOf('@') + 1);
}

/** True when the directory shows `entry` to `account` under the configured scope. */
export function galShows(deps: EasDeps, account: Account, address: string): boolean {
  const domain = galDomain(deps, account);
  if (domain === undefined) return false;
  return domain === null || address.slice(address.lastIndexOf('@') + 1) === domain;
}

/** Prefix matches in the requester's scope, one page of them, and how many there are. */
export async function searchGal(
  deps: EasDeps,
  account: Account,
  text: string,
  range: { start: number; end: number },
): Promise<{ total: number; entries: DirectoryEntry[] }> {
  const domain = galDomain(deps, account);
  if (domain === undefined) return { total: 0, entries: [] };
  return await deps.store.searchDirectory({ text, domain, offset: range.start, limit: range.end - range.start + 1 });
}

/** Hands out pictures in result order, counting them against MaxPictures across one answer. */
export function createPictureBudget(deps: EasDeps, options: PictureOptions) {
  let sent = 0;
  return async (entry: DirectoryEntry): Promise<{ status: number; data: Buffer | null }> => {
    if (entry.pictureSize === 0) return { status: PictureStatus.NoPicture, data: null };
    if (options.maxSize !== null && entry.pictureSize > options.maxSize) return { status: PictureStatus.PictureTooLarge, data: null };
    if (options.maxPictures !== null && sent >= options.maxPictures) return { status: PictureStatus.PictureLimitReached, data: null };
    // Counted before the read: the entries of one answer may ask at once, in result order.
    sent++;
    const data = await deps.store.directoryPicture(entry.accountId);
    if (data) return { status: PictureStatus.Success, data };
    sent--;
    return { status: PictureStatus.NoPicture, data: null };
  };
}

export type PictureBudget = ReturnType<typeof createPictureBudget>;

/** The name a directory entry shows: its display name, else its address. */
export function galDisplayName(entry: DirectoryEntry): string {
  return entry.displayName?.trim() || entry.address;
}

/**
 * The GAL properties of one entry in the order MS-ASCMD 2.2.3.139 lists them (and code page 16
 * numbers them): DisplayName, Phone, Office, Title, Company, Alias, FirstName, LastName,
 * HomePhone, MobilePhone, EmailAddress, Picture. Empty fields are left out. Picture Data is
 * the photo's bytes in base64, as clients read contact photos.
 */
export async function galProperties(entry: DirectoryEntry, picture: PictureBudget | null): Promise<WbxmlElement[]> {
  const text = (tag: string, value: string | null) => (value?.trim() ? el(tag, value.trim()) : false);
  const alias = entry.alias?.trim() || entry.address.slice(0, entry.address.lastIndexOf('@'));
  const pic = picture ? await picture(entry) : undefined;
  return [
    el('GAL:DisplayName', galDisplayName(entry)),
    text('GAL:Phone', entry.phone),
    text('GAL:Office', entry.office),
    text('GAL:Title', entry.title),
    text('GAL:Company', entry.company),
    el('GAL:Alias', alias),
    text('GAL:FirstName', entry.firstName),
    text('GAL:LastName', entry.lastName),
    text('GAL:HomePhone', entry.homePhone),
    text('GAL:MobilePhone', entry.mobilePhone),
    el('GAL:EmailAddress', entry.address),
    pic !== undefined && el('GAL:Picture', [el('GAL:Status', pic.status), pic.data !== null && el('GAL:Data', pic.data.toString('base64'))]),
  ].filter((e): e is WbxmlElement => e !== false);
}
