// MS-ASCMD 2.2.1.11 MeetingResponse, one Request: accept (1), tentatively accept (2) or decline
// (3) a meeting request in the Inbox (its mail item: CollectionId + RequestId, or LongId) or the
// calendar item itself (a calendar CollectionId + its ServerId), the whole meeting or, with
// InstanceId (14.1 and later, 2.2.3.92.1), one occurrence.
//
// The calendar item (found by the MeetingInfo the delivery stored with the message, else by UID)
// is updated as Exchange does: ResponseType 3 or 2 (MS-ASCAL 2.2.2.40), BusyStatus the meeting's
// intended one on accept and Tentative (1) on tentative, MeetingStatus 3 (a meeting received),
// AppointmentReplyTime, and the user's own AttendeeStatus. A decline removes it, or only the
// occurrence (a Deleted exception). Not in the calendar yet (not placed at delivery), an accepted
// request is placed from the message's iCalendar, through the class's toDoc as an import is.
// CalendarId (2.2.3.18) is its ServerId, except for a decline.
//
// The change is the device's (origin): its other devices get it by Sync and push, it does not
// (it changed its own copy, 2.2.3.18). A placed item is nobody's (origin null): the device that
// answered has no copy and learns the CalendarId's item by its next Sync (MS-ASCMD 3.1.5.6).
//
// An answered meeting request moves from its mail folder to Deleted Items, as on Exchange.
//
// At 16.x with SendResponse (2.2.3.163) the server mails the organiser the RFC 5546 REPLY (a
// COUNTER, 3.2.7, when a tentative or decline proposes a new time the meeting allows); below
// 16.0 the client sends its own reply with SendMail (2.2.1.11), so the server sends none: never
// twice. Without a smarthost a remote organiser gets nothing (logged); the answer stays Status 1.

import { FolderType, type Account, type DocItem, type Folder, type Item, type MailItem } from '../../store/types.js';
import type { CommandContext } from '../commands/types.js';
import { parseFolderId, parseServerId, serverIdOf } from '../model/ids.js';
import { atLeast } from '../protocol.js';
import { htmlToText } from '../../store/html-text.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import { readRecurrence } from '../classes/calendar/recurrence.js';
import { compact, parseEasTime } from '../classes/calendar/time.js';
import { DocConversionError } from '../classes/doc/doc-class.js';
import { docProps, findNode, setNode, textOfNode, toElement, type DocData, type PropNode } from '../classes/doc/nodes.js';
import { eventFromAppData } from '../classes/ical/app-data-in.js';
import { readCalendarFile } from '../classes/ical/calendar-read.js';
import type { ImportEntry } from '../classes/ical/entries.js';
import { ICAL_NODE } from '../classes/ical/original.js';
import { parseComponent } from '../classes/ical/parse-entry.js';
import type { ApplyItemContext, ItemClass } from '../classes/types.js';
import { readMeeting, type MeetingInfo } from '../imip/meeting.js';
import {
  ATTENDEE_TAG, ATTENDEES_TAG, attendeesOf, hasOccurrence, isSelf, meetingStatusOf, organizerOf, RECEIVED, roleOf, sequenceOf,
  type Person,
} from './event.js';
import { factsOf, occurrenceFacts, replyCalendar, type MeetingFacts, type PartStat } from './itip.js';
import { composeMeetingMail, sendMeetingMail } from './mail.js';
import type { ResponseRequest, SendResponse } from './request.js';
import { storedEvent } from './stored.js';

/** MS-ASCMD 2.2.3.177.9 Status (MeetingResponse), and the common statuses of 2.2.2 it uses. */
export const MeetingResponseStatus = {
  Success: 1,
  /**
   * A malformed request; an item that is no meeting request or calendar item; a meeting the user
   * organises; an InstanceId naming a mail item, or no occurrence.
   */
  InvalidRequest: 2,
  /** The mailbox cannot take the answer (no Calendar folder, the item cannot be written). */
  MailboxError: 3,
  ServerError: 4,
  /** 2.2.2 InvalidDateTime: InstanceId is not a dateTime (2.2.3.92.1). */
  InvalidDateTime: 104,
  /** 2.2.2 NoRecurrenceInCalendar: InstanceId names an occurrence of an event that does not recur. */
  NoRecurrence: 146,
} as const;

export interface ResponseResult {
  status: number;
  /** Echoed as the request named it. */
  requestId: string | null;
  calendarId: string | null;
  instanceId: string | null;
}

