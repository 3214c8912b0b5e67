// Meetings organised on a phone (MS-ASCAL, protocol 16.0 and 16.1): the server, not the client,
// sends the scheduling mail. A 16.x client adds, changes or deletes the organiser's calendar item
// with Sync and sends no invitation itself (below 16.0 it mails them with SendMail, so nothing is
// sent here then: never twice). This wraps the Calendar class (eas/classes/calendar.ts) so that
// after a 16.x device's Add, Change, occurrence change or Delete of an event the account
// organises, the attendees get an RFC 5546 REQUEST or CANCEL by RFC 6047 iMIP
// (eas/meetings/mail.ts):
//   - Add with attendees: REQUEST, SEQUENCE 0.
//   - Change that matters to attendees (time, recurrence, occurrences, subject, location, body,
//     who is invited): REQUEST with SEQUENCE + 1 to those invited, CANCEL to those removed.
//     Others (reminder, categories, the organiser's own busy status) send nothing.
//   - MeetingStatus set to cancelled (5, 7), or the event deleted: CANCEL to every attendee.
//   - One occurrence deleted (16.x Delete with InstanceId): CANCEL with its RECURRENCE-ID.
//   - The event's calendar folder deleted (FolderDelete, which calls `deleted` for each item it
//     took): as the event deleted.
// Only the organiser's own meetings: an event received from someone else (MeetingStatus 3,
// another OrganizerEmail) never makes mail, however a device changes it: answering is
// MeetingResponse's job (the mistake TbSync users met when an answer went out as a new meeting).
// Nothing is sent for a meeting that is over. The SEQUENCE sent is kept in the event (x:sequence)
// with the organiser named (OrganizerEmail/Name, MeetingStatus 1) when the client left them out.

import type { Account, DocItem, Item } from '../../store/types.js';
import { parseServerId } from '../model/ids.js';
import { atLeast, type ProtocolVersion } from '../protocol.js';
import { SyncStatus } from '../sync/status.js';
import { parseEasTime } from '../classes/calendar/time.js';
import { docProps, setNode, textNode, textOfNode, type DocData, type PropNode } from '../classes/doc/nodes.js';
import type { EasAttendee, EasEvent } from '../classes/ical/event.js';
import type { ApplyItemContext, ItemClass } from '../classes/types.js';
import { CANCELLED, isSelf, meetingStatusOf, organizerOf, roleOf, sequenceOf, SEQUENCE_TAG, type Person } from './event.js';
import { cancelCalendar, factsOf, occurrenceFacts, requestCalendar } from './itip.js';
import { composeMeetingMail, sendMeetingMail } from './mail.js';
import { storedEvent, type StoredEvent } from './stored.js';

/**
 * The Calendar class with the organiser's mail; `deleted` is the after-Delete hook of
 * eas/sync/apply.ts and eas/commands/folder-delete.ts.
 */
export type OrganizingClass = ItemClass & { deleted(ctx: ApplyItemContext, item: Item): Promise<void> };

/** The versions at which the server sends the organiser's mail (MS-ASCAL: 16.0 and 16.1). */
export function serverSchedules(version: ProtocolVersion): boolean {
  return atLeast(version, '16.0');
}

export function withOrganizerMail(inner: ItemClass): OrganizingClass {
  const live = async (ctx: ApplyItemContext, id: number): Promise<DocItem | null> => {
    const item = await ctx.deps.store.getItem(ctx.account.id, id);
    return item?.kind === 'doc' ? item : null;
  };
  const wrapped: OrganizingClass = {
    ...inner,
    async add(ctx, appData) {
      const result = await inner.add(ctx, appData);
      if (result.status === SyncStatus.Success && serverSchedules(ctx.version)) {
        const id = parseServerId(result.serverId ?? undefined);
        const item = id ? await live(ctx, id.itemId) : null;
        if (item) await organised(inner, ctx, null, item, null);
      }
      return result;
    },
    async change(ctx, item, appData) {
      const status = await inner.change(ctx, item, appData);
      if (status === SyncStatus.Success && serverSchedules(ctx.version) && item.kind === 'doc') {
        const after = await live(ctx, item.id);
        if (after) await organised(inner, ctx, item, after, null);
      }
      return status;
    },
    async deleted(ctx, item) {
      if (!serverSchedules(ctx.version) || item.kind !== 'doc') return;
      await guarded(ctx, item, () => cancelAll(inner, ctx, item));
    },
  };
  if (inner.changeInstance) {
    const changeInstance = inner.changeInstance.bind(inner);
    wrapped.changeInstance = async (ctx, item, instanceId, appData) => {
      const status = await changeInstance(ctx, item, instanceId, appData);
      if (status === SyncStatus.Success && serverSchedules(ctx.version) && item.kind === 'doc') {
        const after = await live(ctx, item.id);
        if (after) await organised(inner, ctx, item, after, { instanceId, deleted: appData === null });
      }
      return status;
    };
  }
  return wrapped;
}

