// The delivery's `schedule` hook (plugin/types.ts Schedule, implemented here structurally): what a
// meeting message (RFC 6047 iMIP) is for each local recipient, and what it changes in their
// calendar: the message is read before the delivery, and each recipient's part is decided inside
// the delivery's one transaction (store/types.ts DeliveryPlan) and written in it.
//
//   REQUEST  (RFC 5546 3.2.2) IPM.Schedule.Meeting.Request with its MeetingRequest; the event goes
//            into the default Calendar, not yet answered (MS-ASCAL MeetingStatus 3, ResponseType
//            5, BusyStatus tentative). A later revision (SEQUENCE, then DTSTAMP: RFC 5546 2.1.5)
//            replaces it and keeps what the user set; one with RECURRENCE-ID changes that
//            occurrence only; an older or equal revision changes nothing.
//   CANCEL   (3.2.5) IPM.Schedule.Meeting.Canceled; the event, or the occurrence, gets
//            MeetingStatus 7 (cancelled, received from someone else) and BusyStatus free.
//   REPLY    (3.2.3) IPM.Schedule.Meeting.Resp.Pos/Tent/Neg by PARTSTAT; in the event the
//            account organizes, the replying attendee's AttendeeStatus (or the occurrence's).
//   others   (PUBLISH, COUNTER, …) plain mail.
//
// Calendar spam: under "sender-match" a message changes a calendar only when the party it speaks
// for (ORGANIZER of a REQUEST or CANCEL, the ATTENDEE of a REPLY) is the envelope sender or a
// From address; "all" trusts every message; "off" makes every message plain mail. Whatever the
// policy, a message never changes an event of another organizer.
//
// The event's mapping from iCalendar is the importer's (eas/classes/ical: eventFromIcal →
// eventToAppData at 16.1 → the Calendar class's toDoc), so a mailed event and an imported one
// are the same thing; like an import, the event keeps its iCalendar in x:ical (export writes it
// back) and the UID it came with.

import ICAL from 'ical.js';
import { FolderType, type Account, type DeliveryPlan, type DocInput, type DocItem, type DocWrite, type Folder, type ParsedMessage, type PlanView } from '../../store/types.js';
import { compact } from '../classes/calendar/time.js';
import { findNode, setNode, textNode, textOfNode, withoutTags, type PropNode } from '../classes/doc/nodes.js';
import { eventToAppData } from '../classes/ical/app-data-out.js';
import type { EasEvent } from '../classes/ical/event.js';
import { eventFromIcal } from '../classes/ical/from-ical.js';
import { ICAL_NODE, floatingZoneOf, splitSeries } from '../classes/ical/original.js';
import { parseComponent } from '../classes/ical/parse-entry.js';
import { dayOf, instanceOf, readTime, timeOf, type TimeValue } from '../classes/ical/times.js';
import { createZoneTable, type Zone, type ZoneTable } from '../classes/ical/zones.js';
import type { ClassRegistry, ItemClass } from '../classes/types.js';
import type { Logger } from '../log.js';
import { el, type WbxmlElement } from '../wbxml/tree.js';
import { ItipError, attendeeLines, checkedZone, readItip, sequenceOf, stampOf, type ItipMessage } from './itip.js';
import type { MeetingInfo, MeetingMethod } from './meeting.js';
import { InstanceType, MeetingMessageType, meetingRequestProps } from './meeting-request.js';
import {
  docProps,
  docWith,
  exceptionAt,
  isRecurring,
  newer,
  readState,
  revisionOf,
  stateNode,
  text,
  withAttendeeStatus,
  withException,
  type ImipState,
  type Revision,
} from './event-props.js';

export type InvitationPolicy = 'sender-match' | 'all' | 'off';

export const INVITATION_POLICIES: readonly InvitationPolicy[] = ['sender-match', 'all', 'off'];