class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const PARTSTAT: Record<number, PartStat> = { 1: 'ACCEPTED', 2: 'TENTATIVE', 3: 'DECLINED' };
const CALENDAR_TYPES: readonly number[] = [FolderType.Calendar, FolderType.UserCalendar];

export async function respondToMeeting(ctx: CommandContext, req: ResponseRequest): Promise<ResponseResult> {
  try {
    return await respond(ctx, req);
  } catch (err) {
    const status = err instanceof Refused ? err.status : MeetingResponseStatus.ServerError;
    const fields = { account: ctx.account.address, device: ctx.device.deviceId, status, reason: (err as Error).message };
    if (err instanceof Refused) ctx.deps.log.info('meeting response refused', fields);
    else ctx.deps.log.error('meeting response failed', { ...fields, error: String(err) });
    return { status, requestId: req.requestId, calendarId: null, instanceId: null };
  }
}

/** The item a Request names, live, with its folder. */
async function locate(ctx: CommandContext, req: ResponseRequest): Promise<{ item: Item; folder: Folder }> {
  const { store } = ctx.deps;
  let ids: { folderId: number; itemId: number } | null;
  if (req.longId !== null) {
    ids = parseServerId(req.longId); // a Search LongId is the ServerId (eas/commands/search.ts)
  } else {
    const folderId = parseFolderId(req.collectionId ?? undefined);
    ids = parseServerId(req.requestId ?? undefined);
    if (folderId === null || !ids || ids.folderId !== folderId) throw new Refused(MeetingResponseStatus.InvalidRequest, 'no such CollectionId/RequestId');
  }
  const item = ids ? await store.getItem(ctx.account.id, ids.itemId) : null;
  const folder = item ? await store.getFolder(ctx.account.id, item.folderId) : null;
  if (!item || !folder || item.folderId !== ids!.folderId) throw new Refused(MeetingResponseStatus.InvalidRequest, 'no such item');
  return { item, folder };
}

const isCalendar = (folder: Folder | null): folder is Folder => folder !== null && CALENDAR_TYPES.includes(folder.type);

/** The calendar item of a meeting request: the one the delivery placed, else the one with its UID. */
async function eventOfMeeting(ctx: CommandContext, meeting: MeetingInfo): Promise<DocItem | null> {
  const { store } = ctx.deps;
  const inCalendar = async (item: Item | null): Promise<DocItem | null> =>
    item?.kind === 'doc' && isCalendar(await store.getFolder(ctx.account.id, item.folderId)) ? item : null;
  const placed = await inCalendar(meeting.calendarItemId !== null ? await store.getItem(ctx.account.id, meeting.calendarItemId) : null);
  if (placed) return placed;
  const calendar = await store.folderByType(ctx.account.id, FolderType.Calendar);
  const inDefault = await inCalendar(calendar ? await store.findDocByUid(ctx.account.id, calendar.id, meeting.uid) : null);
  if (inDefault) return inDefault;
  return await inCalendar(await store.findDocByUid(ctx.account.id, null, meeting.uid));
}

interface Target {
  /** The calendar item answered; null when a meeting request's event is not in the calendar. */
  event: DocItem | null;
  /** The occurrence answered (its original start), or null for the whole meeting. */
  instance: Date | null;
  meeting: MeetingInfo | null;
  mail: MailItem | null;
}

async function target(ctx: CommandContext, item: Item, folder: Folder, instance: Date | null): Promise<Target> {
  const { store } = ctx.deps;
  if (item.kind === 'mail') {
    if (instance) throw new Refused(MeetingResponseStatus.InvalidRequest, 'InstanceId with a meeting request message (2.2.3.177.9)');
    const meeting = readMeeting(item.meeting);
    if (!meeting || meeting.method !== 'REQUEST') throw new Refused(MeetingResponseStatus.InvalidRequest, 'not a meeting request');
    const event = await eventOfMeeting(ctx, meeting);
    if (event && await roleOf(store, ctx.account, docProps(event.data)) === 'organizer') {
      throw new Refused(MeetingResponseStatus.InvalidRequest, 'the user organises this meeting');
    }
    // A request for one occurrence answers that occurrence of the series the calendar holds.
    const rid = meeting.recurrenceId ? parseEasTime(meeting.recurrenceId) : null;
    const occurrence = event && rid && readRecurrence(docProps(event.data)) ? rid : null;
    return { event, instance: occurrence, meeting, mail: item };
  }
  if (!isCalendar(folder) || item.kind !== 'doc') throw new Refused(MeetingResponseStatus.InvalidRequest, 'neither a meeting request nor a calendar item');
  const props = docProps(item.data);
  if (await roleOf(store, ctx.account, props) !== 'attendee') {
    throw new Refused(MeetingResponseStatus.InvalidRequest, 'an appointment, or a meeting the user organises');
  }
  if (instance) {
    const has = hasOccurrence(props, instance);
    if (has === 'none') throw new Refused(MeetingResponseStatus.NoRecurrence, 'InstanceId of an event that does not recur');
    if (!has) throw new Refused(MeetingResponseStatus.InvalidRequest, 'InstanceId names no occurrence');
  }
  return { event: item, instance, meeting: null, mail: null };
}

