// What a message's old mailbox said about it: when it arrived and whether it was read or flagged.
// Maildir keeps both in the file name ("1700000000.M1P2.host:2,FS": the delivery time in seconds,
// then the flags in ASCII order; S seen, F flagged), mbox in the From_ line's date (asctime, UTC)
// and the Status ("R" read) and X-Status ("F" flagged) headers mutt and Thunderbird write.

import { readHeaders } from '../raw-headers.js';

export interface MailState {
  read: boolean;
  flagged: boolean;
}

/** Earliest and latest believable arrival times; outside, the name is not a time. */
const EARLIEST = Date.UTC(1980, 0, 1);
const slack = 24 * 3600 * 1000;

/** The flags part of a Maildir name: after ":2," (or "!2,", ";2," on file systems without ":"). */
export function maildirFlags(name: string): MailState {
  const m = /[:;!]2,([A-Za-z]*)$/.exec(name);
  const flags = m?.[1] ?? '';
  return { read: flags.includes('S'), flagged: flags.includes('F') };
}

/** The delivery time at the head of a Maildir name, or null when the name carries none. */
export function maildirTime(name: string, now = Date.now()): Date | null {
  const m = /^(\d{9,11})[._]/.exec(name);
  if (!m) return null;
  const ms = Number(m[1]) * 1000;
  return ms >= EARLIEST && ms <= now + slack ? new Date(ms) : null;
}

/** A Maildir name for a message: time, a unique part, the host, and its flags in ASCII order. */
export function maildirName(receivedAt: Date, unique: string, state: MailState): string {
  const flags = `${state.flagged ? 'F' : ''}${state.read ? 'S' : ''}`;
  return `${Math.floor(receivedAt.getTime() / 1000)}.${unique}.eas-push:2,${flags}`;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ASCTIME = /(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(?:([+-]\d{4}|[A-Za-z]{1,5})\s+)?(\d{4})(?:\s+([+-]\d{4}))?/;

/** The date of an mbox From_ line ("From a@b Thu Jan  4 10:00:00 2024"), UTC unless it names an offset. */
export function fromLineTime(fromLine: string, now = Date.now()): Date | null {
  const m = ASCTIME.exec(fromLine.slice(5));
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!.toLowerCase());
  if (month < 0) return null;
  let ms = Date.UTC(Number(m[7]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0));
  const offset = [m[6], m[8]].find((o) => o && /^[+-]\d{4}$/.test(o));
  if (offset) {
    const sign = offset[0] === '-' ? -1 : 1;
    ms -= sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5))) * 60_000;
  }
  return ms >= EARLIEST && ms <= now + slack ? new Date(ms) : null;
}

/** Read and flagged from the Status and X-Status headers of an mbox message. */
export function mboxState(raw: Buffer): MailState {
  const headers = readHeaders(raw);
  const status = (headers.get('status') ?? []).join('');
  const xStatus = (headers.get('x-status') ?? []).join('');
  return { read: status.includes('R'), flagged: xStatus.includes('F') };
}
