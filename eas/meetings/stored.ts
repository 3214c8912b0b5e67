// A stored calendar item as an EasEvent (eas/classes/ical/event.ts), the form the iTIP writer
// takes: rendered by the folder's class as a 16.1 device would receive it (whole plain-text
// body), with the iCalendar it was imported from, when it was, so that a REQUEST keeps what the
// original said and EAS cannot (as export does: eas/classes/ical/export-docs.ts).

import type { Account, Folder, Item, Store } from '../../store/types.js';
import type { Logger } from '../log.js';
import { defaultItemOptions, type ItemOptions } from '../model/options.js';
import { docProps, textOfNode } from '../classes/doc/nodes.js';
import { eventFromAppData } from '../classes/ical/app-data-in.js';
import type { EasEvent } from '../classes/ical/event.js';
import { ICAL_NODE, readOriginal, type OriginalEvent } from '../classes/ical/original.js';
import type { ItemClass } from '../classes/types.js';

const WHOLE_PLAIN_TEXT: ItemOptions = {
  ...defaultItemOptions(),
  bodyPreferences: [{ type: 1, truncationSize: null, allOrNone: false, preview: null }],
};

export interface StoredEvent {
  event: EasEvent;
  original: OriginalEvent | null;
}

export interface StoredEventSource {
  store: Store;
  account: Account;
  folder: Folder;
  itemClass: ItemClass;
  log: Logger;
}

/** The event of a calendar item; null when it is not one (no start or end). */
export async function storedEvent(item: Item, src: StoredEventSource): Promise<StoredEvent | null> {
  if (item.kind !== 'doc') return null;
  const { store, account, folder, log } = src;
  const appData = await src.itemClass.render(item, { store, account, folder, version: '16.1', options: WHOLE_PLAIN_TEXT, log });
  const event = eventFromAppData(appData);
  if (!event) return null;
  event.uid ||= item.uid ?? '';
  const text = textOfNode(docProps(item.data), ICAL_NODE);
  let original: OriginalEvent | null = null;
  if (text) {
    try {
      original = readOriginal(text, event.uid);
    } catch {
      original = null; // written from its EAS fields alone, as export does
    }
  }
  return { event, original };
}