/**
 * MS-ASCMD 2.2.3.141/2.2.3.140 ProposedStartTime and ProposedEndTime (Compact DateTimes): a new
 * time the attendee proposes with a tentative or a decline. An end needs a start; an end before
 * the start, or a time that does not parse, is a bad request.
 */
function proposalOf(send: SendResponse | null): { start: Date; end: Date | null } | null {
  if (!send || (send.proposedStart === null && send.proposedEnd === null)) return null;
  if (send.proposedStart === null) throw new Refused(MeetingResponseStatus.InvalidRequest, 'ProposedEndTime without ProposedStartTime');
  const start = parseEasTime(send.proposedStart);
  const end = send.proposedEnd === null ? null : parseEasTime(send.proposedEnd);
  if (!start || (send.proposedEnd !== null && !end)) throw new Refused(MeetingResponseStatus.InvalidRequest, 'a proposed time is not a Compact DateTime');
  if (end && end.getTime() < start.getTime()) throw new Refused(MeetingResponseStatus.InvalidRequest, 'the proposed end is before its start');
  return { start, end };
}

/** MS-ASCMD 2.2.3.92.1: a dateTime ("2010-04-08T18:16:00.000Z"); a Compact DateTime is read too. */
function parseInstanceId(text: string): Date | null {
  return parseEasTime(text);
}

