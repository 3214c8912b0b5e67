// Shared steps of the meeting tests: a server with alice (who is invited), carol (a local
// organiser) and a smarthost sink standing in for the world outside; invitations written with
// ical.js, composed with nodemailer as an organiser's calendar would send them and sent with
// the real swaks (the delivery makes them meeting requests and places their events); Sync and
// MeetingResponse as phones send them; the iCalendar of the mail a mailbox or the smarthost got.

import ICAL from 'ical.js';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { ExecutionContext } from 'ava';
import { compact } from '../../eas/classes/calendar/time.js';
import { serverIdOf } from '../../eas/model/ids.js';
import { el, type WbxmlElement } from '../../eas/wbxml/tree.js';
import { parseMessage } from '../../plugin/parse.js';
import { FolderType, type Account, type DocItem, type Item } from '../../store/types.js';
import { sendWireMessage } from '../helpers/swaks.js';
import { createEasClient, type EasClient } from '../helpers/eas-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { cmd, onlyCollection, options, syncRequest, type SyncedCollection } from '../eas-sync/wire.js';
import { startSmarthost, type Smarthost } from '../eas-send/smarthost.js';

export const PASSWORD = 'correct horse battery';
const HOUR = 3_600_000;

export interface World {
  ts: TestServer;
  smarthost: Smarthost;
  alice: Account;
  carol: Account;
  /** A device of `user` speaking `version`. */
  device(user: Account, deviceId: string, version: string): EasClient;
}

export async function world(t: ExecutionContext, opts: { smarthost?: boolean } = {}): Promise<World> {
  const smarthost = await startSmarthost();
  t.teardown(() => smarthost.close());
  const ts = await startTestServer(opts.smarthost === false ? {} : { smarthost: `smtp://127.0.0.1:${smarthost.port}` });
  t.teardown(() => ts.stop());
  const alice = await ts.server.store.createAccount('alice@example.com', PASSWORD, 'Alice Liddell');
  const carol = await ts.server.store.createAccount('carol@example.com', PASSWORD, 'Carol');
  return {
    ts,
    smarthost,
    alice,
    carol,
    device: (user, deviceId, version) => createEasClient({ port: ts.httpPort, user: user.address, password: PASSWORD, deviceId, version }),
  };
}

/** An hour-long meeting a week from now (well inside every FilterType window), on the hour. */
export function nextWeek(hourOffset = 0): { start: Date; end: Date } {
  const start = new Date(Math.ceil((Date.now() + 7 * 24 * HOUR) / HOUR) * HOUR + hourOffset * HOUR);
  return { start, end: new Date(start.getTime() + HOUR) };
}

export interface InvitationSpec {
  uid: string;
  organizer: { email: string; name: string };
  attendees: string[];
  subject: string;
  start: Date;
  end: Date;
  sequence?: number;
  /** RRULE, e.g. "FREQ=DAILY;COUNT=5". */
  rrule?: string;
  /** X-MICROSOFT-DISALLOW-COUNTER:TRUE, as Outlook writes "no new time proposals". */
  disallowCounter?: boolean;
}

/** The organiser's METHOD:REQUEST, as its calendar writes it (ical.js). */
export function invitationIcs(s: InvitationSpec): string {
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('prodid', '-//test organiser//EN');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('method', 'REQUEST');
  const v = new ICAL.Component('vevent');
  v.addPropertyWithValue('uid', s.uid);
  v.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(), true));
  v.addPropertyWithValue('sequence', s.sequence ?? 0);
  v.addPropertyWithValue('dtstart', ICAL.Time.fromJSDate(s.start, true));
  v.addPropertyWithValue('dtend', ICAL.Time.fromJSDate(s.end, true));
  v.addPropertyWithValue('summary', s.subject);
  if (s.rrule) v.addPropertyWithValue('rrule', ICAL.Recur.fromString(s.rrule));
  if (s.disallowCounter) v.addPropertyWithValue('x-microsoft-disallow-counter', 'TRUE');
  const org = v.addPropertyWithValue('organizer', `mailto:${s.organizer.email}`);
  org.setParameter('cn', s.organizer.name);
  for (const a of s.attendees) {
    const p = v.addPropertyWithValue('attendee', `mailto:${a}`);
    p.setParameter('partstat', 'NEEDS-ACTION');
    p.setParameter('rsvp', 'TRUE');
    p.setParameter('role', 'REQ-PARTICIPANT');
  }
  cal.addSubcomponent(v);
  return cal.toString() + '\r\n';
}

