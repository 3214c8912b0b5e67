// MS-ASCMD 2.2.1.16 Search: the request read into a typed value. Store (2.2.3.178.3) with
// Name, Query (2.2.3.142.2: And, FreeText, airsync:CollectionId, airsync:Class,
// ConversationId, GreaterThan/LessThan on email:DateReceived) and Options (2.2.3.125.5:
// Range, DeepTraversal, RebuildResults, BodyPreference, MIMESupport, Picture).

import type { ProtocolVersion } from '../protocol.js';
import { OptionsError, parseItemOptions, type ItemOptions } from '../model/options.js';
import type { WbxmlElement } from '../wbxml/tree.js';
import { parsePictureOptions, type PictureOptions } from './gal.js';

export interface MailboxQuery {
  freeText: string | null;
  /** Raw CollectionId values; empty = the whole mailbox. */
  collectionIds: string[];
  classes: string[];
  conversationId: Buffer | null;
  /** email:DateReceived bounds, exclusive, as epoch ms. */
  after: number | null;
  before: number | null;
}

export interface SearchRequest {
  store: string;
  /** Mailbox: the query tree read; GAL: the text. */
  mailbox: MailboxQuery | null;
  galText: string | null;
  rangeStart: number;
  rangeEnd: number;
  deepTraversal: boolean;
  /** Options/Picture with its MaxSize and MaxPictures (GAL only); null when not asked. */
  picture: PictureOptions | null;
  options: ItemOptions;
}

/** A request we cannot read: answered with Store Status 2 (invalid request). */
export class SearchRequestError extends Error {}

/** Results per answer at most: the spec's default Range 0-99 is also its usual ceiling. */
export const MAX_RANGE_ITEMS = 100;

export function parseRange(text: string | undefined): { start: number; end: number } {
  if (text === undefined) return { start: 0, end: MAX_RANGE_ITEMS - 1 };
  const m = /^\s*(\d{1,9})\s*-\s*(\d{1,9})\s*$/.exec(text);
  if (!m) throw new SearchRequestError(`Range "${text}" is not "m-n"`);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) throw new SearchRequestError(`Range "${text}" ends before it starts`);
  return { start, end: Math.min(end, start + MAX_RANGE_ITEMS - 1) };
}

function dateBound(e: WbxmlElement): number {
  const value = e.textOf('Value');
  if (!e.has('DateReceived') || value === undefined) {
    throw new SearchRequestError(`${e.name} needs email:DateReceived and Value`);
  }
  const ms = Date.parse(value.trim());
  if (Number.isNaN(ms)) throw new SearchRequestError(`${e.name} Value "${value}" is not a date`);
  return ms;
}

function parseMailboxQuery(query: WbxmlElement): MailboxQuery {
  const q: MailboxQuery = { freeText: null, collectionIds: [], classes: [], conversationId: null, after: null, before: null };
  // The spec wraps the conditions in And; some clients put them straight under Query.
  const visit = (node: WbxmlElement): void => {
    for (const c of node.children) {
      switch (c.name) {
        case 'And':
          visit(c);
          break;
        case 'FreeText': {
          const t = (c.text ?? '').trim();
          q.freeText = q.freeText ? `${q.freeText} ${t}` : t;
          break;
        }
        case 'CollectionId':
          q.collectionIds.push((c.text ?? '').trim());
          break;
        case 'Class':
          q.classes.push((c.text ?? '').trim());
          break;
        case 'ConversationId':
          q.conversationId = c.opaque ? Buffer.from(c.opaque) : Buffer.from(c.text ?? '', 'utf8');
          break;
        case 'GreaterThan':
          q.after = dateBound(c);
          break;
        case 'LessThan':
          q.before = dateBound(c);
          break;
        default:
          throw new SearchRequestError(`unsupported query element ${c.tag}`);
      }
    }
  };
  visit(query);
  return q;
}

export function parseSearchRequest(root: WbxmlElement | null, version: ProtocolVersion): SearchRequest {
  if (!root || root.name !== 'Search') throw new SearchRequestError('no Search element');
  const store = root.child('Store');
  if (!store) throw new SearchRequestError('no Store element');
  const name = (store.textOf('Name') ?? '').trim();
  const query = store.child('Query');
  if (!name || !query) throw new SearchRequestError('Store needs Name and Query');
  const opts = store.child('Options');
  const range = parseRange(opts?.textOf('Range'));
  let options: ItemOptions;
  try {
    options = parseItemOptions(opts ? [opts] : [], version);
  } catch (err) {
    if (err instanceof OptionsError) throw new SearchRequestError(err.message);
    throw err;
  }
  const isMailbox = name.toLowerCase() === 'mailbox';
  const picture: PictureOptions | null = parsePictureOptions(opts?.child('Picture'), (reason) => new SearchRequestError(reason));
  return {
    store: name,
    mailbox: isMailbox ? parseMailboxQuery(query) : null,
    galText: isMailbox ? null : (query.text ?? '').trim(),
    rangeStart: range.start,
    rangeEnd: range.end,
    deepTraversal: opts?.has('DeepTraversal') ?? false,
    picture,
    options,
  };
}
