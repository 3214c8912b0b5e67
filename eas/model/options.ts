// MS-ASCMD 2.2.3.125 Options (Sync, ItemOperations, Search), MS-ASAIRS 2.2.2.12 BodyPreference and
// 2.2.2.11 BodyPartPreference, MS-ASCMD 2.2.3.100 MIMESupport / 2.2.3.101 MIMETruncation /
// 2.2.3.185 Truncation / 2.2.3.68 FilterType: what the client asked us to send of each item.
// At protocol 2.5 (AirSyncBase does not exist, MS-ASAIRS 2.2.2) the block is FilterType, Conflict,
// Truncation, RTFTruncation, MIMESupport and MIMETruncation; RTFTruncation is kept by its meaning,
// an RTF BodyPreference (docs/sync.md §11).

import type { StoredSyncOptions } from '../../store/types.js';
import type { WbxmlElement } from '../wbxml/tree.js';
import { atLeast, type ProtocolVersion } from '../protocol.js';

export interface BodyPreference {
  type: 1 | 2 | 3 | 4;
  /** Bytes; null = the whole content. */
  truncationSize: number | null;
  allOrNone: boolean;
  /** Characters of plain-text preview wanted (0–255); null = none (always null below 14.0). */
  preview: number | null;
}

export interface ItemOptions {
  /** AirSync:FilterType 0–8 (0 = all); see filterSince(). */
  filterType: number;
  bodyPreferences: BodyPreference[];
  /** Always empty below 14.1. */
  bodyPartPreferences: BodyPreference[];
  /** 0 never MIME, 1 MIME for S/MIME items only, 2 MIME for all items. */
  mimeSupport: 0 | 1 | 2;
  /** MIMETruncation as a byte count (0 = nothing); null = not truncated. */
  mimeTruncation: number | null;
  /**
   * AirSync:Truncation (MS-ASCMD 2.2.3.185) as a count (0 = nothing); null = not truncated. The
   * table counts characters: at 2.5 (Email:Body and the classes' 2.5 Body) it is applied so; a
   * 12.x client's plain text without BodyPreference is cut at as many bytes.
   */
  truncation: number | null;
  /** AirSync:Conflict (0 client wins, 1 server wins); null when absent (the server wins, MS-ASCMD 2.2.3.34). */
  conflict: number | null;
  /** Every Class named by any of the Options blocks (Nine: "SMS" beside the mail block). */
  classes: string[];
}

/** A value out of range in Options: the caller answers with its command's Status. */
export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}

/** MS-ASCMD 2.2.3.101 MIMETruncation codes → bytes (8 = no truncation). */
const MIME_TRUNCATION_BYTES = [0, 4096, 5120, 7168, 10240, 20480, 51200, 102400] as const;
/** MS-ASCMD 2.2.3.185 Truncation codes 0–8 → the count they allow (9 = no truncation). */
const TRUNCATION_BYTES = [0, 512, 1024, 2048, 5120, 10240, 20480, 51200, 102400] as const;

/**
 * MS-ASCMD 2.2.3.185 Truncation (and 2.5's RTFTruncation, which takes the same table): a code
 * 0–9 → the count, null for 9 (no truncation) or absent. OptionsError outside 0–9.
 */
function truncationOf(block: WbxmlElement, selector: string): number | null {
  const code = intIn(block, selector, 0, 9);
  return code === undefined || code === 9 ? null : TRUNCATION_BYTES[code] ?? null;
}
const MAX_TRUNCATION_SIZE = 4_294_967_295;

/** Days back per FilterType 1–7 (MS-ASCMD 2.2.3.68.2); 0 and 8 have no date cutoff. */
// Months are rounded up (31/93/186 days) so the window never hides mail the user expects to see.
const FILTER_DAYS: Record<number, number> = { 1: 1, 2: 3, 3: 7, 4: 14, 5: 31, 6: 93, 7: 186 };

export function defaultItemOptions(): ItemOptions {
  return {
    filterType: 0,
    bodyPreferences: [],
    bodyPartPreferences: [],
    mimeSupport: 0,
    mimeTruncation: null,
    truncation: null,
    conflict: null,
    classes: [],
  };
}


/** Integer child in [min, max], or undefined when absent; OptionsError otherwise. */
function intIn(parent: WbxmlElement, selector: string, min: number, max: number): number | undefined {
  const v = parent.intOf(selector);
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new OptionsError(`${parent.name}/${selector}: "${parent.textOf(selector) ?? ''}" is not in ${min}..${max}`);
  }
  return v;
}

function parsePreference(pref: WbxmlElement, version: ProtocolVersion, previewAllowed: boolean): BodyPreference {
  const type = intIn(pref, 'AirSyncBase:Type', 1, 4);
  if (type === undefined) throw new OptionsError(`${pref.name} without Type`);
  const truncationSize = intIn(pref, 'AirSyncBase:TruncationSize', 0, MAX_TRUNCATION_SIZE) ?? null;
  const allOrNone = (intIn(pref, 'AirSyncBase:AllOrNone', 0, 1) ?? 0) === 1;
  const preview = intIn(pref, 'AirSyncBase:Preview', 0, 255);
  return {
    type: type as BodyPreference['type'],
    truncationSize,
    // MS-ASAIRS 2.2.2.3.2: AllOrNone is ignored without TruncationSize.
    allOrNone: allOrNone && truncationSize !== null,
    preview: previewAllowed && atLeast(version, '14.0') && preview !== undefined ? preview : null,
  };
}

