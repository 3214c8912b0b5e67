// A 16.x phone deleting a calendar folder of its own (FolderDelete, with its subfolders) deletes
// the meetings in it as Sync Delete would: the attendees of every meeting the account organises
// there get a CANCEL (carol, local, in her Inbox and calendar; bob through the smarthost). An
// appointment without attendees, a meeting that is over, and a meeting someone else organises
// send nothing; a phone below 16.0 mails its cancellations itself, so nothing goes then.

import test from 'ava';
import { compact } from '../../eas/classes/calendar/time.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import type { EasClient } from '../helpers/eas-client.js';
import { sid } from '../helpers/items.js';
import { moveRequest, movesOf } from '../eas-sync/wire.js';
import { calendarOf, cmd, invite, itipIn, meetingAdd, nextWeek, startSync, sync, world, type World } from './world.js';

const CAROL = { email: 'carol@example.com', name: 'Carol' };
const BOB = { email: 'bob@example.org', name: 'Bob Remote' };

const H = (name: string, content: string | number | WbxmlElement[]) => el(`FolderHierarchy:${name}`, content);

/** FolderCreate of a user calendar (type 13) as a phone sends it; its ServerId. */
async function createCalendar(phone: EasClient, name: string, parentId = '0'): Promise<string> {
  if (phone.folders.size === 0) await phone.folderSync();
  const res = await phone.post('FolderCreate', H('FolderCreate', [H('SyncKey', phone.folderSyncKey), H('ParentId', parentId), H('DisplayName', name), H('Type', FolderType.UserCalendar)]));
  if (res.body?.intOf('Status') !== 1) throw new Error(`FolderCreate ${name} answered ${res.body?.intOf('Status')}`);
  phone.folderSyncKey = res.body.textOf('SyncKey')!;
  return res.body.textOf('ServerId')!;
}

/** FolderDelete as a phone sends it; its Status. */
async function deleteFolder(phone: EasClient, serverId: string): Promise<number> {
  if (phone.folders.size === 0) await phone.folderSync();
  const res = await phone.post('FolderDelete', H('FolderDelete', [H('SyncKey', phone.folderSyncKey), H('ServerId', serverId)]));
  const status = res.body?.intOf('Status') ?? NaN;
  if (status === 1) phone.folderSyncKey = res.body!.textOf('SyncKey')!;
  return status;
}

/** Adds `commands` to a collection the phone has not synced yet; throws unless each is Status 1. */
async function addTo(phone: EasClient, collectionId: string, commands: WbxmlElement[]): Promise<void> {
  const state = await startSync(phone, collectionId);
  const res = await sync(phone, { syncKey: state.syncKey, collectionId, commands });
  for (const r of res.responses) if (r.textOf('Status') !== '1') throw new Error(`Add answered ${r.textOf('Status')}`);
}

/** An appointment: no attendees, nobody to tell. */
const appointment = (clientId: string, subject: string, when: { start: Date; end: Date }) =>
  cmd.add(clientId, [el('Calendar:Subject', subject), el('Calendar:StartTime', compact(when.start)), el('Calendar:EndTime', compact(when.end)), el('Calendar:BusyStatus', 2)]);

/**
 * alice's 16.1 phone makes "Projects" with "Archive" inside it: Launch (carol, bob) and an
 * appointment in Projects, Retro (carol) in Archive. carol has her two invitations placed.
 */
async function projects(w: World) {
  const phone = w.device(w.alice, 'ALICE161', '16.1');
  const top = await createCalendar(phone, 'Projects');
  const sub = await createCalendar(phone, 'Archive', top);
  await addTo(phone, top, [meetingAdd('a', { subject: 'Launch', ...nextWeek(), attendees: [CAROL, BOB] }), appointment('b', 'Dentist', nextWeek(3))]);
  await addTo(phone, sub, [meetingAdd('c', { subject: 'Retro', ...nextWeek(5), attendees: [CAROL] })]);
  const requests = await itipIn(w, w.carol, 'REQUEST');
  if (requests.length !== 2 || w.smarthost.received.length !== 1) throw new Error('the invitations did not go out');
  const uidOf = (subject: string) => String(requests.find((r) => r.subject === subject)?.vevents[0]!.getFirstPropertyValue('uid'));
  const uids: Record<string, string> = { Launch: uidOf('Launch'), Retro: uidOf('Retro') };
  return { phone, top, sub, uids };
}

/** What carol's own phone shows: her Inbox's message classes and her calendar's MeetingStatus by subject. */
async function carolSees(w: World) {
  const phone = w.device(w.carol, 'CAROL161', '16.1');
  const inbox = await startSync(phone, await phone.inboxId());
  const calendar = await startSync(phone, await phone.folderIdOfType(FolderType.Calendar));
  return {
    inbox: inbox.adds.map((a) => `${a.data?.textOf('Email:MessageClass')} ${a.data?.textOf('Email:Subject')}`).sort(),
    calendar: Object.fromEntries(calendar.adds.map((a) => [a.data?.textOf('Calendar:Subject'), a.data?.textOf('Calendar:MeetingStatus')])),
  };
}

