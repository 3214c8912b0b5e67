// MS-ASCMD 2.2.1.2 Find: the request read into a typed value. Find (2.2.3.69) holds SearchId
// (2.2.3.160, a GUID) and ExecuteSearch (2.2.3.66) with exactly one of MailBoxSearchCriterion
// (2.2.3.99: Query with FreeText, airsync:Class, airsync:CollectionId; Options with Range and
// DeepTraversal) or GALSearchCriterion (2.2.3.82, MS-ASWBXML's tag "GalSearchCriterion":
// Query text; Options with Range and Picture/MaxSize/MaxPictures).

import { parsePictureOptions, type PictureOptions } from '../search/gal.js';
import type { WbxmlElement } from '../wbxml/tree.js';

/** A request we cannot read: Find Status 2. */
export class FindRequestError extends Error {}

/** 2.2.3.143.1: 0 ≤ m ≤ n ≤ 999. */
export const MAX_FIND_INDEX = 999;

export interface FindRange {
  start: number;
  end: number;
}

export interface MailboxCriterion {
  kind: 'mailbox';
  /** KQL text (2.2.3.80.1), as sent. */
  freeText: string;
  classes: string[];
  collectionId: string | null;
  deepTraversal: boolean;
}

export interface GalCriterion {
  kind: 'gal';
  query: string;
  picture: PictureOptions | null;
}

export interface FindRequest {
  searchId: string;
  criterion: MailboxCriterion | GalCriterion;
  /** Null when the request names none: the first 100 (0-99). */
  range: FindRange | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseFindRange(text: string | undefined): FindRange | null {
  if (text === undefined) return null;
  const m = /^\s*(\d{1,9})\s*-\s*(\d{1,9})\s*$/.exec(text);
  if (!m) throw new FindRequestError(`Range "${text}" is not "m-n"`);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) throw new FindRequestError(`Range "${text}" ends before it starts`);
  if (end > MAX_FIND_INDEX) throw new FindRequestError(`Range "${text}" goes past ${MAX_FIND_INDEX}`);
  return { start, end };
}

function parseMailbox(c: WbxmlElement): { criterion: MailboxCriterion; range: FindRange | null } {
  const query = c.child('Find:Query');
  if (!query) throw new FindRequestError('MailBoxSearchCriterion needs Query');
  const criterion: MailboxCriterion = { kind: 'mailbox', freeText: '', classes: [], collectionId: null, deepTraversal: false };
  for (const e of query.children) {
    switch (e.tag) {
      case 'Find:FreeText':
        criterion.freeText = `${criterion.freeText} ${e.text ?? ''}`.trim();
        break;
      case 'AirSync:Class':
        criterion.classes.push((e.text ?? '').trim());
        break;
      case 'AirSync:CollectionId':
        if (criterion.collectionId !== null) throw new FindRequestError('more than one CollectionId');
        criterion.collectionId = (e.text ?? '').trim();
        break;
      default:
        throw new FindRequestError(`unexpected ${e.tag} in Query`);
    }
  }
  const options = c.child('Find:Options');
  criterion.deepTraversal = options?.has('Find:DeepTraversal') ?? false;
  return { criterion, range: parseFindRange(options?.textOf('Find:Range')) };
}

function parseGal(c: WbxmlElement): { criterion: GalCriterion; range: FindRange | null } {
  const query = c.child('Find:Query');
  if (!query || query.children.length > 0) throw new FindRequestError('GALSearchCriterion needs a text Query');
  const options = c.child('Find:Options');
  const picture: PictureOptions | null = parsePictureOptions(options?.child('Find:Picture'), (reason) => new FindRequestError(reason));
  return { criterion: { kind: 'gal', query: (query.text ?? '').trim(), picture }, range: parseFindRange(options?.textOf('Find:Range')) };
}

export function parseFindRequest(root: WbxmlElement | null): FindRequest {
  if (!root || root.tag !== 'Find:Find') throw new FindRequestError('no Find element');
  const searchId = (root.textOf('Find:SearchId') ?? '').trim();
  if (!GUID.test(searchId)) throw new FindRequestError(`SearchId "${searchId.slice(0, 40)}" is not a GUID`);
  const exec = root.child('Find:ExecuteSearch');
  if (!exec) throw new FindRequestError('no ExecuteSearch');
  const criteria = exec.children;
  if (criteria.length !== 1) throw new FindRequestError('ExecuteSearch needs exactly one criterion');
  const c = criteria[0]!;
  const parsed =
    c.tag === 'Find:MailBoxSearchCriterion' ? parseMailbox(c) : c.tag === 'Find:GalSearchCriterion' ? parseGal(c) : null;
  if (!parsed) throw new FindRequestError(`unexpected ${c.tag} in ExecuteSearch`);
  return { searchId: searchId.toLowerCase(), ...parsed };
}
