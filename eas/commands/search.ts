// MS-ASCMD 2.2.1.16 Search (Search namespace; Status 2.2.3.177.13, Result 2.2.3.155.3).
// Stores: "Mailbox" (full-text over the account's mail, results with LongId, CollectionId and
// the Email Properties), "GAL" (the server's local accounts, by address or display name).
// "DocumentLibrary" is not offered: Store Status 5 (access denied).
// A Search LongId is the item's ServerId ("<folderId>:<itemId>"), so ItemOperations Fetch and
// SmartReply/SmartForward read it with parseServerId.

import type { Account } from '../../store/types.js';
import { renderStoredItem } from '../classes/render-item.js';
import { serverIdOf } from '../model/ids.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import { searchMailbox } from '../search/mailbox.js';
import { parseSearchRequest, SearchRequestError, type SearchRequest } from '../search/request.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';

/** MS-ASCMD 2.2.3.177.13 */
const SearchStatus = {
  Success: 1,
  InvalidRequest: 2,
  ServerError: 3,
  AccessDenied: 5,
} as const;

/** MS-ASCMD 2.2.3.135.3 Picture Status: no photo for this contact. */
const NO_PHOTO = 173;

export const search = commandSpec('Search', handleSearch);

function answer(storeStatus: number, results: WbxmlElement[] = [], total?: number, range?: string): CommandResult {
  return {
    kind: 'wbxml',
    body: el('Search:Search', [
      el('Search:Status', SearchStatus.Success),
      el('Search:Response', [
        el('Search:Store', [
          el('Search:Status', storeStatus),
          // No match is an empty Result (2.2.3.155.3); Range and Total only describe matches.
          ...(results.length > 0 ? results : storeStatus === SearchStatus.Success ? [el('Search:Result')] : []),
          range !== undefined && el('Search:Range', range),
          total !== undefined && el('Search:Total', total),
        ]),
      ]),
    ]),
  };
}

function rangeText(start: number, count: number): string | undefined {
  return count > 0 ? `${start}-${start + count - 1}` : undefined;
}

async function handleSearch(ctx: CommandContext): Promise<CommandResult> {
  let req: SearchRequest;
  try {
    req = parseSearchRequest(ctx.request, ctx.version);
  } catch (err) {
    if (!(err instanceof SearchRequestError)) throw err;
    ctx.deps.log.warn('Search: invalid request', { account: ctx.account.address, reason: err.message });
    return answer(SearchStatus.InvalidRequest);
  }
  try {
    if (req.mailbox) return mailboxAnswer(ctx, req);
    if (req.store.toLowerCase() === 'gal') return galAnswer(ctx, req);
    return answer(SearchStatus.AccessDenied);
  } catch (err) {
    if (err instanceof SearchRequestError) return answer(SearchStatus.InvalidRequest);
    ctx.deps.log.error('Search failed', { account: ctx.account.address, error: (err as Error).message });
    return answer(SearchStatus.ServerError);
  }
}

function mailboxAnswer(ctx: CommandContext, req: SearchRequest): CommandResult {
  const { store } = ctx.deps;
  const accountId = ctx.account.id;
  const found = searchMailbox(store, accountId, req.mailbox!, { start: req.rangeStart, end: req.rangeEnd }, req.deepTraversal);
  const results = found.items.flatMap((item) => {
    const rendered = renderStoredItem(ctx.deps, ctx.account, ctx.version, item, req.options);
    if (!rendered) return [];
    return [
      el('Search:Result', [
        el('AirSync:Class', rendered.itemClass.name),
        el('Search:LongId', serverIdOf(item.folderId, item.id)),
        el('AirSync:CollectionId', String(item.folderId)),
        el('Search:Properties', rendered.properties),
      ]),
    ];
  });
  return answer(SearchStatus.Success, results, found.total, rangeText(req.rangeStart, results.length));
}

/** The local accounts whose address or display name contains the text (case-insensitive). */
function galMatches(accounts: Account[], text: string): Account[] {
  const t = text.toLowerCase();
  if (!t) return [];
  return accounts
    .filter((a) => a.address.includes(t) || (a.displayName ?? '').toLowerCase().includes(t))
    .sort((a, b) => a.address.localeCompare(b.address));
}

function galAnswer(ctx: CommandContext, req: SearchRequest): CommandResult {
  const matches = galMatches(ctx.deps.store.listAccounts(), req.galText ?? '');
  const page = matches.slice(req.rangeStart, req.rangeEnd + 1);
  const results = page.map((a) => {
    const name = a.displayName?.trim() || a.address;
    return el('Search:Result', [
      el('Search:Properties', [
        el('GAL:DisplayName', name),
        el('GAL:Alias', a.address.slice(0, a.address.indexOf('@'))),
        el('GAL:EmailAddress', a.address),
        req.picture && el('GAL:Picture', [el('GAL:Status', NO_PHOTO)]),
      ]),
    ]);
  });
  return answer(SearchStatus.Success, results, matches.length, rangeText(req.rangeStart, results.length));
}