/** What the hook is given (plugin/types.ts ScheduleInput, declared here: eas/ never imports plugin/). */
export interface PlannerInput {
  parsed: ParsedMessage;
  calendar: { method: string | null; text: string };
  envelopeFrom: string;
  recipients: readonly Account[];
}

export interface Plan {
  meeting?: MeetingInfo;
  docs?: DocWrite[];
}

/**
 * Reads the message (throws when its calendar part cannot be used as a whole); returns the plan
 * the store runs inside the delivery's transaction (store/types.ts DeliveryPlan), or null when
 * the message is plain mail for everyone.
 */
export type MeetingPlanner = (input: PlannerInput) => DeliveryPlan | null;

export interface MeetingPlannerDeps {
  classes: ClassRegistry;
  policy: InvitationPolicy;
  log: Logger;
  now?: () => Date;
}

/** VTIMEZONEs whose zone is kept (createMeetingPlanner); a zone is a few KB once expanded. */
const ZONE_CACHE_SIZE = 64;

/** MS-ASCAL 2.2.2.28 MeetingStatus. */
const MEETING_RECEIVED = 3;
const MEETING_CANCELED_RECEIVED = 7;
/** MS-ASCAL 2.2.2.38 ResponseType. */
const NOT_RESPONDED = 5;
const ANSWERED = new Set(['2', '3', '4']);
/** MS-ASCAL 2.2.2.8 BusyStatus. */
const FREE = 0;
const TENTATIVE = 1;

const MESSAGE_CLASS: Record<MeetingMethod, string> = {
  REQUEST: 'IPM.Schedule.Meeting.Request',
  CANCEL: 'IPM.Schedule.Meeting.Canceled',
  REPLY: 'IPM.Schedule.Meeting.Resp',
};
/** RFC 5546 REPLY PARTSTAT → MS-ASEMAIL 2.2.2.50 MessageClass suffix and MS-ASCAL AttendeeStatus. */
const REPLY_OF: Record<string, { suffix: string; status: number }> = {
  ACCEPTED: { suffix: '.Pos', status: 3 },
  TENTATIVE: { suffix: '.Tent', status: 2 },
  DECLINED: { suffix: '.Neg', status: 4 },
};

/** Properties of an invitation's event that are the user's, not the organizer's, once set. */
const RESPONSE_TAGS = ['Calendar:ResponseType', 'Calendar:AppointmentReplyTime', 'Calendar:BusyStatus'];
const SHAPE_TAGS = ['Calendar:StartTime', 'Calendar:EndTime', 'Calendar:AllDayEvent', 'Calendar:Recurrence'];

const CDO_BUSY: Record<string, number> = { FREE: 0, TENTATIVE: 1, BUSY: 2, OOF: 3, WORKINGELSEWHERE: 4 };

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function mapped<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw err instanceof ItipError ? err : new ItipError(`${what}: ${reasonOf(err)}`);
  }
}

function revisionOfEvent(vevent: ICAL.Component): Revision {
  return { seq: sequenceOf(vevent), stamp: stampOf(vevent) };
}

/** What one message is, worked out once for all its recipients. */
interface MessageFacts {
  itip: ItipMessage;
  /** Envelope sender and From addresses, lower case. */
  senders: ReadonlySet<string>;
  now: Date;
}

/** The series the stored event came from (its kept iCalendar), for occurrence keys and merges. */
interface StoredSeries {
  calendar: ICAL.Component;
  master: ICAL.Component;
  overrides: ICAL.Component[];
  /** The stored VTIMEZONEs and the message's. */
  zones: ZoneTable;
  start: TimeValue;
  event: EasEvent;
}