/** The invitation as mail, From the organiser (or `from`). */
export function invitationMail(s: InvitationSpec, from?: string): Promise<Buffer> {
  return new MailComposer({
    from: from ?? { name: s.organizer.name, address: s.organizer.email },
    to: s.attendees,
    subject: s.subject,
    text: `You are invited: ${s.subject}`,
    icalEvent: { method: 'REQUEST', content: invitationIcs(s) },
  })
    .compile()
    .build();
}

export interface Invited {
  /** The meeting request in the Inbox. */
  mailServerId: string;
  inboxId: string;
  /** The event the delivery placed in the Calendar, when it did. */
  event: DocItem | null;
}

/** Sends `raw` over SMTP with the real swaks, byte for byte (test/helpers/swaks.ts). */
export async function swaksSend(w: World, raw: Buffer, envelope: { from: string; to: string[] }): Promise<void> {
  await sendWireMessage(w.ts.smtpPort, raw, envelope);
}

/**
 * The organiser's invitation sent to `to` with swaks. The delivery makes it a meeting request
 * and places the event (not yet answered: BusyStatus 1, ResponseType 5), unless `sender` is
 * someone else than the organiser: then the calendar-spam policy (sender-match) leaves the event
 * out and only the meeting request arrives.
 */
export async function invite(w: World, to: Account, s: InvitationSpec, opts: { sender?: string } = {}): Promise<Invited> {
  const store = w.ts.server.store;
  const sender = opts.sender ?? s.organizer.email;
  const raw = await invitationMail(s, sender === s.organizer.email ? undefined : sender);
  const inbox = (await store.folderByType(to.id, FolderType.Inbox))!;
  const before = new Set((await store.listItems(to.id, inbox.id)).map((i) => i.id));
  await swaksSend(w, raw, { from: sender, to: [to.address] });
  const arrived = (await store.listItems(to.id, inbox.id)).filter((i) => !before.has(i.id));
  if (arrived.length !== 1) throw new Error(`expected one new message in ${to.address}'s Inbox, got ${arrived.length}`);
  const calendar = (await store.folderByType(to.id, FolderType.Calendar))!;
  return { mailServerId: serverIdOf(inbox.id, arrived[0]!.id), inboxId: String(inbox.id), event: await store.findDocByUid(to.id, calendar.id, s.uid) };
}

export function meetingResponseBody(requests: WbxmlElement[][]): WbxmlElement {
  return el('MeetingResponse:MeetingResponse', requests.map((r) => el('MeetingResponse:Request', r)));
}

export interface MeetingResult {
  status: number;
  requestId?: string;
  calendarId?: string;
  instanceId?: string;
}

export async function meetingResponse(device: EasClient, requests: WbxmlElement[][]): Promise<MeetingResult[]> {
  const res = await device.post('MeetingResponse', meetingResponseBody(requests));
  if (res.status !== 200 || res.body?.tag !== 'MeetingResponse:MeetingResponse') throw new Error(`MeetingResponse answered HTTP ${res.status} ${res.body?.tag}`);
  return res.body.all('Result').map((r) => {
    const out: MeetingResult = { status: r.intOf('Status') ?? NaN };
    for (const k of ['RequestId', 'CalendarId', 'InstanceId'] as const) {
      const v = r.textOf(k);
      if (v !== undefined) out[(k[0]!.toLowerCase() + k.slice(1)) as 'requestId' | 'calendarId' | 'instanceId'] = v;
    }
    return out;
  });
}

/** One Request answering the meeting request `serverId` in `collectionId`. */
export function answer(userResponse: number, collectionId: string, serverId: string, extra: WbxmlElement[] = []): WbxmlElement[] {
  return [
    el('MeetingResponse:UserResponse', userResponse),
    el('MeetingResponse:CollectionId', collectionId),
    el('MeetingResponse:RequestId', serverId),
    ...extra,
  ];
}

