// MS-ASCMD 2.2.1.16 Search (Search namespace; Status 2.2.3.177.13, Result 2.2.3.155.3).
// Stores: "Mailbox" (full-text over the account's mail, results with LongId, CollectionId and
// the Email Properties), "GAL" (the directory of the server's accounts in the requester's
// `--gal` scope, by prefix, with Range paging, Total and pictures: eas/search/gal.ts).
// "DocumentLibrary" is not offered: Store Status 5 (access denied). At 2.5 "GAL" is the only
// store (MS-ASCMD 2.2.3.120.2): a 2.5 Mailbox search is Store Status 2 (docs/clients.md rule 46).
// A Search LongId is the item's ServerId ("<folderId>:<itemId>"), so ItemOperations Fetch and
// SmartReply/SmartForward read it with parseServerId.

import { renderStoredItem } from '../classes/render-item.js';
import { serverIdOf } from '../model/ids.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import { createPictureBudget, galProperties, searchGal } from '../search/gal.js';
import { searchMailbox } from '../search/mailbox.js';
import { parseSearchRequest, SearchRequestError, type SearchRequest } from '../search/request.js';
import { atLeast } from '../protocol.js';
import { commandSpec, type CommandContext, type CommandResult } from './types.js';

/** MS-ASCMD 2.2.3.177.13 */
const SearchStatus = {
  Success: 1,
  InvalidRequest: 2,
  ServerError: 3,
  AccessDenied: 5,
} as const;

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
    if (req.mailbox) {
      if (!atLeast(ctx.version, '12.0')) return answer(SearchStatus.InvalidRequest);
      return await mailboxAnswer(ctx, req);
    }
    if (req.store.toLowerCase() === 'gal') return await galAnswer(ctx, req);
    return answer(SearchStatus.AccessDenied);
  } catch (err) {
    if (err instanceof SearchRequestError) return answer(SearchStatus.InvalidRequest);
    ctx.deps.log.error('Search failed', { account: ctx.account.address, error: (err as Error).message });
    return answer(SearchStatus.ServerError);
  }
}

async function mailboxAnswer(ctx: CommandContext, req: SearchRequest): Promise<CommandResult> {
  const { store } = ctx.deps;
  const accountId = ctx.account.id;
  const found = await searchMailbox(store, accountId, req.mailbox!, { start: req.rangeStart, end: req.rangeEnd }, req.deepTraversal);
  const perItem = await Promise.all(found.items.map(async (item) => {
    const rendered = await renderStoredItem(ctx.deps, ctx.account, ctx.version, item, req.options);
    if (!rendered) return [];
    return [
      el('Search:Result', [
        el('AirSync:Class', rendered.itemClass.name),
        el('Search:LongId', serverIdOf(item.folderId, item.id)),
        el('AirSync:CollectionId', String(item.folderId)),
        el('Search:Properties', rendered.properties),
      ]),
    ];
  }));
  const results = perItem.flat();
  return answer(SearchStatus.Success, results, found.total, rangeText(req.rangeStart, results.length));
}

/** The directory in the requester's GAL scope, by prefix (eas/search/gal.ts, docs/clients.md rule 33). */
async function galAnswer(ctx: CommandContext, req: SearchRequest): Promise<CommandResult> {
  const range = { start: req.rangeStart, end: req.rangeEnd };
  const found = await searchGal(ctx.deps, ctx.account, req.galText ?? '', range);
  const budget = req.picture ? createPictureBudget(ctx.deps, req.picture) : null;
  const results = await Promise.all(found.entries.map(async (entry) => el('Search:Result', [el('Search:Properties', await galProperties(entry, budget))])));
  return answer(SearchStatus.Success, results, found.total, rangeText(req.rangeStart, results.length));
}