export function createMeetingPlanner(deps: MeetingPlannerDeps): MeetingPlanner {
  const { policy, log } = deps;
  const now = deps.now ?? (() => new Date());
  /**
   * The zones of the VTIMEZONEs seen lately, by their text. A zone's offsets are computed by
   * expanding its rules from their DTSTART (1601 in Outlook's) up to the event's year, which
   * ical.js keeps inside the zone: a client sends the same VTIMEZONE with every invitation, so
   * only its first one pays for it. The text is the whole definition, so a hit is the same zone,
   * and its values were checked when it was first seen (itip.ts checkedZone).
   */
  const zoneCache = new Map<string, Zone>();
  const zoneOf = (vtimezone: ICAL.Component): Zone => {
    const key = JSON.stringify(vtimezone.toJSON());
    let zone = zoneCache.get(key);
    if (zone) {
      zoneCache.delete(key);
    } else {
      zone = checkedZone(vtimezone);
      if (zoneCache.size >= ZONE_CACHE_SIZE) zoneCache.delete(zoneCache.keys().next().value!);
    }
    zoneCache.set(key, zone);
    return zone;
  };
  let calendarClass: ItemClass | null = null;
  const calendarClassOf = (): ItemClass => {
    calendarClass ??= deps.classes.forFolderType(FolderType.Calendar);
    if (!calendarClass.toDoc) throw new Error('the Calendar class cannot take documents');
    return calendarClass;
  };

  // ---- the stored side -------------------------------------------------------------------

  /** The account's live event of the message's UID, in any of its calendars (the view's document). */
  function storedEvent(view: PlanView): DocItem | null {
    const item = view.docByUid;
    if (!item) return null;
    const type = view.folders.find((f) => f.id === item.folderId)?.type;
    return type === FolderType.Calendar || type === FolderType.UserCalendar ? item : null;
  }

  /** The account's folder of a type: its system folder first, else the oldest (as Store.folderByType). */
  function folderByType(view: PlanView, type: number): Folder | undefined {
    const ofType = view.folders.filter((f) => f.type === type);
    return ofType.find((f) => f.system) ?? ofType[0];
  }

  function storedSeries(props: readonly PropNode[], m: ItipMessage): StoredSeries | null {
    const original = textOfNode(props, ICAL_NODE);
    if (!original) return null;
    try {
      const calendar = parseComponent(original);
      const { master, overrides } = splitSeries(calendar.getAllSubcomponents('vevent'));
      const own = calendar.getAllSubcomponents('vtimezone');
      const ownIds = new Set(own.map((z) => String(z.getFirstPropertyValue('tzid'))));
      const timezones = [...own, ...m.timezones.filter((z) => !ownIds.has(String(z.getFirstPropertyValue('tzid'))))];
      const zones = createZoneTable(timezones.map(zoneOf), floatingZoneOf(calendar, null));
      const { event } = eventFromIcal(master, overrides, m.uid, { zones });
      const start = { ...readTime(master, 'dtstart', zones)!, allDay: event.allDay };
      return { calendar, master, overrides, zones, start, event };
    } catch (err) {
      log.warn('meeting: the stored event\'s iCalendar cannot be read', { uid: m.uid, error: reasonOf(err) });
      return null;
    }
  }

  /**
   * The stored key (calendar/exceptions.ts) of the occurrence a RECURRENCE-ID names: its
   * original start, or its day in an all-day series.
   */
  function occurrenceKey(vevent: ICAL.Component, props: readonly PropNode[], series: Pick<StoredSeries, 'start' | 'zones'> | null, zones: ZoneTable): string {
    const prop = vevent.getFirstProperty('recurrence-id')!;
    const value = prop.getFirstValue() as ICAL.Time;
    if (series) return compact(instanceOf(prop, value, series.start, series.zones));
    const allDay = textOfNode(props, 'Calendar:AllDayEvent')?.trim() === '1';
    const at = timeOf(prop, value, zones);
    return compact(allDay || value.isDate ? dayOf(at.wall) : at.at);
  }

  // ---- the invitation's event ------------------------------------------------------------

  function intendedBusy(vevent: ICAL.Component, event: EasEvent): number {
    const intended = String(vevent.getFirstPropertyValue('x-microsoft-cdo-intendedstatus') ?? '').toUpperCase();
    return CDO_BUSY[intended] ?? event.busyStatus;
  }

  /** RSVP of the account's ATTENDEE line; when it is not listed (a list address), whether anyone is asked. */
  function responseRequested(vevent: ICAL.Component, self: string): boolean {
    const lines = attendeeLines(vevent);
    const own = lines.find((l) => l.email === self);
    const rsvp = (l: { prop: ICAL.Property }) => String(l.prop.getFirstParameter('rsvp') ?? '').toUpperCase() === 'TRUE';
    return own ? rsvp(own) : lines.some(rsvp);
  }

  function disallowCounter(vevent: ICAL.Component): boolean {
    return String(vevent.getFirstPropertyValue('x-microsoft-disallow-counter') ?? '').toUpperCase() === 'TRUE';
  }

  /**
   * The Calendar document of an invitation's event for `account`: the importer's ApplicationData
   * with the attendee's meeting state, through the class's toDoc as an import does, then the
   * event's UID, its iCalendar and scheduling state. What the user set on the stored event is
   * put back by withUserSettings.
   */
  function invitationDoc(args: {
    account: Account;
    event: EasEvent;
    vevent: ICAL.Component;
    original: string;
    state: ImipState;
    stored: DocItem | null;
  }): DocInput {
    const { account, event, vevent, stored } = args;
    const busy = intendedBusy(vevent, event);
    const appData = eventToAppData(event, '16.1', account.address);
    const children: WbxmlElement[] = [
      ...appData.children.filter((c) => c.tag !== 'Calendar:MeetingStatus' && c.tag !== 'Calendar:BusyStatus'),
      el('Calendar:BusyStatus', busy === FREE ? FREE : TENTATIVE),
      el('Calendar:MeetingStatus', MEETING_RECEIVED),
      el('Calendar:ResponseRequested', responseRequested(vevent, account.address.toLowerCase()) ? 1 : 0),
      el('Calendar:ResponseType', NOT_RESPONDED),
      el('Calendar:DisallowNewTimeProposal', disallowCounter(vevent) ? 1 : 0),
    ];
    const doc = calendarClassOf().toDoc!(el('AirSync:ApplicationData', children), { version: '16.1', account, now: now(), stored, uid: event.uid });
    let props = docProps(doc.data);
    props = setNode(props, textNode('Calendar:UID', event.uid));
    props = setNode(props, textNode(ICAL_NODE, args.original));
    props = setNode(props, stateNode(args.state));
    return { ...doc, data: { v: 1, props }, uid: event.uid };
  }

  /**
   * What an update keeps of the stored event (README "Meetings by mail"): the user's response
   * (ResponseType, AppointmentReplyTime and the BusyStatus it set) unless the meeting moved, a
   * Reminder the user changed, and the Categories the user gave it.
   */
  function withUserSettings(doc: DocInput, stored: readonly PropNode[], keepResponse: boolean): DocInput {
    let out = docProps(doc.data);
    const storedState = readState(stored);
    if (keepResponse && ANSWERED.has(textOfNode(stored, 'Calendar:ResponseType')?.trim() ?? '')) {
      for (const tag of RESPONSE_TAGS) {
        const node = findNode(stored, tag);
        out = node ? setNode(out, node) : withoutTags(out, [tag]);
      }
    }
    const storedReminder = textOfNode(stored, 'Calendar:Reminder');
    const invited = storedState?.reminder ?? null;
    if ((storedReminder === undefined ? null : Number(storedReminder)) !== invited) {
      const node = findNode(stored, 'Calendar:Reminder');
      out = node ? setNode(out, node) : withoutTags(out, ['Calendar:Reminder']);
    }
    const categories = findNode(stored, 'Calendar:Categories');
    if (categories) out = setNode(out, categories);
    return { ...doc, data: { v: 1, props: out } };
  }

  function sameShape(a: readonly PropNode[], b: readonly PropNode[]): boolean {
    return SHAPE_TAGS.every((tag) => JSON.stringify(findNode(a, tag) ?? null) === JSON.stringify(findNode(b, tag) ?? null));
  }

  /** The kept iCalendar of an event: the VCALENDAR with the time zones and the VEVENTs given. */
  function originalOf(source: ICAL.Component, timezones: readonly ICAL.Component[], vevents: readonly ICAL.Component[]): string {
    const out = new ICAL.Component('vcalendar');
    out.addPropertyWithValue('version', '2.0');
    out.addPropertyWithValue('prodid', '-//eas-push//imip//EN');
    const floating = source.getFirstPropertyValue('x-wr-timezone');
    if (floating) out.addPropertyWithValue('x-wr-timezone', String(floating));
    for (const c of [...timezones, ...vevents]) out.addSubcomponent(new ICAL.Component(c.toJSON()));
    return out.toString();
  }

  /**
   * The part's own text when it is exactly what an event keeps (time zones and this UID's
   * VEVENTs, nothing else): no need to write it again.
   */
  function wholePart(m: ItipMessage): string | null {
    return m.calendar.getAllSubcomponents().every((c) => c.name === 'vtimezone' || c.name === 'vevent') ? m.text : null;
  }

  function eventOf(what: string, master: ICAL.Component, overrides: readonly ICAL.Component[], uid: string, zones: ZoneTable): EasEvent {
    return mapped(what, () => eventFromIcal(master, overrides, uid, { zones }).event);
  }

  // ---- per method ------------------------------------------------------------------------

  function meetingInfo(m: ItipMessage, fields: Pick<MeetingInfo, 'messageClass' | 'recurrenceId' | 'sequence' | 'request' | 'calendarItemId'>): MeetingInfo {
    return { v: 1, method: m.method, uid: m.uid, organizer: m.organizer?.email ?? null, ...fields };
  }

  function trusted(f: MessageFacts, party: string | null): boolean {
    return policy === 'all' || (party !== null && f.senders.has(party));
  }

  function planRequest(f: MessageFacts, view: PlanView, series: EasEvent | null): Plan | null {
    const m = f.itip;
    const account = view.account;
    const self = account.address.toLowerCase();
    if (m.organizer!.email === self) return null; // the organizer's own copy: plain mail
    const stored = storedEvent(view);
    const storedProps = stored ? docProps(stored.data) : [];
    const sameMeeting = !stored || (textOfNode(storedProps, 'Calendar:OrganizerEmail') ?? '').trim().toLowerCase() === m.organizer!.email;
    const state = stored && sameMeeting ? readState(storedProps) : null;
    const allowed = trusted(f, m.organizer!.email) && sameMeeting;
    const target = stored && sameMeeting ? stored.folderId : folderByType(view, FolderType.Calendar)?.id;

    if (m.master && series) {
      const revision = revisionOfEvent(m.master);
      const stale = state !== null && !newer(revision, state);
      let docs: DocWrite[] | undefined;
      let type: number = stored && sameMeeting ? MeetingMessageType.InformationalUpdate : MeetingMessageType.Initial;
      if (stale) type = MeetingMessageType.Outdated;
      else if (allowed && target !== undefined) {
        const start = { ...readTime(m.master, 'dtstart', m.zones)!, allDay: series.allDay };
        const keys = m.overrides.map((o) => [occurrenceKey(o, [], { start, zones: m.zones }, m.zones), revisionOfEvent(o)] as const);
        const nextState: ImipState = { ...revision, organizer: m.organizer!.email, reminder: series.reminder, rids: Object.fromEntries(keys) };
        const previous = stored && sameMeeting ? stored : null;
        let doc = invitationDoc({
          account, event: series, vevent: m.master, stored: previous, state: nextState,
          original: wholePart(m) ?? originalOf(m.calendar, m.timezones, [m.master, ...m.overrides]),
        });
        const moved = previous !== null && !sameShape(docProps(doc.data), storedProps);
        if (previous) doc = withUserSettings(doc, storedProps, !moved);
        docs = [{ folderId: target, itemId: previous?.id ?? null, doc }];
        if (moved) type = MeetingMessageType.FullUpdate;
      }
      const request = meetingRequestProps(
        {
          event: series, uid: m.uid, instance: null, instanceType: series.recurrence ? InstanceType.Master : InstanceType.Single,
          responseRequested: responseRequested(m.master, self), disallowNewTimeProposal: disallowCounter(m.master),
          busyStatus: intendedBusy(m.master, series), messageType: type,
        },
        f.now,
      );
      return {
        meeting: meetingInfo(m, { messageClass: MESSAGE_CLASS.REQUEST, recurrenceId: null, sequence: revision.seq, request, calendarItemId: stored && sameMeeting ? stored.id : null }),
        ...(docs ? { docs } : {}),
      };
    }
    return planOccurrenceRequest(f, account, { stored: stored && sameMeeting ? stored : null, storedProps, state, allowed, target });
  }

  /** A REQUEST with RECURRENCE-ID VEVENTs only: those occurrences of the stored series change. */
  function planOccurrenceRequest(
    f: MessageFacts,
    account: Account,
    s: { stored: DocItem | null; storedProps: PropNode[]; state: ImipState | null; allowed: boolean; target: number | undefined },
  ): Plan {
    const m = f.itip;
    const self = account.address.toLowerCase();
    const first = m.overrides[0]!;
    const series = s.stored ? storedSeries(s.storedProps, m) : null;
    const key = occurrenceKey(first, s.storedProps, series, m.zones);
    const own = eventOf('VEVENT', first, [], m.uid, m.zones);
    const revision = revisionOfEvent(first);
    const stale = s.state !== null && !newer(revision, revisionOf(s.state, key));
    let type: number = s.stored ? MeetingMessageType.InformationalUpdate : MeetingMessageType.Initial;
    let docs: DocWrite[] | undefined;
    if (stale) type = MeetingMessageType.Outdated;
    else if (s.allowed && s.target !== undefined && s.stored && series && isRecurring(s.storedProps)) {
      // The series as stored, its overrides replaced by the message's, mapped again.
      const replaced = new Map(m.overrides.map((o) => [occurrenceKey(o, s.storedProps, series, m.zones), o]));
      const overrides = [...series.overrides.filter((o) => !replaced.has(occurrenceKey(o, s.storedProps, series, series.zones))), ...replaced.values()];
      const event = eventOf('VEVENT', series.master, overrides, m.uid, series.zones);
      const timezones = uniqueZones([...series.calendar.getAllSubcomponents('vtimezone'), ...m.timezones]);
      const rids = { ...(s.state?.rids ?? {}) };
      for (const [k, o] of replaced) rids[k] = revisionOfEvent(o);
      const state: ImipState = { ...(s.state ?? { ...revisionOfEvent(series.master), reminder: series.event.reminder }), organizer: m.organizer!.email, rids };
      const doc = withUserSettings(
        invitationDoc({ account, event, vevent: series.master, stored: s.stored, state, original: originalOf(series.calendar, timezones, [series.master, ...overrides]) }),
        s.storedProps,
        true,
      );
      const before = exceptionAt(s.storedProps, key);
      const after = exceptionAt(docProps(doc.data), key);
      const times = (x: PropNode | undefined) => JSON.stringify([textOfNode(x?.children, 'Calendar:StartTime'), textOfNode(x?.children, 'Calendar:EndTime')]);
      if (times(before) !== times(after)) type = MeetingMessageType.FullUpdate;
      docs = [{ folderId: s.target, itemId: s.stored.id, doc }];
    } else if (s.allowed && s.target !== undefined && !s.stored) {
      // An occurrence of a series this account does not have: an event of its own (an orphan instance).
      const state: ImipState = { ...revision, organizer: m.organizer!.email, reminder: own.reminder, rids: { [key]: revision } };
      const doc = invitationDoc({ account, event: own, vevent: first, stored: null, state, original: originalOf(m.calendar, m.timezones, [first]) });
      docs = [{ folderId: s.target, itemId: null, doc }];
    } else if (s.stored && !series) {
      log.info('meeting: occurrence update of an event without its iCalendar, calendar unchanged', { uid: m.uid, account: account.address });
    }
    const request = meetingRequestProps(
      {
        event: own, uid: m.uid, instance: new Date(parseKey(key)), instanceType: s.stored ? InstanceType.Exception : InstanceType.Orphan,
        responseRequested: responseRequested(first, self), disallowNewTimeProposal: disallowCounter(first),
        busyStatus: intendedBusy(first, own), messageType: type,
      },
      f.now,
    );
    return {
      meeting: meetingInfo(m, { messageClass: MESSAGE_CLASS.REQUEST, recurrenceId: key, sequence: revision.seq, request, calendarItemId: s.stored?.id ?? null }),
      ...(docs ? { docs } : {}),
    };
  }

  function planCancel(f: MessageFacts, view: PlanView): Plan {
    const m = f.itip;
    const vevent = m.master ?? m.overrides[0]!;
    const revision = revisionOfEvent(vevent);
    const stored = storedEvent(view);
    const storedProps = stored ? docProps(stored.data) : [];
    const organizer = m.organizer?.email ?? null;
    const sameMeeting = stored !== null && organizer !== null && (textOfNode(storedProps, 'Calendar:OrganizerEmail') ?? '').trim().toLowerCase() === organizer;
    const series = sameMeeting && !m.master ? storedSeries(storedProps, m) : null;
    const key = m.master ? null : occurrenceKey(vevent, storedProps, series, m.zones);
    const state = sameMeeting ? readState(storedProps) : null;
    const stale = state !== null && !newer(revision, revisionOf(state, key));
    let docs: DocWrite[] | undefined;
    if (stored && sameMeeting && !stale && trusted(f, organizer)) {
      let props = storedProps;
      if (key === null || !isRecurring(props)) {
        props = setNode(setNode(props, text('Calendar:MeetingStatus', MEETING_CANCELED_RECEIVED)), text('Calendar:BusyStatus', FREE));
      } else {
        props = withException(props, key, [text('Calendar:BusyStatus', FREE), text('Calendar:MeetingStatus', MEETING_CANCELED_RECEIVED)]);
      }
      if (state) props = setNode(props, stateNode(key === null ? { ...state, ...revision } : { ...state, rids: { ...state.rids, [key]: revision } }));
      docs = [{ folderId: stored.folderId, itemId: stored.id, doc: docWith(stored, props) }];
    }
    // The cancelled meeting as the message describes it, when it says enough (DTSTART) to.
    let request: PropNode[] | null = null;
    try {
      const event = eventFromIcal(vevent, [], m.uid, { zones: m.zones }).event;
      request = meetingRequestProps(
        {
          event, uid: m.uid, instance: key === null ? null : new Date(parseKey(key)),
          instanceType: key !== null ? InstanceType.Exception : event.recurrence ? InstanceType.Master : InstanceType.Single,
          responseRequested: false, disallowNewTimeProposal: disallowCounter(vevent), busyStatus: FREE, messageType: MeetingMessageType.Unspecified,
        },
        f.now,
      );
    } catch {
      request = null;
    }
    return {
      meeting: meetingInfo(m, { messageClass: MESSAGE_CLASS.CANCEL, recurrenceId: key, sequence: revision.seq, request, calendarItemId: sameMeeting ? stored!.id : null }),
      ...(docs ? { docs } : {}),
    };
  }

  function planReply(f: MessageFacts, view: PlanView): Plan | null {
    const account = view.account;
    const m = f.itip;
    const vevent = m.master ?? m.overrides[0]!;
    const lines = attendeeLines(vevent);
    // RFC 5546 3.2.3: one ATTENDEE, the one replying; with several, the one that sent it.
    const line = lines.length === 1 ? lines[0] : lines.find((l) => f.senders.has(l.email));
    const partstat = String(line?.prop.getFirstParameter('partstat') ?? '').toUpperCase();
    const reply = REPLY_OF[partstat];
    if (!line || !reply) return null;
    const revision = revisionOfEvent(vevent);
    const self = account.address.toLowerCase();
    const stored = storedEvent(view);
    const storedProps = stored ? docProps(stored.data) : [];
    const organizes = stored !== null && (textOfNode(storedProps, 'Calendar:OrganizerEmail') ?? '').trim().toLowerCase() === self;
    const series = organizes && !m.master ? storedSeries(storedProps, m) : null;
    const key = m.master ? null : occurrenceKey(vevent, storedProps, series, m.zones);
    const state = organizes ? readState(storedProps) : null;
    // A reply to an older revision than the stored one answers a meeting that changed since.
    const stale = state !== null && revision.seq < revisionOf(state, key).seq;
    let docs: DocWrite[] | undefined;
    if (stored && organizes && !stale && trusted(f, line.email)) {
      let props: PropNode[] | null = null;
      if (key === null || !isRecurring(storedProps)) {
        const attendees = withAttendeeStatus(findNode(storedProps, 'Calendar:Attendees'), line.email, reply.status);
        if (attendees) props = setNode(storedProps, attendees);
      } else {
        const own = exceptionAt(storedProps, key);
        const base = findNode(own?.children, 'Calendar:Attendees') ?? findNode(storedProps, 'Calendar:Attendees');
        const attendees = withAttendeeStatus(base, line.email, reply.status);
        if (attendees) props = withException(storedProps, key, [attendees]);
      }
      if (props) docs = [{ folderId: stored.folderId, itemId: stored.id, doc: docWith(stored, props) }];
      else log.info('meeting: reply from someone not invited, calendar unchanged', { uid: m.uid, account: account.address, attendee: line.email });
    }
    return {
      meeting: meetingInfo(m, { messageClass: MESSAGE_CLASS.REPLY + reply.suffix, recurrenceId: key, sequence: revision.seq, request: null, calendarItemId: organizes ? stored!.id : null }),
      ...(docs ? { docs } : {}),
    };
  }

  // ---- the hook --------------------------------------------------------------------------

  return (input) => {
    if (policy === 'off') return null;
    const itip = readItip(input.calendar, zoneOf);
    if (!itip) return null;
    if ((itip.method === 'REQUEST' || itip.method === 'CANCEL') && !itip.organizer) {
      throw new ItipError(`${itip.method} without ORGANIZER (RFC 5546 3.2.2, 3.2.5)`);
    }
    const senders = new Set<string>([input.envelopeFrom, ...input.parsed.summary.from.map((a) => a.address)].map((a) => a.trim().toLowerCase()).filter(Boolean));
    const f: MessageFacts = { itip, senders, now: now() };
    // The series' event (the importer's mapping), once for every recipient; a REQUEST whose
    // event cannot be mapped is not used at all.
    const series = itip.method === 'REQUEST' && itip.master ? eventOf('VEVENT', itip.master, itip.overrides, itip.uid, itip.zones) : null;
    if (itip.method === 'REQUEST' && !itip.master) eventOf('VEVENT', itip.overrides[0]!, [], itip.uid, itip.zones);
    return {
      uid: itip.uid,
      // Inside the delivery's transaction: each recipient's event as the commit sees it.
      plan: (views) => {
        const plans = new Map<number, Plan>();
        for (const view of views.values()) {
          const plan = itip.method === 'REQUEST' ? planRequest(f, view, series) : itip.method === 'CANCEL' ? planCancel(f, view) : planReply(f, view);
          if (plan) plans.set(view.account.id, plan);
        }
        return plans;
      },
    };
  };
}

function parseKey(key: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(key)!;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function uniqueZones(zones: readonly ICAL.Component[]): ICAL.Component[] {
  const seen = new Set<string>();
  return zones.filter((z) => {
    const id = String(z.getFirstPropertyValue('tzid'));
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