async function respond(ctx: CommandContext, req: ResponseRequest): Promise<ResponseResult> {
  const { deps, account, version } = ctx;
  const { store, log } = deps;
  const partstat = PARTSTAT[req.userResponse];
  if (!partstat) throw new Refused(MeetingResponseStatus.InvalidRequest, 'UserResponse is not 1, 2 or 3');
  let instance: Date | null = null;
  if (req.instanceId !== null) {
    // 2.2.3.92.1: not at 12.1 and 14.0.
    if (!atLeast(version, '14.1')) throw new Refused(MeetingResponseStatus.InvalidRequest, `InstanceId at ${version}`);
    instance = parseInstanceId(req.instanceId);
    if (!instance) throw new Refused(MeetingResponseStatus.InvalidDateTime, `InstanceId "${req.instanceId}" is not a dateTime`);
  }
  const proposed = proposalOf(req.sendResponse);
  const { item, folder } = await locate(ctx, req);
  const t = await target(ctx, item, folder, instance);
  const now = new Date();

  const eventFolder = t.event ? await store.getFolder(account.id, t.event.folderId) : await store.folderByType(account.id, FolderType.Calendar);
  if (!eventFolder) throw new Refused(MeetingResponseStatus.MailboxError, 'the account has no Calendar folder');
  const cls = deps.classes.forFolderType(eventFolder.type);
  const applyCtx: ApplyItemContext = { deps, account, device: ctx.device, folder: eventFolder, version: '16.1', supported: null };

  // What the reply says, read before the item changes (a decline removes it).
  const storedProps = t.event ? docProps(t.event.data) : null;
  const stored = t.event ? await storedEvent(t.event, { store, account, folder: eventFolder, itemClass: cls, log }) : null;
  const entry = !stored && t.mail && t.meeting ? await requestEntry(ctx, t.mail, t.meeting) : null;
  const event = stored?.event ?? (entry ? eventFromAppData(entry.appData.children) : null);

  let calendarItem: DocItem | null = t.event;
  const instanceId = t.instance ? t.instance.toISOString() : null;
  if (partstat !== 'DECLINED') {
    if (t.event && storedProps) {
      const status = t.instance
        ? await changeInstance(cls, applyCtx, t.event, instanceId!, occurrenceAnswer(storedProps, partstat, now))
        : await cls.change(applyCtx, t.event, el('AirSync:ApplicationData', await wholeAnswer(ctx.deps.store, account, storedProps, partstat, now)));
      if (status !== 1) throw new Refused(MeetingResponseStatus.MailboxError, `the calendar item was not updated (Sync Status ${status})`);
    } else {
      if (!entry || !t.meeting) throw new Refused(MeetingResponseStatus.InvalidRequest, 'the meeting request carries no readable iCalendar');
      calendarItem = await place(ctx, cls, eventFolder, entry, partstat, now);
    }
  } else if (t.event) {
    if (t.instance) {
      const status = await changeInstance(cls, applyCtx, t.event, instanceId!, null);
      if (status !== 1) throw new Refused(MeetingResponseStatus.MailboxError, `the occurrence was not removed (Sync Status ${status})`);
    } else {
      await store.deleteItem(account.id, t.event.id, ctx.device.id);
    }
  }

  if (atLeast(version, '16.0') && req.sendResponse && event) {
    const props = storedProps ?? [];
    const organizer: Person | null = organizerOf(props) ?? event.organizer ?? (t.meeting?.organizer ? { email: t.meeting.organizer, name: '' } : null);
    const facts = t.instance ? occurrenceFacts(event, t.instance) : factsOf(event);
    const disallowed = (textOfNode(props, 'Calendar:DisallowNewTimeProposal') ?? entry?.appData.textOf('Calendar:DisallowNewTimeProposal'))?.trim() === '1';
    if (proposed && (partstat === 'ACCEPTED' || disallowed)) {
      log.info('meeting: new time not proposed', { account: account.address, uid: event.uid, reason: disallowed ? 'the organiser allows none' : 'an acceptance' });
    }
    const proposal = proposed && partstat !== 'ACCEPTED' && !disallowed
      ? { start: proposed.start, end: proposed.end ?? new Date(proposed.start.getTime() + (facts.end.getTime() - facts.start.getTime())) }
      : null;
    await sendReply(ctx, {
      facts,
      organizer,
      attendee: await ownAttendee(ctx, storedProps ?? [], event.attendees),
      partstat,
      sequence: Math.max(t.meeting?.sequence ?? 0, storedProps ? sequenceOf(storedProps) : 0),
      instance: t.instance ?? (t.meeting?.recurrenceId ? parseEasTime(t.meeting.recurrenceId) : null),
      seriesAllDay: event.allDay,
      sendResponse: req.sendResponse,
      proposal,
      now,
    });
  } else if (atLeast(version, '16.0') && req.sendResponse) {
    log.warn('meeting: reply not sent, the meeting cannot be read', { account: account.address });
  }

  if (t.mail) await answered(ctx, t.mail);
  log.info('meeting response', { account: account.address, device: ctx.device.deviceId, response: partstat, uid: event?.uid ?? t.meeting?.uid ?? null });
  return {
    status: MeetingResponseStatus.Success,
    requestId: req.requestId,
    calendarId: partstat !== 'DECLINED' && calendarItem ? serverIdOf(calendarItem.folderId, calendarItem.id) : null,
    instanceId: req.instanceId !== null && instance ? req.instanceId : null,
  };
}

/**
 * An answered request leaves the Inbox for Deleted Items, as Exchange moves it: the calendar now
 * holds the answer. Nobody's move (origin null): the device that answered sees it go by Sync too.
 * Already in Deleted Items, or no such folder: it stays where it is.
 */
async function answered(ctx: CommandContext, mail: MailItem): Promise<void> {
  const { store } = ctx.deps;
  const deleted = await store.folderByType(ctx.account.id, FolderType.DeletedItems);
  if (!deleted || deleted.id === mail.folderId) return;
  await store.moveItem(ctx.account.id, mail.id, deleted.id, null);
}

function changeInstance(cls: ItemClass, ctx: ApplyItemContext, event: DocItem, instanceId: string, children: WbxmlElement[] | null): Promise<number> {
  if (!cls.changeInstance) throw new Refused(MeetingResponseStatus.InvalidRequest, 'the class has no occurrences');
  return cls.changeInstance(ctx, event, instanceId, children ? el('AirSync:ApplicationData', children) : null);
}

const CDO_BUSY: Record<string, number> = { FREE: 0, TENTATIVE: 1, BUSY: 2, OOF: 3, WORKINGELSEWHERE: 4 };

/**
 * The busy status the organiser meant the meeting to have (what an accepted meeting shows): the
 * invitation's X-MICROSOFT-CDO-INTENDEDSTATUS or TRANSP when the item keeps it, else the stored
 * one unless that is the Tentative placeholder, else Busy.
 */
