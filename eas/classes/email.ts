// The Email class (MS-ASEMAIL) behind the item-class contract (docs/classes.md): mail items are
// stored messages; a client changes Read, Flag and Categories, and at 16.0+ adds and edits
// drafts in Drafts (MS-ASEMAIL 3.1.5.3): a draft keeps the Read, Flag and Categories it was
// added with, the attachments it adds are answered with their FileReferences
// (eas/classes/draft-attachments.ts), and email2:Send sends it (eas/classes/draft-send.ts).
// The mappings themselves live in eas/model/.

import { FolderType, type MailItem } from '../../store/types.js';
import { emailChangeProperties, emailProperties, parseEmailChange } from '../model/email.js';
import { serverIdOf } from '../model/ids.js';
import type { ItemContext } from '../model/item-context.js';
import { filterSince, parseItemOptions } from '../model/options.js';
import { atLeast } from '../protocol.js';
import { bccHeaderOf, draftMime, DraftError, type BuiltDraft, type DraftBase } from '../sync/draft.js';
import { SyncStatus } from '../sync/status.js';
import type { WbxmlElement } from '../wbxml/tree.js';
import { addedFileReferences } from './draft-attachments.js';
import { sendDraft } from './draft-send.js';
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

async function full(item: MailItem, ctx: RenderItemContext): Promise<WbxmlElement[]> {
  const loadBody = async () => await ctx.store.getBody(ctx.account.id, item.id);
  return await emailProperties(item, loadBody, ctx.options, ctx.version, contextOf(ctx));
}

/** The FileReferences of the attachments the request added, for the Sync response. */
function reportAdded(ctx: ApplyItemContext, item: MailItem, built: BuiltDraft): void {
  if (ctx.addedAttachments) ctx.addedAttachments.push(...addedFileReferences(item, built.attachments));
}

/**
 * MS-ASEMAIL 16.0: only drafts can be created through Sync; anything else cannot be converted.
 * The draft keeps the Read, Flag and Categories the Add carried (docs/clients.md rule 37).
 */
async function addDraft(ctx: ApplyItemContext, appData: WbxmlElement | null) {
  if (ctx.folder.type !== FolderType.Drafts || !atLeast(ctx.version, '16.0') || !appData) {
    return { serverId: null, status: SyncStatus.ConversionError };
  }
  let fields: ReturnType<typeof parseEmailChange>;
  try {
    fields = parseEmailChange(appData);
  } catch {
    return { serverId: null, status: SyncStatus.ConversionError };
  }
  let built: BuiltDraft;
  try {
    built = await draftMime(appData, ctx.account, new Date());
  } catch (err) {
    if (err instanceof DraftError) return { serverId: null, status: SyncStatus.ConversionError };
    throw err;
  }
  const { store } = ctx.deps;
  const parsed = await ctx.deps.parse(built.raw);
  let item = await store.addItem(ctx.account.id, ctx.folder.id, built.raw, parsed, ctx.device.id, fields.read ?? true);
  if (fields.flag !== undefined || fields.categories !== undefined) {
    const { flag, categories } = fields;
    item = mail(await store.updateItem(ctx.account.id, item.id, { flag, categories }, ctx.device.id) ?? item);
  }
  const serverId = serverIdOf(item.folderId, item.id);
  if (ctx.send) {
    const status = await sendDraft(ctx, item);
    // Not sent: the client keeps the message; the draft it would not know of is removed.
    if (status !== SyncStatus.Success) await store.deleteItem(ctx.account.id, item.id, ctx.device.id);
    return { serverId: status === SyncStatus.Success ? serverId : null, status };
  }
  reportAdded(ctx, item, built);
  return { serverId, status: SyncStatus.Success };
}

/**
 * A draft edit: the message is rebuilt from the stored draft and the Change, and replaces the
 * item's message in place (same ServerId), so the account's other devices get a Change.
 */
async function editDraft(ctx: ApplyItemContext, item: MailItem, appData: WbxmlElement): Promise<number> {
  const { store } = ctx.deps;
  const stored = await store.getBody(ctx.account.id, item.id);
  if (!stored) return SyncStatus.ObjectNotFound;
  const draft: DraftBase = {
    summary: item.summary,
    text: stored.text,
    html: stored.html,
    bcc: bccHeaderOf(stored.raw),
    attachments: (
      await Promise.all(
        item.attachments.map(async (a) => {
          const att = await store.getAttachment(ctx.account.id, a.fileReference);
          return att ? [{ ...a, content: att.content }] : [];
        }),
      )
    ).flat(),
  };
  let built: BuiltDraft;
  try {
    built = await draftMime(appData, ctx.account, new Date(), draft);
  } catch (err) {
    if (err instanceof DraftError) return SyncStatus.ConversionError;
    throw err;
  }
  const parsed = await ctx.deps.parse(built.raw);
  const replaced = await store.replaceMessage(ctx.account.id, item.id, built.raw, parsed, ctx.device.id);
  if (!replaced) return SyncStatus.ObjectNotFound;
  reportAdded(ctx, replaced, built);
  return SyncStatus.Success;
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
  if (fields.read !== undefined || fields.flag !== undefined || fields.categories !== undefined) {
    const updated = await ctx.deps.store.updateItem(ctx.account.id, item.id, fields, ctx.device.id);
    if (!updated) return SyncStatus.ObjectNotFound;
  }
  // MS-ASEMAIL 2.2.2.69: email2:Send on a Change of a draft sends it as it now stands.
  if (ctx.send && ctx.folder.type === FolderType.Drafts && atLeast(ctx.version, '16.0')) {
    const draft = await ctx.deps.store.getItem(ctx.account.id, item.id);
    if (!draft || draft.kind !== 'mail' || draft.deletedModseq !== null) return SyncStatus.ObjectNotFound;
    return sendDraft(ctx, draft);
  }
  return SyncStatus.Success;
}

export function createEmailClass(): ItemClass {
  return {
    name: 'Email',
    folderTypes: EMAIL_FOLDER_TYPES,
    minVersion: '2.5',
    searchable: true,
    parseOptions: (blocks, version) => parseItemOptions(blocks, version, 'Email'),
    windowSince: filterSince,
    render: async (item, ctx) => await full(mail(item), ctx),
    // A draft's content can change (an edit on another device): send the whole item, as a
    // Change may carry any property; elsewhere only Read/Flag/Categories ever change.
    renderChange: async (item, ctx) =>
      ctx.folder.type === FolderType.Drafts ? await full(mail(item), ctx) : emailChangeProperties(mail(item), ctx.version),
    add: addDraft,
    change: (ctx, item, appData) => (item.kind === 'mail' ? changeMail(ctx, item, appData) : Promise.resolve(SyncStatus.ConversionError)),
  };
}