/** Mail is never the reason a Sync command fails: the event is saved already. */
async function guarded(ctx: ApplyItemContext, item: Item, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    ctx.deps.log.error('meeting: organiser mail failed', { account: ctx.account.address, item: item.id, error: String(err) });
  }
}

async function eventOf(cls: ItemClass, ctx: ApplyItemContext, item: Item): Promise<StoredEvent | null> {
  return await storedEvent(item, { store: ctx.deps.store, account: ctx.account, folder: ctx.folder, itemClass: cls, log: ctx.deps.log });
}

const key = (email: string) => email.trim().toLowerCase();

/** The attendees besides the account itself. */
async function invited(ctx: ApplyItemContext, e: EasEvent | undefined): Promise<EasAttendee[]> {
  const out: EasAttendee[] = [];
  for (const a of e?.attendees ?? []) if (a.email && !(await isSelf(ctx.deps.store, ctx.account, a.email))) out.push(a);
  return out;
}

function self(account: Account): Person {
  return { email: account.address, name: account.displayName ?? '' };
}

/** What attendees see of an event: a change of anything else sends nothing. */
function shown(e: EasEvent): unknown {
  return {
    subject: e.subject,
    location: e.location,
    body: e.body.trim(),
    start: e.startTime.getTime(),
    end: e.endTime.getTime(),
    allDay: e.allDay,
    recurrence: e.recurrence,
    exceptions: e.exceptions.map((x) => ({
      instance: x.instance.getTime(), deleted: x.deleted, subject: x.subject, location: x.location, body: x.body,
      start: x.startTime?.getTime(), end: x.endTime?.getTime(), allDay: x.allDay,
    })),
    attendees: e.attendees.map((a) => `${key(a.email)}/${a.type}`).sort(),
  };
}

/** Over: its last occurrence ended (the item's window time is that end: docs/store.md). */
function over(item: Item, now: Date): boolean {
  return item.receivedAt < now.toISOString();
}

/** The event with the organiser named and the SEQUENCE sent, when either differs from what is stored. */
async function recordSent(ctx: ApplyItemContext, item: DocItem, sequence: number): Promise<void> {
  let props: PropNode[] = docProps(item.data);
  const before = JSON.stringify(props);
  if (!organizerOf(props)) {
    props = setNode(props, textNode('Calendar:OrganizerEmail', ctx.account.address));
    if (ctx.account.displayName) props = setNode(props, textNode('Calendar:OrganizerName', ctx.account.displayName));
  }
  if (meetingStatusOf(props) === 0) props = setNode(props, textNode('Calendar:MeetingStatus', 1));
  if (sequence > 0 || textOfNode(props, SEQUENCE_TAG) !== undefined) props = setNode(props, textNode(SEQUENCE_TAG, sequence));
  if (JSON.stringify(props) === before) return;
  const data: DocData = { v: 1, props };
  await ctx.deps.store.replaceDoc(ctx.account.id, item.id, { data, uid: item.uid, windowAt: item.receivedAt }, ctx.device.id);
}

interface Outgoing {
  method: 'REQUEST' | 'CANCEL';
  to: Person[];
  subject: string;
  text: string;
  ical: string;
}

async function send(ctx: ApplyItemContext, uid: string, sequence: number, mails: Outgoing[], now: Date): Promise<void> {
  for (const m of mails) {
    if (m.to.length === 0) continue;
    const raw = await composeMeetingMail({ from: ctx.account, to: m.to, subject: m.subject, text: m.text, method: m.method, ical: m.ical, now });
    await sendMeetingMail(ctx.deps, ctx.account, m.to.map((p) => p.email), raw, { method: m.method, uid, sequence });
  }
}

const people = (list: readonly EasAttendee[]): Person[] => list.map((a) => ({ email: a.email, name: a.name }));

