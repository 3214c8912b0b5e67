// Push for calendars and contacts, from outside: a tablet parks one Ping on its Calendar and its
// Contacts; an Add from the phone answers it at once (Status 2, that folder), and so does an
// import by the CLI in a process of its own. Folders the user creates (FolderCreate types 13,
// 14, 15, 17) hold their class's items like the default ones.

import test from 'ava';
import { fileURLToPath } from 'node:url';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { runCli } from '../cli/run.js';
import { cmd, onlyCollection, syncRequest } from '../eas-sync/wire.js';
import type { EasClient } from '../helpers/eas-client.js';
import { parked, pushWorld, readPing, syncAll, until, type PushWorld } from '../push/helpers.js';

/** A heartbeat no test reaches: only a wake-up can end these Pings. */
const NEVER = 3000;
const VCARD = fileURLToPath(new URL('../fixtures/vcard/thunderbird/basic_vcard_addressbook.vcf', import.meta.url));

function pingOn(client: EasClient, folders: { id: string; cls: string }[]) {
  return client.post(
    'Ping',
    el('Ping:Ping', [
      el('Ping:HeartbeatInterval', NEVER),
      el('Ping:Folders', folders.map((f) => el('Ping:Folder', [el('Ping:Id', f.id), el('Ping:Class', f.cls)]))),
    ]),
  );
}

async function primed(client: EasClient, collectionId: string): Promise<string> {
  return (await syncAll(client, collectionId)).syncKey;
}

async function addOn(client: EasClient, collectionId: string, appData: ReturnType<typeof el>[]): Promise<number> {
  const key = await primed(client, collectionId);
  const res = onlyCollection((await client.post('Sync', syncRequest([{ syncKey: key, collectionId, commands: [cmd.add('c1', appData)] }]))).body);
  return res.responses[0]?.intOf('Status') ?? NaN;
}

async function parkedOnBoth(w: PushWorld) {
  const calendar = await w.tablet.folderIdOfType(FolderType.Calendar);
  const contacts = await w.tablet.folderIdOfType(FolderType.Contacts);
  await primed(w.tablet, calendar);
  await primed(w.tablet, contacts);
  const answer = pingOn(w.tablet, [
    { id: calendar, cls: 'Calendar' },
    { id: contacts, cls: 'Contacts' },
  ]);
  await until(async () => await parked(w, w.tablet), 'the tablet parked');
  return { calendar, contacts, answer };
}

const EVENT = [
  el('Calendar:StartTime', '20261210T090000Z'),
  el('Calendar:EndTime', '20261210T100000Z'),
  el('Calendar:Subject', 'Planning'),
  el('Calendar:BusyStatus', 2),
];

test('an event added by the phone answers the tablet Ping parked on Calendar and Contacts: Status 2, the Calendar', async (t) => {
  const w = await pushWorld(t);
  const { calendar, answer } = await parkedOnBoth(w);
  const phoneCalendar = await w.phone.folderIdOfType(FolderType.Calendar);
  t.is(await addOn(w.phone, phoneCalendar, EVENT), 1);
  const ping = readPing(await answer);
  t.is(ping.status, 2);
  t.deepEqual(ping.folders, [calendar]);
});

test('a contact added by the phone answers the same Ping with the Contacts folder', async (t) => {
  const w = await pushWorld(t);
  const { contacts, answer } = await parkedOnBoth(w);
  const phoneContacts = await w.phone.folderIdOfType(FolderType.Contacts);
  t.is(await addOn(w.phone, phoneContacts, [el('Contacts:FirstName', 'Ada'), el('Contacts:LastName', 'Lovelace')]), 1);
  const ping = readPing(await answer);
  t.is(ping.status, 2);
  t.deepEqual(ping.folders, [contacts]);
});

test('contacts imported by the CLI, in a process of its own, answer the Ping with the Contacts folder', async (t) => {
  const w = await pushWorld(t);
  const { contacts, answer } = await parkedOnBoth(w);
  const r = await runCli(['contacts', 'import', 'alice@example.com', VCARD, ...w.ts.storeArgs]);
  t.is(r.code, 0, r.stderr);
  const ping = readPing(await answer);
  t.is(ping.status, 2);
  t.deepEqual(ping.folders, [contacts]);
});

test('FolderCreate of a calendar, contact, task and note folder (types 13, 14, 15, 17): each holds its class', async (t) => {
  const w = await pushWorld(t);
  const hierarchy = await w.phone.folderSync();
  const cases: { type: number; add: ReturnType<typeof el>[]; subject: string; tag: string }[] = [
    { type: FolderType.UserCalendar, add: EVENT, subject: 'Planning', tag: 'Calendar:Subject' },
    { type: FolderType.UserContacts, add: [el('Contacts:FirstName', 'Grace')], subject: 'Grace', tag: 'Contacts:FirstName' },
    { type: FolderType.UserTasks, add: [el('Tasks:Subject', 'File taxes'), el('Tasks:Complete', 0)], subject: 'File taxes', tag: 'Tasks:Subject' },
    { type: FolderType.UserNotes, add: [el('Notes:Subject', 'Idea')], subject: 'Idea', tag: 'Notes:Subject' },
  ];
  let key: string = hierarchy.syncKey ?? '';
  for (const c of cases) {
    const created = await w.phone.post(
      'FolderCreate',
      el('FolderHierarchy:FolderCreate', [
        el('FolderHierarchy:SyncKey', key),
        el('FolderHierarchy:ParentId', '0'),
        el('FolderHierarchy:DisplayName', `Mine ${c.type}`),
        el('FolderHierarchy:Type', c.type),
      ]),
    );
    t.is(created.body?.intOf('FolderHierarchy:Status'), 1, `FolderCreate type ${c.type}`);
    key = created.body?.textOf('FolderHierarchy:SyncKey') ?? key;
    const folderId = created.body?.textOf('FolderHierarchy:ServerId') ?? '';
    t.is(await addOn(w.phone, folderId, c.add), 1, `Add in type ${c.type}`);
    // Another device sees it, rendered by the folder's class.
    await w.tablet.folderSync();
    const seen = await syncAll(w.tablet, folderId);
    t.is(seen.adds.length, 1, `type ${c.type}`);
    const full = onlyCollection(
      (await w.tablet.post('Sync', syncRequest([{ syncKey: '0', collectionId: folderId }]))).body,
    );
    const again = onlyCollection((await w.tablet.post('Sync', syncRequest([{ syncKey: full.syncKey, collectionId: folderId }]))).body);
    t.is(again.adds[0]?.data?.textOf(c.tag), c.subject, `type ${c.type}`);
  }
});
