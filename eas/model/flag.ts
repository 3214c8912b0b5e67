// MS-ASEMAIL 2.2.2.36 Flag (with Tasks-namespace children, MS-ASTASK) both ways.
// An empty <Flag/> means "no flag": servers send it so a cleared flag clears on the phone,
// and clients send it to clear one.

import type { Flag } from '../../store/types.js';
import { el } from '../wbxml/tree.js';
import type { WbxmlElement } from '../wbxml/tree.js';

const DEFAULT_FLAG_TYPE = 'Follow up';

/** EAS dateTime: YYYY-MM-DDTHH:MM:SS.sssZ; undefined for anything unparsable. */
function easDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function flagElement(flag: Flag | null): WbxmlElement {
  if (!flag || flag.status === 0) return el('Email:Flag');
  const start = easDate(flag.startDate);
  const due = easDate(flag.dueDate);
  const children: (WbxmlElement | undefined)[] = [
    el('Email:Status', flag.status),
    el('Email:FlagType', flag.flagType ?? DEFAULT_FLAG_TYPE),
  ];
  // MS-ASEMAIL 2.2.2.36: StartDate/DueDate come with their Utc twins, all four or none.
  if (start && due) {
    children.push(
      el('Tasks:StartDate', start),
      el('Tasks:UtcStartDate', start),
      el('Tasks:DueDate', due),
      el('Tasks:UtcDueDate', due),
    );
  }
  if (flag.status === 1) {
    const done = easDate(flag.completeTime) ?? new Date().toISOString();
    children.push(el('Email:CompleteTime', done), el('Tasks:DateCompleted', done));
  }
  return el('Email:Flag', children);
}

/**
 * A client's Flag. Returns null for "clear", undefined when the value is unusable (the item's
 * flag is then left as it was rather than guessed).
 */
export function parseFlag(flagEl: WbxmlElement): Flag | null | undefined {
  if (flagEl.children.length === 0) return null;
  const status = flagEl.intOf('Status');
  if (status === 0) return null;
  if (status !== 1 && status !== 2) return undefined;
  const flag: Flag = { status };
  const flagType = flagEl.textOf('FlagType')?.trim();
  if (flagType) flag.flagType = flagType;
  const startDate = easDate(flagEl.textOf('Tasks:UtcStartDate') ?? flagEl.textOf('Tasks:StartDate'));
  if (startDate) flag.startDate = startDate;
  const dueDate = easDate(flagEl.textOf('Tasks:UtcDueDate') ?? flagEl.textOf('Tasks:DueDate'));
  if (dueDate) flag.dueDate = dueDate;
  const completeTime = easDate(flagEl.textOf('CompleteTime') ?? flagEl.textOf('Tasks:DateCompleted'));
  if (completeTime) flag.completeTime = completeTime;
  return flag;
}