function when(e: { startTime: Date; endTime: Date; allDay: boolean }): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (e.allDay) return `${day(e.startTime)} (all day)`;
  return `${e.startTime.toISOString().replace('T', ' ').slice(0, 16)} – ${e.endTime.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

function requestText(e: EasEvent): string {
  return [`When: ${when(e)}`, e.location && `Where: ${e.location}`, e.body && `\n${e.body}`].filter(Boolean).join('\n');
}

/** After an Add, Change or occurrence change by a 16.x device: the mail the change calls for. */
async function organised(cls: ItemClass, ctx: ApplyItemContext, before: Item | null, after: DocItem, instance: { instanceId: string; deleted: boolean } | null): Promise<void> {
  await guarded(ctx, after, async () => {
    const { store } = ctx.deps;
    const afterProps = docProps(after.data);
    const beforeProps = before?.kind === 'doc' ? docProps(before.data) : null;
    const role = await roleOf(store, ctx.account, afterProps);
    // An appointment that was a meeting until its attendees were taken out still owes them a CANCEL.
    if (role === 'attendee' || (role === 'none' && (!beforeProps || await roleOf(store, ctx.account, beforeProps) !== 'organizer'))) return;
    const now = new Date();
    if (over(after, now)) return;
    const cur = await eventOf(cls, ctx, after);
    if (!cur) return;
    const prev = before ? await eventOf(cls, ctx, before) : null;
    const organizer = organizerOf(afterProps) ?? self(ctx.account);
    const nowInvited = await invited(ctx, cur.event);
    const kept = new Set(nowInvited.map((a) => key(a.email)));
    const removed = (await invited(ctx, prev?.event)).filter((a) => !kept.has(key(a.email)));
    const wasCancelled = beforeProps !== null && CANCELLED.has(meetingStatusOf(beforeProps));
    const stored = sequenceOf(afterProps);
    const next = before ? stored + 1 : stored;
    const e = cur.event;
    const seriesAllDay = e.allDay;
    let mails: Outgoing[];

    if (CANCELLED.has(meetingStatusOf(afterProps))) {
      if (wasCancelled) return;
      const to = people([...nowInvited, ...removed]);
      mails = [{ method: 'CANCEL', to, subject: `Canceled: ${e.subject}`, text: `Canceled: ${when(e)}`, ical: cancelCalendar(factsOf(e), { organizer, attendees: to, sequence: next, now, instance: null, seriesAllDay }) }];
    } else if (instance?.deleted) {
      const at = parseEasTime(instance.instanceId);
      if (!at) return;
      const facts = occurrenceFacts(prev?.event ?? e, at);
      const to = people(nowInvited);
      mails = [{ method: 'CANCEL', to, subject: `Canceled: ${facts.subject}`, text: `Canceled: ${when({ startTime: facts.start, endTime: facts.end, allDay: facts.allDay })}`, ical: cancelCalendar(facts, { organizer, attendees: to, sequence: next, now, instance: at, seriesAllDay }) }];
    } else {
      if (prev && JSON.stringify(shown(prev.event)) === JSON.stringify(shown(e))) return;
      mails = [];
      if (nowInvited.length > 0) {
        mails.push({ method: 'REQUEST', to: people(nowInvited), subject: e.subject, text: requestText(e), ical: requestCalendar(e, cur.original, { organizer, sequence: next, now }) });
      }
      if (removed.length > 0) {
        const to = people(removed);
        mails.push({ method: 'CANCEL', to, subject: `Canceled: ${e.subject}`, text: `Canceled: ${when(e)}`, ical: cancelCalendar(factsOf(e), { organizer, attendees: to, sequence: next, now, instance: null, seriesAllDay }) });
      }
    }
    if (mails.every((m) => m.to.length === 0)) return;
    await recordSent(ctx, after, next);
    await send(ctx, e.uid, next, mails, now);
  });
}

/** After a 16.x device deleted the organiser's event: CANCEL to every attendee. */
async function cancelAll(cls: ItemClass, ctx: ApplyItemContext, item: DocItem): Promise<void> {
  const props = docProps(item.data);
  if (await roleOf(ctx.deps.store, ctx.account, props) !== 'organizer' || CANCELLED.has(meetingStatusOf(props))) return;
  const now = new Date();
  if (over(item, now)) return;
  const cur = await eventOf(cls, ctx, item);
  if (!cur) return;
  const to = people(await invited(ctx, cur.event));
  if (to.length === 0) return;
  const e = cur.event;
  const sequence = sequenceOf(props) + 1;
  const organizer = organizerOf(props) ?? self(ctx.account);
  const ical = cancelCalendar(factsOf(e), { organizer, attendees: to, sequence, now, instance: null, seriesAllDay: e.allDay });
  await send(ctx, e.uid, sequence, [{ method: 'CANCEL', to, subject: `Canceled: ${e.subject}`, text: `Canceled: ${when(e)}`, ical }], now);
}
