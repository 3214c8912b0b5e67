// Child ORDER of the AirSyncBase containers we send, pinned to the spec's xs:sequence: strict
// clients (Outlook, iOS) validate it, while our own decoder would accept any order.
//   MS-ASAIRS 2.2.2.9 Body: Type, EstimatedDataSize, Truncated, Data, Part, Preview
//   MS-ASAIRS 2.2.2.10 BodyPart: Status, Type, EstimatedDataSize, Truncated, Data, Preview
// (ApplicationData itself, Attachment and Flag are xs:choice / xs:all in the XSDs: any order.)

import test from 'ava';
import { emailProperties } from '../../eas/model/email.js';
import { parseItemOptions, type ItemOptions } from '../../eas/model/options.js';
import { decode } from '../../eas/wbxml/decode.js';
import { encode } from '../../eas/wbxml/encode.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType, type Item } from '../../store/types.js';
import { find, tempMailbox, type Mailbox } from './helpers.js';
import { mail } from '../helpers/items.js';

const BODY_ORDER = ['Type', 'EstimatedDataSize', 'Truncated', 'Data', 'Part', 'Preview'];
const BODYPART_ORDER = ['Status', 'Type', 'EstimatedDataSize', 'Truncated', 'Data', 'Preview'];

function options(bodyPrefs: WbxmlElement[], bodyPartPrefs: WbxmlElement[] = []): ItemOptions {
  return parseItemOptions([el('AirSync:Options', [...bodyPrefs, ...bodyPartPrefs])], '16.1');
}

const pref = (tag: 'BodyPreference' | 'BodyPartPreference', type: number, size?: number, allOrNone?: boolean, preview?: number) =>
  el(`AirSyncBase:${tag}`, [
    el('AirSyncBase:Type', type),
    size !== undefined && el('AirSyncBase:TruncationSize', size),
    allOrNone !== undefined && el('AirSyncBase:AllOrNone', allOrNone ? 1 : 0),
    preview !== undefined && el('AirSyncBase:Preview', preview),
  ]);

/** The item as ApplicationData after a trip through the real WBXML codec. */
async function appData(box: Mailbox, item: Item, opts: ItemOptions): Promise<WbxmlElement[]> {
  const context = { folderType: FolderType.Inbox, accountAddress: box.account.address };
  const children = await emailProperties(mail(item), async () => await box.store.getBody(box.account.id, item.id), opts, '16.1', context);
  return decode(encode(el('AirSync:ApplicationData', children))).children;
}

const names = (e: WbxmlElement | undefined) => (e?.children ?? []).map((c) => c.name);

/** True when `seen` keeps the relative order of `spec` (elements may be absent, never swapped). */
function inSpecOrder(seen: string[], spec: string[]): boolean {
  const at = seen.map((n) => spec.indexOf(n));
  return at.every((i) => i >= 0) && at.every((i, k) => k === 0 || i > at[k - 1]!);
}

test('Body: Type, EstimatedDataSize, Truncated, Data, Preview when truncated with a preview (MS-ASAIRS 2.2.2.9)', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('html-only.eml');
  const b = find(await appData(box, item, options([pref('BodyPreference', 2, 20, false, 30)])), 'AirSyncBase:Body');
  t.deepEqual(names(b), ['Type', 'EstimatedDataSize', 'Truncated', 'Data', 'Preview']);
  t.true(inSpecOrder(names(b), BODY_ORDER));
});

test('Body without Data (AllOrNone too big): Type, EstimatedDataSize, Truncated, Preview', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('alternative.eml');
  const b = find(await appData(box, item, options([pref('BodyPreference', 2, 10, true, 30)])), 'AirSyncBase:Body');
  t.deepEqual(names(b), ['Type', 'EstimatedDataSize', 'Truncated', 'Preview']);
});

test('BodyPart: Status, Type, EstimatedDataSize, Truncated, Data, Preview, whole or too large (MS-ASAIRS 2.2.2.10)', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('html-only.eml');
  const cut = await appData(box, item, options([pref('BodyPreference', 1)], [pref('BodyPartPreference', 2, 20, false, 30)]));
  t.deepEqual(names(find(cut, 'AirSyncBase:BodyPart')), BODYPART_ORDER);
  const tooBig = await appData(box, item, options([pref('BodyPreference', 1)], [pref('BodyPartPreference', 2, 10, true, 30)]));
  const part = find(tooBig, 'AirSyncBase:BodyPart');
  t.deepEqual(names(part), ['Status', 'Type', 'EstimatedDataSize', 'Truncated', 'Preview']);
  t.is(part?.textOf('Status'), '176');
});

test('Attachment children are the AirSyncBase ones and nothing else (placement, MS-ASAIRS 2.2.2.7)', async (t) => {
  const box = await tempMailbox(t);
  const item = await box.deliverFixture('attachments.eml');
  const atts = find(await appData(box, item, options([pref('BodyPreference', 1)])), 'AirSyncBase:Attachments');
  t.true((atts?.children.length ?? 0) > 0);
  const allowed = ['DisplayName', 'FileReference', 'Method', 'EstimatedDataSize', 'ContentId', 'ContentLocation', 'IsInline'];
  for (const a of atts!.children) {
    t.is(a.tag, 'AirSyncBase:Attachment');
    t.true(a.children.every((c) => c.ns === 'AirSyncBase' && allowed.includes(c.name)), names(a).join(','));
    t.true(inSpecOrder(names(a), allowed));
  }
});
