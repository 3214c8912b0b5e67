// Sticky Sync Options (MS-ASCMD 2.2.3.125.6, MS-ASAIRS 2.2.2.12; docs/sync.md §8) over real
// sockets: a request without Options, or with a block for another class only (Nine's SMS
// block), keeps the mail options and does not restart the folder; a restart keeps them too.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { decode, encode } from '../../eas/wbxml/index.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { bodyData, bodyPreference, onlyCollection, type SyncedItem } from './wire.js';
import { phoneEnv, subjectOf, syncOne } from './phone-env.js';

const FIXTURES = new URL('../fixtures/eas-sync/', import.meta.url);
const LONG = 'The quick brown fox jumps over the lazy dog, again and again.';

/** Nine's Sync with two Options blocks (test/fixtures/eas-sync/SOURCE), for our key and folder, with only its SMS block left. */
function nineSmsOnly(syncKey: string, collectionId: string): WbxmlElement {
  const root = decode(readFileSync(new URL('800-11_Sync.req.wbxml', FIXTURES)));
  const collection = root.path('Collections', 'Collection')!;
  collection.child('SyncKey')!.text = syncKey;
  collection.child('CollectionId')!.text = collectionId;
  const blocks = collection.all('Options');
  const mail = blocks.find((b) => b.textOf('Class') !== 'SMS')!;
  collection.children.splice(collection.children.indexOf(mail), 1);
  return root;
}

function truncatedTo(t: { is: (a: unknown, b: unknown, m?: string) => void; true: (v: boolean, m?: string) => void }, item: SyncedItem | undefined, size: number): void {
  const body = item?.data?.child('AirSyncBase:Body');
  const data = bodyData(item?.data);
  t.is(data?.type, 1, `${subjectOf(item?.data)}: plain text as asked`);
  t.true((data?.data.length ?? Infinity) <= size, `${subjectOf(item?.data)}: cut at ${size} bytes`);
  t.is(body?.textOf('AirSyncBase:Truncated'), '1', `${subjectOf(item?.data)}: marked truncated`);
}

test('an SMS-only Options block (Nine) and a Sync without Options keep the mail FilterType and TruncationSize, across a restart', async (t) => {
  t.timeout(120_000);
  const e = await phoneEnv(t);
  await e.mail('First', LONG);
  const nine = e.phone('NineSticky');
  const inbox = await nine.inboxId();

  const zero = (await syncOne(nine, { syncKey: '0', collectionId: inbox }))!;
  const mailOptions = el('AirSync:Options', [el('AirSync:FilterType', 3), bodyPreference(1, 20)]);
  const first = (await syncOne(nine, { syncKey: zero.syncKey, collectionId: inbox, options: [mailOptions] }))!;
  t.is(first.status, 1);
  t.is(first.adds.length, 1);
  truncatedTo(t, first.adds[0], 20);

  // Nine-shaped: Options for the SMS class only (FilterType 3, HTML up to 51200 bytes).
  await e.mail('Second', LONG);
  const sms = await nine.post('Sync', encode(nineSmsOnly(first.syncKey, inbox)));
  t.is(sms.status, 200);
  const second = onlyCollection(sms.body);
  t.is(second.status, 1, 'no resync: the SMS block does not touch the mail options');
  t.deepEqual(second.adds.map((a) => subjectOf(a.data)), ['Second']);
  truncatedTo(t, second.adds[0], 20);

  // No Options at all.
  await e.mail('Third', LONG);
  const third = (await syncOne(nine, { syncKey: second.syncKey, collectionId: inbox }))!;
  t.is(third.status, 1);
  t.deepEqual(third.adds.map((a) => subjectOf(a.data)), ['Third']);
  truncatedTo(t, third.adds[0], 20);

  // A restart loses nothing: the options are rows of the sync state.
  await e.restart();
  await e.mail('Fourth', LONG);
  const fourth = (await syncOne(nine, { syncKey: third.syncKey, collectionId: inbox }))!;
  t.is(fourth.status, 1);
  t.deepEqual(fourth.adds.map((a) => subjectOf(a.data)), ['Fourth']);
  truncatedTo(t, fourth.adds[0], 20);

  // The same FilterType again in a mail block is no change either; a different one restarts
  // the folder (Status 3), as a different window must.
  const same = await syncOne(nine, { syncKey: fourth.syncKey, collectionId: inbox, options: [mailOptions] });
  t.is(same, null, 'nothing new: an empty answer, no Status 3');
  const changed = (await syncOne(nine, {
    syncKey: fourth.syncKey,
    collectionId: inbox,
    options: [el('AirSync:Options', [el('AirSync:FilterType', 0), bodyPreference(1, 20)])],
  }))!;
  t.is(changed.status, 3);
  t.is(changed.syncKey, '0');
});

