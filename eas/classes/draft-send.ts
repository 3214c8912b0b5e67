// MS-ASEMAIL 2.2.2.69 Send (16.x): a Sync Add or Change of a draft that carries email2:Send sends
// the draft as it now stands (after the Change's edits: an attachment the Change deleted is not
// sent) instead of only saving it. It goes out through the same path as SendMail
// (eas/compose/submit.ts), with a copy in Sent Items, and leaves Drafts: the draft is deleted
// with no origin, so every device, the sender's included, gets the Delete (docs/clients.md
// rule 38). A Sync retried with the same SyncKey replays its recorded outcome, so a draft is
// never sent twice.

import type { MailItem } from '../../store/types.js';
import { ComposeFailure, ComposeStatus } from '../compose/status.js';
import { submitMessage } from '../compose/submit.js';
import { SyncStatus } from '../sync/status.js';
import type { ApplyItemContext } from './types.js';

/** Sends the stored draft; returns the Sync Status of the Add or Change that asked for it. */
export async function sendDraft(ctx: ApplyItemContext, item: MailItem): Promise<number> {
  const { store, log } = ctx.deps;
  const body = await store.getBody(ctx.account.id, item.id);
  if (!body) return SyncStatus.ObjectNotFound;
  try {
    await submitMessage(ctx, body.raw, { saveInSent: true });
  } catch (err) {
    const failure = err instanceof ComposeFailure ? err : new ComposeFailure(ComposeStatus.ServerError, (err as Error).message);
    log.warn('sync: sending the draft failed', {
      account: ctx.account.address,
      device: ctx.device.deviceId,
      item: item.id,
      status: failure.status,
      reason: failure.message,
    });
    // Worth a retry: Server error; a message that cannot be sent as it is: it cannot be converted.
    return failure.status === ComposeStatus.ServerErrorRetryLater || failure.status === ComposeStatus.ServerError
      ? SyncStatus.ServerError
      : SyncStatus.ConversionError;
  }
  await store.deleteItem(ctx.account.id, item.id, null);
  return SyncStatus.Success;
}
