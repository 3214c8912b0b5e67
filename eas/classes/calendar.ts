// The Calendar class (MS-ASCAL) at protocol versions 2.5, 12.x, 14.x, 16.0 and 16.1: the
// DocClassSpec the document factory turns into an ItemClass. Each job is in calendar/:
//   props-in.ts / props-out.ts  a client's properties ↔ the stored, version-neutral form
//   merge.ts / complete.ts      Change ghosting and 16.x instance changes; the whole-item rules
//   all-day.ts, location.ts, recurrence.ts, exceptions.ts, zone.ts, versions.ts, uid.ts
//   window.ts                   the FilterType window (end of the last occurrence)
//
// The stored form (data.props, docs/classes.md): the client's properties under MS-ASWBXML
// names, with these choices so that every version can be served from one copy:
//   - Calendar:Timezone: the blob as sent; x:zone beside it (a private node, never sent): the
//     IANA zone derived from it. A Change without a Timezone keeps the stored one.
//   - StartTime/EndTime: Compact DateTime; for an all-day event the days, as 16.x has them
//     (yyyymmddT000000Z), from which older versions get local midnights in the blob's zone.
//   - AirSyncBase:Location: the container; older versions get its DisplayName.
//   - Exception keys: Calendar:ExceptionStartTime with the occurrence's start (its day for an
//     all-day series); 16.x clients see it as AirSyncBase:InstanceId.
//   - Calendar:UID: the client's below 16.0, else one the server made (uid.ts).

import { FolderType, type Account } from '../../store/types.js';
import { atLeast, type ProtocolVersion } from '../protocol.js';
import { DocConversionError, createDocClass, type DocClassSpec, type DocInContext } from './doc/doc-class.js';
import { BODY_TAG } from './doc/body.js';
import { findNode, textOfNode, type PropNode } from './doc/nodes.js';
import type { ItemClass } from './types.js';
import { completeCalendar } from './calendar/complete.js';
import { INSTANCE_TAG, sentKey, storedException, storedExceptions, keyOf } from './calendar/exceptions.js';
import { BASE_LOCATION, CAL_LOCATION } from './calendar/location.js';
import { INSTANCE_CHANGE_TAG, mergeCalendar } from './calendar/merge.js';
import { keyFromClient, propsFromClient, type InScope } from './calendar/props-in.js';
import { propsToClient } from './calendar/props-out.js';
import { compact, parseEasTime } from './calendar/time.js';
import { encodeTimeZoneBlob, TimeZoneError, timeZoneFromIana } from './calendar/timezone.js';
import { instanceChangeData, instanceDeleteData } from './calendar/instance.js';
import { calendarWindowAt, calendarWindowSince } from './calendar/window.js';
import { blobOf, blobZone, knownZone, TIMEZONE_TAG, type EventZone } from './calendar/zone.js';
import { withOrganizerMail } from '../meetings/organizer.js';

export interface CalendarClassOptions {
  /**
   * The account's own time zone (IANA), when it has one: used for all-day events that came
   * without a Timezone (16.x clients send none) when an older client must be sent local
   * midnights, and to prefer one IANA zone among those with the blob's rules. Default: none (UTC).
   */
  preferredZone?: (account: Account) => string | null;
}

const isOn = (props: readonly PropNode[] | undefined, tag: string) => textOfNode(props, tag)?.trim() === '1';