export const sendResponse = (text?: string): WbxmlElement =>
  el('MeetingResponse:SendResponse', text === undefined ? [] : [el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', text)])]);

/** A Sync of one collection; an empty answer (nothing new) reads as no commands. */
export async function sync(device: EasClient, spec: { syncKey: string; collectionId: string; commands?: WbxmlElement[]; options?: WbxmlElement[] }): Promise<SyncedCollection> {
  const res = await device.post('Sync', syncRequest([spec]));
  if (res.status !== 200) throw new Error(`Sync answered HTTP ${res.status}`);
  if (res.raw.length === 0) {
    return { syncKey: spec.syncKey, collectionId: spec.collectionId, status: 1, moreAvailable: false, order: [], adds: [], changes: [], deletes: [], softDeletes: [], responses: [], hasResponsesElement: false };
  }
  return onlyCollection(res.body);
}

/** SyncKey 0 and the first page of a collection (everything, no window). */
export async function startSync(device: EasClient, collectionId: string): Promise<SyncedCollection> {
  const zero = await sync(device, { syncKey: '0', collectionId });
  return sync(device, { syncKey: zero.syncKey, collectionId, options: [options(0)] });
}

export { cmd };

/** A Sync Add of a meeting `user` organises (16.x: no AttendeeStatus, no UID). */
export function meetingAdd(clientId: string, s: { subject: string; start: Date; end: Date; attendees: { email: string; name: string }[] }): WbxmlElement {
  return cmd.add(clientId, [
    el('Calendar:Subject', s.subject),
    el('Calendar:StartTime', compact(s.start)),
    el('Calendar:EndTime', compact(s.end)),
    el('Calendar:MeetingStatus', 1),
    el('Calendar:BusyStatus', 2),
    el('Calendar:Attendees', s.attendees.map((a) => el('Calendar:Attendee', [el('Calendar:Email', a.email), el('Calendar:Name', a.name), el('Calendar:AttendeeType', 1)]))),
  ]);
}

/** The iCalendar part (text/calendar) of a raw message, parsed; throws when there is none. */
export async function calendarOf(raw: Buffer): Promise<{ method: string; vevents: ICAL.Component[]; subject: string; from: string }> {
  const parsed = await parseMessage(raw);
  const text = parsed.calendar?.text;
  if (!text) throw new Error('the message has no text/calendar part');
  const cal = new ICAL.Component(ICAL.parse(text));
  return {
    method: String(cal.getFirstPropertyValue('method') ?? ''),
    vevents: cal.getAllSubcomponents('vevent'),
    subject: parsed.summary.subject,
    from: parsed.summary.from[0]?.address ?? '',
  };
}

/** The messages in an account's Inbox, oldest first, with their raw bytes. */
export async function inboxOf(w: World, user: Account): Promise<{ item: Item; raw: Buffer }[]> {
  const store = w.ts.server.store;
  const inbox = (await store.folderByType(user.id, FolderType.Inbox))!;
  return await Promise.all((await store
    .listItems(user.id, inbox.id))
    .filter((i) => i.kind === 'mail')
    .sort((a, b) => a.id - b.id)
    .map(async (item) => ({ item, raw: (await store.getBody(user.id, item.id))!.raw })));
}

/** The iTIP messages (with a text/calendar part) of an Inbox. */
export async function itipIn(w: World, user: Account, method: string): Promise<Awaited<ReturnType<typeof calendarOf>>[]> {
  const out = [];
  for (const m of await inboxOf(w, user)) {
    const parsed = await parseMessage(m.raw);
    if (!parsed.calendar) continue;
    const c = await calendarOf(m.raw);
    if (c.method === method) out.push(c);
  }
  return out;
}

export function attendeeParam(vevent: ICAL.Component, email: string, param: string): string | null {
  const p = vevent.getAllProperties('attendee').find((a) => String(a.getFirstValue()).toLowerCase() === `mailto:${email}`);
  const v = p?.getFirstParameter(param);
  return v === undefined || v === null ? null : String(v);
}