test('16.1 FolderDelete of a calendar with a subfolder: every attendee of each meeting alice organises there gets a CANCEL', async (t) => {
  const w = await world(t);
  const { phone, top, sub, uids } = await projects(w);

  t.is(await deleteFolder(phone, top), 1);

  const cancels = await itipIn(w, w.carol, 'CANCEL');
  t.deepEqual(cancels.map((c) => c.subject).sort(), ['Canceled: Launch', 'Canceled: Retro']);
  for (const c of cancels) {
    const v = c.vevents[0]!;
    t.is(c.from, 'alice@example.com');
    t.is(v.getFirstPropertyValue('uid'), uids[c.subject.replace('Canceled: ', '')]!);
    t.is(v.getFirstPropertyValue('status'), 'CANCELLED');
    t.is(Number(v.getFirstPropertyValue('sequence')), 1);
  }
  // bob, remote, is in Launch only.
  t.is(w.smarthost.received.length, 2);
  t.deepEqual(w.smarthost.received[1]!.to, ['bob@example.org']);
  const relayed = await calendarOf(w.smarthost.received[1]!.raw);
  t.is(relayed.method, 'CANCEL');
  t.is(relayed.vevents[0]!.getFirstPropertyValue('uid'), uids.Launch!);

  // carol's phone: the cancellations in her Inbox, both meetings cancelled in her calendar (MeetingStatus 7; a meeting received is 3).
  const seen = await carolSees(w);
  t.deepEqual(seen.inbox, [
    'IPM.Schedule.Meeting.Canceled Canceled: Launch',
    'IPM.Schedule.Meeting.Canceled Canceled: Retro',
    'IPM.Schedule.Meeting.Request Launch',
    'IPM.Schedule.Meeting.Request Retro',
  ]);
  t.deepEqual(seen.calendar, { Launch: '7', Retro: '7' });

  // alice's phone: both folders gone, and its own delete is not news to it.
  const again = await phone.folderSync();
  t.is(again.status, 1);
  t.deepEqual(again.deleted, []);
  const store = w.ts.server.store;
  t.deepEqual((await store.listFolders(w.alice.id)).filter((f) => f.id === Number(top) || f.id === Number(sub)), []);
});

test('16.1 FolderDelete of the subfolder alone cancels only the meetings in it', async (t) => {
  const w = await world(t);
  const { phone, sub, uids } = await projects(w);

  t.is(await deleteFolder(phone, sub), 1);

  const cancels = await itipIn(w, w.carol, 'CANCEL');
  t.deepEqual(cancels.map((c) => c.subject), ['Canceled: Retro']);
  t.is(cancels[0]!.vevents[0]!.getFirstPropertyValue('uid'), uids.Retro!);
  t.is(w.smarthost.received.length, 1);
  t.deepEqual((await carolSees(w)).calendar, { Launch: '3', Retro: '7' });
});

test('14.1 FolderDelete sends nothing: a phone below 16.0 mails its cancellations itself', async (t) => {
  const w = await world(t);
  const { top } = await projects(w);
  const tablet = w.device(w.alice, 'ALICE141', '14.1');

  t.is(await deleteFolder(tablet, top), 1);

  t.deepEqual(await itipIn(w, w.carol, 'CANCEL'), []);
  t.is(w.smarthost.received.length, 1);
  t.deepEqual((await carolSees(w)).calendar, { Launch: '3', Retro: '3' });
});

test('16.1 FolderDelete: a meeting carol organises, a meeting that is over and an appointment send nothing', async (t) => {
  const w = await world(t);
  const phone = w.device(w.alice, 'ALICE161', '16.1');
  const folder = await createCalendar(phone, 'Mixed');
  const hour = 3_600_000;
  const past = { start: new Date(Date.now() - 48 * hour), end: new Date(Date.now() - 47 * hour) };
  await addTo(phone, folder, [meetingAdd('old', { subject: 'Last week', ...past, attendees: [CAROL, BOB] }), appointment('app', 'Gym', nextWeek())]);

  // carol's invitation, placed in alice's Calendar, moved by alice's phone into Mixed.
  const inv = await invite(w, w.alice, { uid: 'CAROLS-1', organizer: CAROL, attendees: ['alice@example.com', 'bob@example.org'], subject: "Carol's meeting", ...nextWeek(1) });
  const calendar = await phone.folderIdOfType(FolderType.Calendar);
  await startSync(phone, calendar);
  const moved = await phone.post('MoveItems', moveRequest([{ src: sid(inv.event!), srcFolder: calendar, dstFolder: folder }]));
  t.is(movesOf(moved.body)[0]?.status, 3);
  t.is(w.smarthost.received.length, 0);

  t.is(await deleteFolder(phone, folder), 1);

  t.deepEqual(await itipIn(w, w.carol, 'CANCEL'), []);
  t.deepEqual(await itipIn(w, w.carol, 'REQUEST'), []);
  t.is(w.smarthost.received.length, 0);
});

test('16.1 FolderDelete with the smarthost down: the folder is deleted (Status 1) and carol still gets her CANCEL', async (t) => {
  const w = await world(t);
  const { phone, top } = await projects(w);
  await w.smarthost.close();

  t.is(await deleteFolder(phone, top), 1);

  t.deepEqual((await itipIn(w, w.carol, 'CANCEL')).map((c) => c.subject).sort(), ['Canceled: Launch', 'Canceled: Retro']);
  t.is(w.smarthost.received.length, 1);
  t.false((await w.ts.server.store.listFolders(w.alice.id)).some((f) => f.id === Number(top)));
});

test('a FolderDelete that fails sends nothing: a stale SyncKey (Status 9) leaves the meetings and their attendees alone', async (t) => {
  const w = await world(t);
  const { phone, top } = await projects(w);
  const res = await phone.post('FolderDelete', H('FolderDelete', [H('SyncKey', '999'), H('ServerId', top)]));
  t.is(res.body?.intOf('Status'), 9);
  t.deepEqual(await itipIn(w, w.carol, 'CANCEL'), []);
  t.is(w.smarthost.received.length, 1);
  t.deepEqual((await carolSees(w)).calendar, { Launch: '3', Retro: '3' });
});
