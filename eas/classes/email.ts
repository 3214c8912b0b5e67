// The Email class (MS-ASEMAIL) behind the item-class contract (docs/classes.md): mail items are
// stored messages; a client changes Read, Flag and Categories, and at 16.0+ adds and edits
// drafts in Drafts (MS-ASEMAIL 3.1.5.3). The mappings themselves live in eas/model/.

import { FolderType, type MailItem } from '../../store/types.js';
import { emailChangeProperties, emailProperties, parseEmailChange } from '../model/email.js';
import { serverIdOf } from '../model/ids.js';
import type { ItemContext } from '../model/item-context.js';
import { filterSince, parseItemOptions } from '../model/options.js';
import { atLeast } from '../protocol.js';
import { bccHeaderOf, draftMime, DraftError, type DraftBase } from '../sync/draft.js';
import { SyncStatus } from '../sync/status.js';
import type { WbxmlElement } from '../wbxml/tree.js';
import type { ApplyItemContext, ItemClass, RenderItemContext } from './types.js';

/** Email2/AirSyncBase properties that only a draft's content change carries. */
const DRAFT_CONTENT = ['To', 'Cc', 'Bcc', 'Subject', 'Body', 'Attachments', 'Importance'];

export const EMAIL_FOLDER_TYPES: readonly number[] = [
  FolderType.UserGeneric,
  FolderType.Inbox,
  FolderType.Drafts,
  FolderType.DeletedItems,
  FolderType.SentItems,
  FolderType.Outbox,
  FolderType.UserMail,
];

function mail(item: { kind: string; id: number }): MailItem {
  if (item.kind !== 'mail') throw new Error(`Email: item ${item.id} is not a mail item`);
  return item as MailItem;
}

function contextOf(ctx: RenderItemContext): ItemContext {
  return { folderType: ctx.folder.type, accountAddress: ctx.account.address };
}

function full(item: MailItem, ctx: RenderItemContext): WbxmlElement[] {
  const loadBody = () => ctx.store.getBody(ctx.account.id, item.id);
  return emailProperties(item, loadBody, ctx.options, ctx.version, contextOf(ctx));
}

/** MS-ASEMAIL 16.0: only drafts can be created through Sync; anything else cannot be converted. */
async function addDraft(ctx: ApplyItemContext, appData: WbxmlElement | null) {
  if (ctx.folder.type !== FolderType.Drafts || !atLeast(ctx.version, '16.0') || !appData) {
    return { serverId: null, status: SyncStatus.ConversionError };
  }
  let raw: Buffer;
  try {
    raw = await draftMime(appData, ctx.account, new Date());
  } catch (err) {
    if (err instanceof DraftError) return { serverId: null, status: SyncStatus.ConversionError };
    throw err;
  }
  const parsed = await ctx.deps.parse(raw);
  const item = ctx.deps.store.addItem(ctx.account.id, ctx.folder.id, raw, parsed, ctx.device.id, true);
  return { serverId: serverIdOf(item.folderId, item.id), status: SyncStatus.Success };
}

/**
 * A draft edit: the message is rebuilt from the stored draft and the Change, and replaces the
 * item's message in place (same ServerId), so the account's other devices get a Change.
 */
async function editDraft(ctx: ApplyItemContext, item: MailItem, appData: WbxmlElement): Promise<number> {
  const { store } = ctx.deps;
  const stored = store.getBody(ctx.account.id, item.id);
  if (!stored) return SyncStatus.ObjectNotFound;
  const draft: DraftBase = {
    summary: item.summary,
    text: stored.text,
    html: stored.html,
    bcc: bccHeaderOf(stored.raw),
    attachments: item.attachments.flatMap((a) => {
      const att = store.getAttachment(ctx.account.id, a.fileReference);
      return att ? [{ ...a, content: att.content }] : [];
    }),
  };
  let raw: Buffer;
  try {
    raw = await draftMime(appData, ctx.account, new Date(), draft);
  } catch (err) {
    if (err instanceof DraftError) return SyncStatus.ConversionError;
    throw err;
  }
  const parsed = await ctx.deps.parse(raw);
  return store.replaceMessage(ctx.account.id, item.id, raw, parsed, ctx.device.id) ? SyncStatus.Success : SyncStatus.ObjectNotFound;
}

async function changeMail(ctx: ApplyItemContext, item: MailItem, appData: WbxmlElement): Promise<number> {
  let fields: ReturnType<typeof parseEmailChange>;
  try {
    fields = parseEmailChange(appData);
  } catch {
    return SyncStatus.ConversionError;
  }
  // MS-ASEMAIL 16.0: a draft's content is edited with Sync Change in Drafts. Elsewhere only
  // Read/Flag/Categories can change, and content elements are ignored.
  if (ctx.folder.type === FolderType.Drafts && appData.children.some((c) => DRAFT_CONTENT.includes(c.name))) {
    if (!atLeast(ctx.version, '16.0')) return SyncStatus.ConversionError;
    const status = await editDraft(ctx, item, appData);
    if (status !== SyncStatus.Success) return status;
  }
  if (fields.read === undefined && fields.flag === undefined && fields.categories === undefined) {
    return SyncStatus.Success;
  }
  const updated = ctx.deps.store.updateItem(ctx.account.id, item.id, fields, ctx.device.id);
  return updated ? SyncStatus.Success : SyncStatus.ObjectNotFound;
}

export function createEmailClass(): ItemClass {
  return {
    name: 'Email',
    folderTypes: EMAIL_FOLDER_TYPES,
    minVersion: '12.1',
    searchable: true,
    parseOptions: (blocks, version) => parseItemOptions(blocks, version, 'Email'),
    windowSince: filterSince,
    render: (item, ctx) => full(mail(item), ctx),
    // A draft's content can change (an edit on another device): send the whole item, as a
    // Change may carry any property; elsewhere only Read/Flag/Categories ever change.
    renderChange: (item, ctx) =>
      ctx.folder.type === FolderType.Drafts ? full(mail(item), ctx) : emailChangeProperties(mail(item), ctx.version),
    add: addDraft,
    change: (ctx, item, appData) => (item.kind === 'mail' ? changeMail(ctx, item, appData) : Promise.resolve(SyncStatus.ConversionError)),
  };
}