function intendedBusy(props: readonly PropNode[]): number {
  const text = textOfNode(props, ICAL_NODE);
  if (text) {
    try {
      const vevents = parseComponent(text).getAllSubcomponents('vevent');
      const master = vevents.find((v) => !v.hasProperty('recurrence-id')) ?? vevents[0];
      const intended = String(master?.getFirstPropertyValue('x-microsoft-cdo-intendedstatus') ?? '').toUpperCase();
      if (intended in CDO_BUSY) return CDO_BUSY[intended]!;
      if (String(master?.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT') return 0;
    } catch {
      // an unreadable original says nothing
    }
  }
  const storedBusy = Number(textOfNode(props, 'Calendar:BusyStatus')?.trim());
  return [0, 3, 4].includes(storedBusy) ? storedBusy : 2;
}

const responseType = (p: PartStat) => (p === 'ACCEPTED' ? 3 : p === 'TENTATIVE' ? 2 : 4);
const attendeeStatus = responseType; // MS-ASCAL 2.2.2.5: 2 tentative, 3 accept, 4 decline

function busyOf(props: readonly PropNode[], p: PartStat): number {
  return p === 'ACCEPTED' ? intendedBusy(props) : 1;
}

/** The stored Attendees with the account's own AttendeeStatus; null when it is not among them. */
async function ownStatusIn(store: CommandContext['deps']['store'], account: Account, props: readonly PropNode[], p: PartStat): Promise<PropNode | null> {
  const list = findNode(props, ATTENDEES_TAG);
  if (!list?.children) return null;
  let found = false;
  const children = await Promise.all(list.children.map(async (a) => {
    if (a.tag !== ATTENDEE_TAG || !await isSelf(store, account, textOfNode(a.children, 'Calendar:Email') ?? '')) return a;
    found = true;
    return { ...a, children: setNode(a.children ?? [], { tag: 'Calendar:AttendeeStatus', text: String(attendeeStatus(p)) }) };
  }));
  return found ? { tag: ATTENDEES_TAG, children } : null;
}

/** A 16.1 Change of the whole meeting with the answer. */
async function wholeAnswer(store: CommandContext['deps']['store'], account: Account, props: readonly PropNode[], p: PartStat, now: Date): Promise<WbxmlElement[]> {
  const attendees = await ownStatusIn(store, account, props, p);
  return [
    el('Calendar:BusyStatus', busyOf(props, p)),
    !RECEIVED.has(meetingStatusOf(props)) && el('Calendar:MeetingStatus', 3),
    attendees && toElement(attendees),
    el('Calendar:AppointmentReplyTime', compact(now)),
    el('Calendar:ResponseType', responseType(p)),
  ].filter((x): x is WbxmlElement => !!x);
}

/** The same for one occurrence (an exception's properties: MS-ASCAL 2.2.2.21). */
function occurrenceAnswer(props: readonly PropNode[], p: PartStat, now: Date): WbxmlElement[] {
  return [el('Calendar:BusyStatus', busyOf(props, p)), el('Calendar:AppointmentReplyTime', compact(now)), el('Calendar:ResponseType', responseType(p))];
}

/** The meeting request's VEVENT as an import entry (eas/classes/ical/calendar-read.ts), or null. */
async function requestEntry(ctx: CommandContext, mail: MailItem, meeting: MeetingInfo): Promise<ImportEntry | null> {
  const body = await ctx.deps.store.getBody(ctx.account.id, mail.id);
  if (!body) return null;
  const parsed = await ctx.deps.parse(body.raw);
  const ics = parsed.calendar?.text ?? parsed.attachments.find((a) => /^(text\/calendar|application\/ics)$/i.test(a.contentType))?.content.toString('utf8');
  if (!ics) return null;
  try {
    const read = readCalendarFile(ics, { version: '16.1', self: ctx.account.address });
    return read.entries.find((e) => e.uid === meeting.uid) ?? read.entries.find((e) => e.uid.startsWith(`${meeting.uid}/`)) ?? read.entries[0] ?? null;
  } catch {
    return null;
  }
}

/** An accepted request not in the calendar: placed from its iCalendar with the answer, by nobody's hand. */
async function place(ctx: CommandContext, cls: ItemClass, folder: Folder, entry: ImportEntry, p: PartStat, now: Date): Promise<DocItem> {
  const { store } = ctx.deps;
  if (!cls.toDoc) throw new Refused(MeetingResponseStatus.MailboxError, `the ${cls.name} class takes no documents`);
  // What the answer is computed from: the invitation's busy status, attendees and kept original.
  const busy = entry.appData.textOf('Calendar:BusyStatus');
  const attendees = entry.appData.child('Calendar:Attendees');
  const basis: PropNode[] = [
    ...(busy !== undefined ? [{ tag: 'Calendar:BusyStatus', text: busy }] : []),
    ...(attendees ? [toPropNode(attendees)] : []),
    ...entry.privateNodes,
  ];
  const answer = await wholeAnswer(store, ctx.account, basis, p, now);
  const answered = new Set(answer.map((c) => c.tag));
  const appData = el('AirSync:ApplicationData', [...entry.appData.children.filter((c) => !answered.has(c.tag)), ...answer]);
  let doc;
  try {
    doc = cls.toDoc(appData, { version: '16.1', account: ctx.account, now, stored: null });
  } catch (err) {
    if (err instanceof DocConversionError) throw new Refused(MeetingResponseStatus.InvalidRequest, `the meeting request's event is refused: ${err.message}`);
    throw err;
  }
  const own = new Set(entry.privateNodes.map((n) => n.tag));
  let props = [...docProps(doc.data).filter((n) => !own.has(n.tag)), ...entry.privateNodes];
  for (const node of entry.setNodes) props = setNode(props, node);
  const data: DocData = { v: 1, props };
  return await store.addDoc(ctx.account.id, folder.id, { data, uid: entry.uid, windowAt: doc.windowAt }, null);
}

function toPropNode(e: WbxmlElement): PropNode {
  return e.children.length > 0 ? { tag: e.tag, children: e.children.map(toPropNode) } : { tag: e.tag, text: e.text ?? '' };
}

/** The account as the meeting invited it (an alias keeps its address), else its own address. */
async function ownAttendee(ctx: CommandContext, props: readonly PropNode[], eventAttendees: readonly { email: string; name: string }[]): Promise<Person> {
  const { store } = ctx.deps;
  let listed: { email: string; name: string } | undefined;
  for (const a of [...attendeesOf(props), ...eventAttendees]) {
    if (await isSelf(store, ctx.account, a.email)) {
      listed = a;
      break;
    }
  }
  return { email: listed?.email ?? ctx.account.address, name: ctx.account.displayName ?? listed?.name ?? '' };
}

interface Reply {
  facts: MeetingFacts;
  organizer: Person | null;
  attendee: Person;
  partstat: PartStat;
  sequence: number;
  instance: Date | null;
  seriesAllDay: boolean;
  sendResponse: SendResponse;
  /** A new time proposed: the answer goes as a COUNTER. */
  proposal: { start: Date; end: Date } | null;
  now: Date;
}

const LABEL: Record<PartStat, string> = { ACCEPTED: 'Accepted', TENTATIVE: 'Tentative', DECLINED: 'Declined' };

/** RFC 5546 3.2.3 REPLY to the organiser, with the SendResponse body (empty: none). Never throws: the answer is made. */
async function sendReply(ctx: CommandContext, r: Reply): Promise<void> {
  try {
    await writeReply(ctx, r);
  } catch (err) {
    ctx.deps.log.error('meeting: reply not sent', { account: ctx.account.address, uid: r.facts.uid, error: String(err) });
  }
}

async function writeReply(ctx: CommandContext, r: Reply): Promise<void> {
  const { deps, account } = ctx;
  if (!r.organizer || await isSelf(deps.store, account, r.organizer.email)) {
    deps.log.warn('meeting: no organiser to reply to', { account: account.address, uid: r.facts.uid });
    return;
  }
  const body = r.sendResponse.body;
  const html = body?.type === 2 ? body.data : null;
  const text = html !== null ? htmlToText(html) : (body?.data ?? '');
  const ical = replyCalendar(r.facts, {
    organizer: r.organizer, attendee: r.attendee, partstat: r.partstat, sequence: r.sequence, now: r.now, instance: r.instance, seriesAllDay: r.seriesAllDay, proposal: r.proposal,
  });
  const method = r.proposal ? 'COUNTER' : 'REPLY';
  // Outlook's subject for a proposal, so the organiser's mail list says what it is.
  const subject = `${r.proposal ? 'New Time Proposed' : LABEL[r.partstat]}: ${r.facts.subject}`;
  const raw = await composeMeetingMail({ from: account, to: [r.organizer], subject, text, html, method, ical, now: r.now });
  await sendMeetingMail(deps, account, [r.organizer.email], raw, { method, uid: r.facts.uid, partstat: r.partstat });
}
