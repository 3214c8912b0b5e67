// MS-ASCMD 2.2.1.2 Find (Find namespace, code page 25; Status 2.2.3.177.2), 16.1 only.
// Response (2.2.3.153.2): itemoperations:Store "Mailbox" (2.2.3.178.1), Status, the Results
// (2.2.3.155.1: airsync:Class, airsync:ServerId, airsync:CollectionId, Properties 2.2.3.139.1),
// Range and Total. Mail results carry email:Subject, email:DateReceived, email:DisplayTo,
// DisplayCc, email:Importance, email:Read, email2:IsDraft, Preview, HasAttachments and
// email:From; GAL results the GAL properties (eas/search/gal.ts) and nothing else, as a
// directory entry has no folder or ServerId. Below 16.1 the command does not exist for the
// client's version: the HTTP layer answers 400 (`versions`, docs/clients.md rules 34 and 45).
// Status 4: the first request of a SearchId must ask for a Range that starts at 0 (2.2.3.143.1);
// later pages of the same SearchId on the same device may start anywhere.

import type { Account, MailItem } from '../../store/types.js';
import { findMail, FindFolderError } from '../find/mailbox.js';
import { FindRequestError, parseFindRequest, type FindRequest, type FindRange } from '../find/request.js';
import { displayAddress, displayTo } from '../model/addresses.js';
import { dateReceived } from '../model/email.js';
import { serverIdOf } from '../model/ids.js';
import { isDraft, itemContext } from '../model/item-context.js';
import { createPictureBudget, galProperties, searchGal } from '../search/gal.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import { commandSpec, type CommandContext, type CommandResult, type CommandSpec } from './types.js';

/** MS-ASCMD 2.2.3.177.2 */
export const FindStatus = {
  Success: 1,
  InvalidRequest: 2,
  FolderSyncRequired: 3,
  RangeNotFromZero: 4,
} as const;

/** When the request names no Range: the first 100, as Search does. */
const DEFAULT_RANGE: FindRange = { start: 0, end: 99 };
/** SearchIds remembered per app (for Status 4), oldest forgotten first. */
const REMEMBERED_SEARCHES = 2000;

/** A fresh Find command; it remembers the SearchIds its app has seen (per device). */
export function createFindCommand(): CommandSpec {
  const seen = new Set<string>();
  const remember = (key: string) => {
    seen.delete(key);
    seen.add(key);
    if (seen.size > REMEMBERED_SEARCHES) seen.delete(seen.values().next().value!);
  };
  return commandSpec('Find', (ctx) => handleFind(ctx, seen, remember), { versions: { min: '16.1' } });
}

function topLevel(status: number): CommandResult {
  return { kind: 'wbxml', body: el('Find:Find', [el('Find:Status', status)]) };
}

function response(results: WbxmlElement[], range: FindRange, total: number): CommandResult {
  return {
    kind: 'wbxml',
    body: el('Find:Find', [
      el('Find:Status', FindStatus.Success),
      el('Find:Response', [
        el('ItemOperations:Store', 'Mailbox'),
        el('Find:Status', FindStatus.Success),
        ...results,
        results.length > 0 && el('Find:Range', `${range.start}-${range.start + results.length - 1}`),
        el('Find:Total', total),
      ]),
    ]),
  };
}

async function handleFind(ctx: CommandContext, seen: Set<string>, remember: (key: string) => void): Promise<CommandResult> {
  let req: FindRequest;
  try {
    req = parseFindRequest(ctx.request);
  } catch (err) {
    if (!(err instanceof FindRequestError)) throw err;
    ctx.deps.log.warn('Find: invalid request', { account: ctx.account.address, reason: err.message });
    return topLevel(FindStatus.InvalidRequest);
  }
  const range = req.range ?? DEFAULT_RANGE;
  const key = `${ctx.device.id}:${req.searchId}`;
  if (range.start !== 0 && !seen.has(key)) return topLevel(FindStatus.RangeNotFromZero);
  remember(key);
  if (req.criterion.kind === 'gal') {
    const found = await searchGal(ctx.deps, ctx.account, req.criterion.query, range);
    const budget = req.criterion.picture ? createPictureBudget(ctx.deps, req.criterion.picture) : null;
    const results = await Promise.all(found.entries.map(async (e) => el('Find:Result', [el('Find:Properties', await galProperties(e, budget))])));
    return response(results, range, found.total);
  }
  let found: { total: number; items: MailItem[] };
  try {
    found = await findMail(ctx.deps.store, ctx.account.id, req.criterion, range);
  } catch (err) {
    if (!(err instanceof FindFolderError)) throw err;
    return topLevel(FindStatus.FolderSyncRequired);
  }
  return response(await Promise.all(found.items.map(async (item) => await mailResult(ctx, ctx.account, item))), range, found.total);
}

/** 2.2.3.139.1 in the order the spec lists the properties. */
async function mailResult(ctx: CommandContext, account: Account, item: MailItem): Promise<WbxmlElement> {
  const s = item.summary;
  const from = s.from[0];
  return el('Find:Result', [
    el('AirSync:Class', 'Email'),
    el('AirSync:ServerId', serverIdOf(item.folderId, item.id)),
    el('AirSync:CollectionId', String(item.folderId)),
    el('Find:Properties', [
      el('Email:Subject', s.subject.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()),
      el('Email:DateReceived', dateReceived(item)),
      el('Email:DisplayTo', displayTo(s.to)),
      s.cc.length > 0 && el('Find:DisplayCc', displayTo(s.cc)),
      el('Email:Importance', s.importance),
      el('Email:Read', item.read ? 1 : 0),
      el('Email2:IsDraft', isDraft(await itemContext(ctx.deps.store, account, item)) ? 1 : 0),
      s.preview !== '' && el('Find:Preview', s.preview),
      el('Find:HasAttachments', s.hasAttachments || item.attachments.some((a) => !a.inline) ? 1 : 0),
      el('Email:From', from ? displayAddress(from) : ''),
    ]),
  ]);
}
