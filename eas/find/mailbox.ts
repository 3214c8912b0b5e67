// MS-ASCMD 2.2.1.2 Find, MailBoxSearchCriterion: which mail of the account matches. FreeText is
// Keyword Query Language (2.2.3.80.1); we read the part of KQL mail clients send: words (each a
// prefix, all required, over subject, sender, recipients, cc and body: the full-text index the
// mailbox Search uses), "quoted phrases" as their words, property restrictions subject:,
// from:, to:, cc:, participants: and body: ("subject:mobile", "subject: mobile"), AND between
// terms, and "*" for everything. Scope: the named folder (with DeepTraversal its subfolders
// too), else the whole mailbox. Newest first. docs/clients.md rule 34.

import { isMailItem, type Folder, type MailItem, type Store } from '../../store/types.js';
import { parseFolderId } from '../model/ids.js';
import { addSubfolders } from '../search/mailbox.js';
import type { FindRange, MailboxCriterion } from './request.js';

/** At most this many candidates are read when a term needs filtering after the index. */
const FILTER_CANDIDATES = 5000;

/** The folder is not one the client may name: Status 3 (its hierarchy is out of date). */
export class FindFolderError extends Error {}

type Field = 'subject' | 'from' | 'to' | 'cc' | 'participants' | 'body';
const FIELDS: ReadonlySet<string> = new Set(['subject', 'from', 'to', 'cc', 'participants', 'body']);

interface Term {
  word: string;
  /** null: any indexed field. */
  field: Field | null;
}

/** KQL text → terms; an empty list means "everything" ("*" or nothing but operators). */
export function parseKql(text: string): Term[] {
  const terms: Term[] = [];
  // property:value, property: value, "phrase", or a bare word.
  const re = /([\p{L}]+)\s*:\s*("([^"]*)"|[^\s"]+)|"([^"]*)"|([^\s"]+)/gu;
  for (const m of text.matchAll(re)) {
    const prop = m[1]?.toLowerCase();
    const field = prop && FIELDS.has(prop) ? (prop as Field) : null;
    const value = prop ? (m[3] ?? m[2] ?? '') : (m[4] ?? m[5] ?? '');
    if (!prop && /^(AND|OR|NOT)$/.test(value)) continue;
    const found: string[] = [...(value.match(/[\p{L}\p{N}_]+/gu) ?? [])];
    // An unknown property ("kind:email") is read as plain words, never as a failure.
    if (prop && !field) found.unshift(prop);
    for (const w of found) terms.push({ word: w.toLowerCase(), field });
  }
  return terms;
}

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []);
}

function fieldWords(item: MailItem, field: Field): string[] {
  const s = item.summary;
  const people = (list: { name: string; address: string }[]) => list.flatMap((a) => words(`${a.name} ${a.address}`));
  switch (field) {
    case 'subject':
      return words(s.subject);
    case 'from':
      return people(s.from);
    case 'to':
      return people(s.to);
    case 'cc':
      return people(s.cc);
    case 'participants':
      return [...people(s.from), ...people(s.to), ...people(s.cc)];
    case 'body':
      return words(s.preview);
  }
}

/** A restricted term matches when a word of that field starts with it (body: the index decided). */
function restrictedMatch(item: MailItem, t: Term): boolean {
  if (t.field === null || t.field === 'body') return true;
  return fieldWords(item, t.field).some((w) => w.startsWith(t.word));
}

function scopeOf(folders: Folder[], collectionId: string | null, deep: boolean): Set<number> | null {
  if (collectionId === null) return null;
  const id = parseFolderId(collectionId);
  // A folder of another account is not in this list: the client's hierarchy is not ours.
  if (id === null || !folders.some((f) => f.id === id)) throw new FindFolderError(`CollectionId "${collectionId}" is not a folder of this mailbox`);
  const scope = new Set([id]);
  if (deep) addSubfolders(folders, scope);
  return scope;
}

function newestFirst(a: MailItem, b: MailItem): number {
  return a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : b.id - a.id;
}

export async function findMail(
  store: Store,
  accountId: number,
  c: MailboxCriterion,
  range: FindRange,
): Promise<{ total: number; items: MailItem[] }> {
  if (c.classes.length > 0 && !c.classes.some((k) => k.toLowerCase() === 'email')) return { total: 0, items: [] };
  const folders = await store.listFolders(accountId);
  const scope = scopeOf(folders, c.collectionId, c.deepTraversal);
  const terms = parseKql(c.freeText);
  const single = scope && scope.size === 1 ? [...scope][0]! : undefined;
  const text = terms.map((t) => t.word).join(' ');
  const restricted = terms.some((t) => t.field !== null && t.field !== 'body');

  // Plain words in one folder or the whole mailbox: the index pages by itself.
  if (text && !restricted && (scope === null || single !== undefined)) {
    const r = await store.search({ accountId, text, folderId: single, rangeStart: range.start, rangeEnd: range.end });
    return { total: r.total, items: r.items };
  }
  let candidates: MailItem[];
  if (text) {
    candidates = (await store.search({ accountId, text, folderId: single, rangeStart: 0, rangeEnd: FILTER_CANDIDATES - 1 })).items;
  } else {
    const ids = scope ? [...scope] : folders.map((f) => f.id);
    candidates = (await Promise.all(ids.map(async (f) => (await store.listItems(accountId, f, FILTER_CANDIDATES)).filter(isMailItem)))).flat();
    candidates.sort(newestFirst);
  }
  const matches = candidates.filter((item) => (!scope || scope.has(item.folderId)) && terms.every((t) => restrictedMatch(item, t)));
  return { total: matches.length, items: matches.slice(range.start, range.end + 1) };
}