test('a new mail block replaces the mail options whole; the SMS block is kept apart', async (t) => {
  t.timeout(60_000);
  const e = await phoneEnv(t);
  await e.mail('Short cut', LONG);
  const phone = e.phone('Replace');
  const inbox = await phone.inboxId();
  const zero = (await syncOne(phone, { syncKey: '0', collectionId: inbox }))!;
  const sms = el('AirSync:Options', [el('AirSync:Class', 'SMS'), el('AirSync:FilterType', 0), bodyPreference(1, 5)]);
  const first = (await syncOne(phone, {
    syncKey: zero.syncKey,
    collectionId: inbox,
    options: [sms, el('AirSync:Options', [el('AirSync:FilterType', 0), bodyPreference(1, 10)])],
  }))!;
  truncatedTo(t, first.adds[0], 10);

  // Now a mail block without TruncationSize: the whole body from here on.
  await e.mail('Whole', LONG);
  const second = (await syncOne(phone, {
    syncKey: first.syncKey,
    collectionId: inbox,
    options: [el('AirSync:Options', [el('AirSync:FilterType', 0), bodyPreference(1)])],
  }))!;
  t.is(second.status, 1);
  t.is(bodyData(second.adds[0]?.data)?.data.trimEnd(), LONG);

  const device = (await e.srv.store.getDevice((await e.srv.store.findAccount('alice@example.com'))!.id, 'Replace'))!;
  t.is((await e.srv.store.getSyncOptions(device.id, Number(inbox), 'SMS'))?.bodyPreferences[0]?.truncationSize, 5);
  t.is((await e.srv.store.getSyncOptions(device.id, Number(inbox), 'Email'))?.bodyPreferences[0]?.truncationSize, null);
});

test('Options values out of range answer Status 4 and change nothing', async (t) => {
  t.timeout(60_000);
  const e = await phoneEnv(t);
  await e.mail('Kept', LONG);
  const phone = e.phone('OutOfRange');
  const inbox = await phone.inboxId();
  const zero = (await syncOne(phone, { syncKey: '0', collectionId: inbox }))!;
  const first = (await syncOne(phone, {
    syncKey: zero.syncKey,
    collectionId: inbox,
    options: [el('AirSync:Options', [el('AirSync:FilterType', 0), bodyPreference(1, 10)])],
  }))!;
  await e.mail('After', LONG);
  for (const bad of [
    el('AirSync:Options', [el('AirSync:FilterType', 0), el('AirSync:Conflict', 2)]),
    el('AirSync:Options', [el('AirSync:FilterType', 9)]),
    el('AirSync:Options', [el('AirSync:Class', 'SMS'), el('AirSync:FilterType', 0), bodyPreference(7)]),
  ]) {
    const res = (await syncOne(phone, { syncKey: first.syncKey, collectionId: inbox, options: [bad] }))!;
    t.is(res.status, 4);
  }
  const next = (await syncOne(phone, { syncKey: first.syncKey, collectionId: inbox }))!;
  t.is(next.status, 1);
  truncatedTo(t, next.adds[0], 10);
});
