// Email2 fields that depend on where the item is and whose mailbox it is in:
// MS-ASEMAIL 2.2.2.42 IsDraft (16.0+) and ReceivedAsBcc (14.0+), through the real store (the
// folder type comes from itemContext's lookup) and the real WBXML codec.
import test from 'ava';
import { emailProperties } from '../../eas/model/email.js';
import { itemContext } from '../../eas/model/item-context.js';
import { parseItemOptions } from '../../eas/model/options.js';
import { decode } from '../../eas/wbxml/decode.js';
import { encode } from '../../eas/wbxml/encode.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import type { ProtocolVersion } from '../../eas/protocol.js';
import { parseMessage } from '../../plugin/parse.js';
import { FolderType, type Item } from '../../store/types.js';
import { tempMailbox, textAt, type Mailbox } from './helpers.js';
import { mail as mailItem } from '../helpers/items.js';

async function props(box: Mailbox, item: Item, version: ProtocolVersion): Promise<WbxmlElement[]> {
  const opts = parseItemOptions([el('AirSync:Options', [el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 1)])])], version);
  const children = await emailProperties(mailItem(item), async () => await box.store.getBody(box.account.id, item.id), opts, version, await itemContext(box.store, box.account, mailItem(item)));
  return decode(encode(el('AirSync:ApplicationData', children))).children;
}

function mail(headers: string): Buffer {
  return Buffer.from(`${headers}\r\nSubject: hi\r\nMessage-ID: <${Math.random()}@example.net>\r\nContent-Type: text/plain\r\n\r\nhello\r\n`);
}

/** Stores the message in the account's folder of that type, as a client's draft save or move does. */
async function file(box: Mailbox, type: number, raw: Buffer): Promise<Item> {
  const folder = await box.store.folderByType(box.account.id, type);
  if (!folder) throw new Error(`no folder of type ${type}`);
  return await box.store.addItem(box.account.id, folder.id, raw, await parseMessage(raw), null);
}

const bccd = mail('From: bob@example.net\r\nTo: carol@example.org\r\nCc: dave@example.org');

test('IsDraft: 1 for an item in Drafts, 0 elsewhere, from 16.0 on', async (t) => {
  const box = await tempMailbox(t);
  const draft = await file(box, FolderType.Drafts, mail('From: alice@example.com\r\nTo: bob@example.net'));
  const inbox = await box.deliver(mail('From: bob@example.net\r\nTo: alice@example.com'));
  t.is(textAt(await props(box, draft, '16.1'), 'Email2:IsDraft'), '1');
  t.is(textAt(await props(box, draft, '16.0'), 'Email2:IsDraft'), '1');
  t.is(textAt(await props(box, inbox, '16.1'), 'Email2:IsDraft'), '0');
});

test('IsDraft is not sent before 16.0 (not in the 14.1 schema)', async (t) => {
  const box = await tempMailbox(t);
  const draft = await file(box, FolderType.Drafts, mail('From: alice@example.com\r\nTo: bob@example.net'));
  for (const v of ['12.1', '14.0', '14.1'] as const) t.is(textAt(await props(box, draft, v), 'Email2:IsDraft'), undefined, v);
});

test('ReceivedAsBcc: 1 for a delivery naming the owner in neither To nor Cc (14.0+)', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliver(bccd);
  t.is(textAt(await props(box, item, '14.0'), 'Email2:ReceivedAsBcc'), '1');
  t.is(textAt(await props(box, item, '16.1'), 'Email2:ReceivedAsBcc'), '1');
  t.is(textAt(await props(box, item, '12.1'), 'Email2:ReceivedAsBcc'), undefined, 'not in 12.1');
});

test('ReceivedAsBcc absent when the owner is in To or Cc, whatever the case or +tag', async (t) => {
  const box = await tempMailbox(t);
  const cases = [
    'From: bob@example.net\r\nTo: Alice <alice@example.com>',
    'From: bob@example.net\r\nTo: carol@example.org\r\nCc: "A" <alice@example.com>',
    'From: bob@example.net\r\nTo: "Alice" <ALICE@Example.COM>',
    'From: bob@example.net\r\nTo: alice+lists@example.com',
  ];
  for (const headers of cases) {
    const item = await box.deliver(mail(headers));
    t.is(textAt(await props(box, item, '16.1'), 'Email2:ReceivedAsBcc'), undefined, headers);
  }
});

test('ReceivedAsBcc: undisclosed recipients is a blind copy; a look-alike address is not the owner', async (t) => {
  const box = await tempMailbox(t);
  const undisclosed = await box.deliver(mail('From: bob@example.net\r\nTo: undisclosed-recipients:;'));
  t.is(textAt(await props(box, undisclosed, '16.1'), 'Email2:ReceivedAsBcc'), '1');
  const other = await box.deliver(mail('From: bob@example.net\r\nTo: alice@example.com.evil.org, malice@example.com'));
  t.is(textAt(await props(box, other, '16.1'), 'Email2:ReceivedAsBcc'), '1');
});

test('ReceivedAsBcc never on the owner\'s own mail: Drafts, Sent Items, or From the owner elsewhere', async (t) => {
  const box = await tempMailbox(t);
  const own = mail('From: Alice <alice@example.com>\r\nTo: carol@example.org');
  for (const type of [FolderType.Drafts, FolderType.SentItems, FolderType.Outbox, FolderType.DeletedItems]) {
    const item = await file(box, type, own);
    t.is(textAt(await props(box, item, '16.1'), 'Email2:ReceivedAsBcc'), undefined, `folder type ${type}`);
  }
  // Even a message from someone else does not count as received while it sits in Drafts.
  const draftBcc = await file(box, FolderType.Drafts, bccd);
  t.is(textAt(await props(box, draftBcc, '16.1'), 'Email2:ReceivedAsBcc'), undefined);
});

test('Email2 fields come last, after ConversationIndex, and Sender is not invented', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliver(bccd);
  const names = (await props(box, item, '16.1')).map((c) => c.tag);
  const at = (n: string) => names.indexOf(n);
  t.true(at('Email2:ConversationIndex') < at('Email2:ReceivedAsBcc'));
  t.true(at('Email2:ReceivedAsBcc') < at('Email2:IsDraft'));
  t.is(at('Email2:Sender'), -1);
});
