// Narrowing helpers for tests that read stored items: `Item` is `MailItem | DocItem`, and only
// eas/ knows the ServerId format. A missing or non-mail item throws, so the test still fails loudly.

import { serverIdOf } from '../../eas/model/ids.js';
import type { Item, MailItem } from '../../store/types.js';

/** The item as a MailItem; throws when it is missing or not mail. */
export function mail(item: Item | null | undefined): MailItem {
  if (item == null) throw new Error(`expected a mail item, got ${item === null ? 'null' : 'undefined'}`);
  if (item.kind !== 'mail') throw new Error(`expected a mail item, got kind '${item.kind}' (item ${item.id} in folder ${item.folderId})`);
  return item;
}

/** The EAS ServerId of a stored item: "<folderId>:<itemId>" (eas/model/ids.ts serverIdOf). */
export function sid(item: { folderId: number; id: number }): string {
  return serverIdOf(item.folderId, item.id);
}