export function calendarSpec(options: CalendarClassOptions = {}): DocClassSpec {
  const preferred = (account: Account) => knownZone(options.preferredZone?.(account));

  /** The zone the client meant: the blob it sent, else the stored one's, else preferred/UTC. */
  function clientZone(sent: readonly PropNode[], stored: readonly PropNode[], account: Account): EventZone {
    const sentZone = findNode(sent, TIMEZONE_TAG);
    if (!sentZone?.text?.trim()) return blobZone(stored, preferred(account));
    try {
      return { kind: 'blob', tz: blobOf([sentZone])! };
    } catch (err) {
      if (err instanceof TimeZoneError) throw new DocConversionError(`Timezone: ${err.message} (MS-ASDTYPE 2.7.6)`);
      throw err;
    }
  }

  function fromClient(sent: PropNode[], ctx: DocInContext): PropNode[] {
    const stored = ctx.stored ?? [];
    const zone = clientZone(sent, stored, ctx.account);
    const storedAllDay = isOn(stored, 'Calendar:AllDayEvent');
    const base: Omit<InScope, 'scope' | 'allDay' | 'seriesAllDay' | 'stored'> = { version: ctx.version, zone, storedExceptions: storedExceptions(stored) };
    const instance = findNode(sent, INSTANCE_TAG);
    if (instance && ctx.stored && atLeast(ctx.version, '16.0')) {
      // MS-ASAIRS 2.2.2.25: this Change is about one occurrence; its properties are the exception's.
      const key = keyFromClient(sentKey([instance]), { version: ctx.version, seriesAllDay: storedAllDay, zone });
      const storedOne = base.storedExceptions.find((e) => keyOf(e) === compact(key))?.children ?? [];
      const own = textOfNode(sent, 'Calendar:AllDayEvent') ?? textOfNode(storedOne, 'Calendar:AllDayEvent');
      const props = propsFromClient(
        sent.filter((n) => n !== instance),
        { ...base, scope: 'exception', seriesAllDay: storedAllDay, allDay: own !== undefined ? own.trim() === '1' : storedAllDay, stored: storedOne },
      );
      return [{ tag: INSTANCE_CHANGE_TAG, children: [storedException(key, props)] }];
    }
    const sentAllDay = textOfNode(sent, 'Calendar:AllDayEvent');
    const allDay = sentAllDay !== undefined ? sentAllDay.trim() === '1' : storedAllDay;
    return propsFromClient(
      sent.filter((n) => n.tag !== INSTANCE_TAG),
      { ...base, scope: 'item', allDay, seriesAllDay: allDay, stored },
    );
  }

  function toClient(props: readonly PropNode[], ctx: { version: ProtocolVersion; account: Account }): PropNode[] {
    const allDay = isOn(props, 'Calendar:AllDayEvent');
    const zone = blobZone(props, preferred(ctx.account));
    const out = propsToClient(props, { version: ctx.version, scope: 'item', allDay, seriesAllDay: allDay, zone });
    if (allDay && !atLeast(ctx.version, '16.0') && !findNode(props, TIMEZONE_TAG)) {
      // Below 16.0 an all-day event's midnights are instants of a zone: the client needs it.
      const year = parseEasTime(textOfNode(props, 'Calendar:StartTime'))?.getUTCFullYear() ?? new Date().getUTCFullYear();
      const iana = zone.kind === 'iana' ? zone.iana : 'UTC';
      return [{ tag: TIMEZONE_TAG, text: encodeTimeZoneBlob(timeZoneFromIana(iana, year)) }, ...out];
    }
    return out;
  }

  return {
    name: 'Calendar',
    folderTypes: [FolderType.Calendar, FolderType.UserCalendar],
    minVersion: '2.5',
    // MS-ASCAL 2.2.2.7.2 Calendar:Body, 2.2.2.8 BodyTruncated (no BodySize) and Rtf at 2.5.
    body25: { ns: 'Calendar', bodySize: false },
    windowSince: calendarWindowSince,
    fromClient,
    // Supported names the client's own tags; the stored forms of Location and 2.5's Body differ.
    storedTag: (tag) => (tag === CAL_LOCATION ? BASE_LOCATION : tag === 'Calendar:Body' ? BODY_TAG : tag),
    complete: (props, ctx) => completeCalendar(props, ctx, preferred(ctx.account)),
    // MS-ASCMD 2.2.3.168 Supported below 16.0; at 16.x MS-ASCAL: an absent property is unchanged.
    ghosting: (version) => (atLeast(version, '16.0') ? 'unchanged' : 'supported'),
    merge: mergeCalendar,
    toClient,
    windowAt: (props, ctx) => calendarWindowAt(props, preferred(ctx.account)),
    uid: (props) => textOfNode(props, 'Calendar:UID')?.trim() || null,
  };
}

/**
 * The Calendar class. At 16.x the server sends the organiser's meeting mail (REQUEST, CANCEL)
 * after a device's Add, Change or Delete of a meeting the account organises: eas/meetings/organizer.ts.
 */
export function createCalendarClass(options: CalendarClassOptions = {}): ItemClass {
  const docClass = createDocClass(calendarSpec(options));
  return withOrganizerMail({
    ...docClass,
    changeInstance: (ctx, item, instanceId, appData) =>
      docClass.change(ctx, item, appData ? instanceChangeData(instanceId, appData) : instanceDeleteData(instanceId)),
  });
}