/** The Class an Options block names, or undefined (the folder's own class). */
export function optionsClassOf(block: WbxmlElement): string | undefined {
  return block.textOf('AirSync:Class')?.trim() || undefined;
}

/** Picks the block for the class: its Class, else the first without a Class, else none. */
function classBlock(options: WbxmlElement[], className: string): WbxmlElement | undefined {
  return options.find((o) => optionsClassOf(o) === className) ?? options.find((o) => !optionsClassOf(o));
}

/**
 * MS-ASCMD 2.2.3.125.6: the blocks of a Sync collection sorted by the class they set: the
 * folder's class (`own`: a block naming it or naming none) and every other class named (Nine's
 * SMS block beside the mail one). A class without a block keeps its sticky options.
 */
export function splitOptionBlocks(blocks: WbxmlElement[], className: string): { own: WbxmlElement[]; others: Map<string, WbxmlElement> } {
  const own: WbxmlElement[] = [];
  const others = new Map<string, WbxmlElement>();
  for (const b of blocks) {
    const cls = optionsClassOf(b);
    if (cls === undefined || cls === className) own.push(b);
    else if (!others.has(cls)) others.set(cls, b);
  }
  return { own, others };
}

/** ItemOptions as the store keeps them (rows, docs/sync.md §8). */
export function toStoredOptions(className: string, o: ItemOptions): StoredSyncOptions {
  return {
    className,
    filterType: o.filterType,
    conflict: o.conflict,
    mimeSupport: o.mimeSupport,
    mimeTruncation: o.mimeTruncation,
    truncation: o.truncation,
    bodyPreferences: o.bodyPreferences.map((p) => ({ ...p })),
    bodyPartPreferences: o.bodyPartPreferences.map((p) => ({ ...p })),
  };
}

/** The store's rows back as ItemOptions; a value the parser would refuse reads as its default. */
export function fromStoredOptions(s: StoredSyncOptions): ItemOptions {
  const pref = (p: StoredSyncOptions['bodyPreferences'][number]): BodyPreference[] =>
    p.type >= 1 && p.type <= 4 ? [{ ...p, type: p.type as BodyPreference['type'] }] : [];
  return {
    filterType: s.filterType,
    bodyPreferences: s.bodyPreferences.flatMap(pref),
    bodyPartPreferences: s.bodyPartPreferences.flatMap(pref),
    mimeSupport: s.mimeSupport === 1 || s.mimeSupport === 2 ? s.mimeSupport : 0,
    mimeTruncation: s.mimeTruncation,
    truncation: s.truncation,
    conflict: s.conflict === 0 || s.conflict === 1 ? s.conflict : null,
    classes: [],
  };
}

/** The Options of one class (the item class of the collection, `className`: "Email", "Calendar"…). */
export function parseItemOptions(options: WbxmlElement[], version: ProtocolVersion, className = 'Email'): ItemOptions {
  const result = defaultItemOptions();
  for (const o of options) {
    const cls = o.textOf('AirSync:Class')?.trim();
    if (cls && !result.classes.includes(cls)) result.classes.push(cls);
  }
  const block = classBlock(options, className);
  if (!block) return result;

  result.filterType = intIn(block, 'AirSync:FilterType', 0, 8) ?? 0;
  // MS-ASCMD 2.2.3.34: 0 (client wins) or 1 (server wins); anything else is malformed.
  result.conflict = intIn(block, 'AirSync:Conflict', 0, 1) ?? null;
  result.mimeSupport = (intIn(block, 'AirSync:MIMESupport', 0, 2) ?? 0) as ItemOptions['mimeSupport'];
  const mimeTruncation = intIn(block, 'AirSync:MIMETruncation', 0, 8);
  result.mimeTruncation = mimeTruncation === undefined || mimeTruncation === 8 ? null : MIME_TRUNCATION_BYTES[mimeTruncation] ?? null;
  result.truncation = truncationOf(block, 'AirSync:Truncation');

  if (!atLeast(version, '12.0')) {
    // 2.5 has no BodyPreference. RTFTruncation says how much compressed RTF (Contacts:Rtf,
    // Calendar:Rtf, Tasks:Rtf) the client takes; cut RTF is unreadable, so it means "RTF up to
    // that size, else none": an RTF preference with AllOrNone (MS-ASAIRS 2.2.2.3.2 names exactly
    // this use), kept in the sticky rows like any preference.
    const rtf = truncationOf(block, 'AirSync:RTFTruncation');
    if (rtf !== null) result.bodyPreferences.push({ type: 3, truncationSize: rtf, allOrNone: true, preview: null });
    return result;
  }

  const seen = new Set<number>();
  for (const pref of block.all('AirSyncBase:BodyPreference')) {
    const p = parsePreference(pref, version, true);
    // MS-ASAIRS 2.2.2.12: one BodyPreference per Type; a repeat is ignored rather than refused.
    if (seen.has(p.type)) continue;
    seen.add(p.type);
    result.bodyPreferences.push(p);
  }
  if (atLeast(version, '14.1')) {
    for (const pref of block.all('AirSyncBase:BodyPartPreference')) {
      result.bodyPartPreferences.push(parsePreference(pref, version, true));
    }
  }
  return result;
}

/** FilterType → the ISO time before which mail is out of the window; null = no cutoff. */
export function filterSince(filterType: number, now: Date): string | null {
  const days = FILTER_DAYS[filterType];
  if (days === undefined) return null;
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}
