// An .ics file (RFC 5545) → one import entry per event: the VEVENTs of a UID (the series and its
// RECURRENCE-ID overrides) make one EAS appointment. Each VEVENT and VTIMEZONE is parsed on its
// own, so a broken one is refused with its line and the rest imports. VTODO, VJOURNAL and
// VFREEBUSY are skipped (reported), never mixed into the calendar.

import type ICAL from 'ical.js';
import type { ProtocolVersion } from '../../protocol.js';
import { textNode } from '../doc/nodes.js';
import { eventToAppData } from './app-data-out.js';
import { splitBlocks, strayRuns, type Block, type RootBlock } from './blocks.js';
import { FileError, type EntryProblem, type ImportEntry, type ReadResult } from './entries.js';
import { eventFromIcal } from './from-ical.js';
import { ICAL_NODE, floatingZoneOf, originalText, splitSeries } from './original.js';
import { EntryError, joinLines, parseComponent } from './parse-entry.js';
import { syntheticUid } from './synthetic-uid.js';
import { createZoneTable, ianaZone, utcZone, vtimezoneZone, type Zone, type ZoneTable } from './zones.js';

export interface CalendarReadOptions {
  /** The version whose ApplicationData the entries carry (what the class's toDoc is given). */
  version: ProtocolVersion;
  /** The account's address (MeetingStatus: is the user the organizer?). */
  self: string;
  /** IANA zone for floating times and all-day events; default the file's X-WR-TIMEZONE, else UTC. */
  timeZone?: string | null;
}

interface ParsedEvent {
  block: Block;
  vevent: ICAL.Component;
}

const at = (line: number): string => `line ${line}`;
const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** One component of the file, parsed alone inside a VCALENDAR of its own. */
function parseChild(block: Block): ICAL.Component {
  if (block.broken) throw new EntryError(block.broken);
  const wrapper = parseComponent(joinLines(['BEGIN:VCALENDAR', ...block.lines, 'END:VCALENDAR']));
  const child = wrapper.getFirstSubcomponent(block.name.toLowerCase());
  if (!child) throw new EntryError(`no ${block.name} found`);
  return child;
}

function tzidsOf(component: ICAL.Component, out = new Set<string>()): Set<string> {
  for (const prop of component.getAllProperties()) {
    const tzid = prop.getFirstParameter('tzid');
    if (tzid) out.add(tzid);
  }
  for (const sub of component.getAllSubcomponents()) tzidsOf(sub, out);
  return out;
}

interface Group {
  uid: string | null;
  events: ParsedEvent[];
}

/** VEVENTs by UID (file order); a second series VEVENT for a UID is refused. */
function groupByUid(events: ParsedEvent[], refused: EntryProblem[]): Group[] {
  const groups = new Map<string, Group>();
  const out: Group[] = [];
  for (const e of events) {
    const uid = e.vevent.getFirstPropertyValue('uid');
    if (uid === null || String(uid).trim() === '') {
      out.push({ uid: null, events: [e] });
      continue;
    }
    const key = String(uid).trim();
    let group = groups.get(key);
    if (!group) {
      group = { uid: key, events: [] };
      groups.set(key, group);
      out.push(group);
    }
    const isSeries = !e.vevent.hasProperty('recurrence-id');
    const other = group.events.find((g) => !g.vevent.hasProperty('recurrence-id'));
    if (isSeries && other) {
      refused.push({ position: at(e.block.line), reason: `a second VEVENT with UID ${key} and no RECURRENCE-ID (the first is at line ${other.block.line})` });
      continue;
    }
    group.events.push(e);
  }
  return out;
}

/**
 * Overrides whose series is not in the file: each becomes an event of its own. Its UID is the
 * file's when it is the only one, else the UID with its RECURRENCE-ID (the kept original still
 * says the file's UID, which export writes back).
 */
function withoutSeries(group: Group): Group[] {
  const series = group.events.some((e) => !e.vevent.hasProperty('recurrence-id'));
  if (series || group.events.length === 1) return [group];
  return group.events.map((e) => ({ uid: `${group.uid}/${String(e.vevent.getFirstProperty('recurrence-id')!.toICALString().split(':').pop())}`, events: [e] }));
}

function readCalendar(root: RootBlock, opts: CalendarReadOptions, result: ReadResult): void {
  let floating: Zone = opts.timeZone ? ianaZone(opts.timeZone) : utcZone();
  try {
    const calendar = parseComponent(joinLines(root.ownLines));
    floating = floatingZoneOf(calendar, opts.timeZone ?? null);
  } catch (err) {
    result.refused.push({ position: at(root.line), reason: `VCALENDAR properties: ${reasonOf(err)}` });
  }

  const vtimezones = new Map<string, { zone: Zone; lines: string[] }>();
  const events: ParsedEvent[] = [];
  for (const block of root.children) {
    try {
      if (block.name === 'VTIMEZONE') {
        const zone = vtimezoneZone(parseChild(block));
        vtimezones.set(zone.tzid!, { zone, lines: block.lines });
      } else if (block.name === 'VEVENT') events.push({ block, vevent: parseChild(block) });
      else result.skipped.push({ position: at(block.line), reason: `${block.name} is not imported (only VEVENT)` });
    } catch (err) {
      result.refused.push({ position: at(block.line), reason: `${block.name}: ${reasonOf(err)}` });
    }
  }
  const zones: ZoneTable = createZoneTable([...vtimezones.values()].map((v) => v.zone), floating);

  for (const group of groupByUid(events, result.refused).flatMap(withoutSeries)) {
    const first = group.events[0]!;
    const vevents = group.events.map((e) => e.vevent);
    const { master, overrides } = splitSeries(vevents);
    const masterBlock = group.events.find((e) => e.vevent === master)!.block;
    const uid = group.uid ?? syntheticUid(first.block.lines);
    try {
      const { event, notes } = eventFromIcal(master, overrides, uid, { zones });
      const tzLines = [...tzidsOf(master), ...overrides.flatMap((o) => [...tzidsOf(o)])]
        .filter((tzid, i, all) => all.indexOf(tzid) === i)
        .map((tzid) => vtimezones.get(tzid)?.lines)
        .filter((l): l is string[] => l !== undefined);
      const entry: ImportEntry = {
        position: at(masterBlock.line),
        uid,
        appData: eventToAppData(event, opts.version, opts.self),
        privateNodes: [textNode(ICAL_NODE, originalText(floating, tzLines, group.events.map((e) => e.block.lines)))],
        setNodes: [textNode('Calendar:UID', uid)],
        notes,
      };
      result.entries.push(entry);
    } catch (err) {
      result.refused.push({ position: at(masterBlock.line), reason: `VEVENT: ${reasonOf(err)}` });
    }
  }
}

export function readCalendarFile(text: string, opts: CalendarReadOptions): ReadResult {
  const { roots, stray } = splitBlocks(text);
  const calendars = roots.filter((r) => r.name === 'VCALENDAR');
  if (calendars.length === 0) throw new FileError('not an iCalendar file: no BEGIN:VCALENDAR');
  const result: ReadResult = { entries: [], refused: [], skipped: [] };
  result.refused.push(...strayRuns(stray));
  for (const root of roots) {
    if (root.name !== 'VCALENDAR') result.refused.push({ position: at(root.line), reason: `BEGIN:${root.name} is not a calendar` });
    else readCalendar(root, opts, result);
  }
  return result;
}
