// A scheduling message as mail (RFC 6047 iMIP), composed with nodemailer: the iCalendar object
// as a text/calendar alternative with its METHOD (RFC 6047 2.4) beside a readable text part,
// From the account. Sent as the account: local recipients by local delivery (the same path as
// SMTP, so their phones are pushed and the delivery's meeting handling sees it), the others by
// the smarthost; a copy is kept in the account's Sent Items. Sending never fails the command that caused it: the event is already saved, and
// a client told "failed" would save it again. What cannot go out is logged and skipped.

import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { FolderType, type Account } from '../../store/types.js';
import type { EasDeps } from '../deps.js';
import { isSelf, type Person } from './event.js';
import type { ItipMethod } from './itip.js';

export interface MeetingMail {
  from: Account;
  to: readonly Person[];
  subject: string;
  /** The readable part; empty is allowed (MS-ASCMD 2.2.3.163: an empty SendResponse sends no body). */
  text: string;
  html?: string | null;
  method: ItipMethod;
  ical: string;
  now: Date;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1) || 'localhost';

export function composeMeetingMail(m: MeetingMail): Promise<Buffer> {
  const composer = new MailComposer({
    from: m.from.displayName ? { name: m.from.displayName, address: m.from.address } : m.from.address,
    to: m.to.map((p) => (p.name && p.name !== p.email ? { name: p.name, address: p.email } : p.email)),
    subject: m.subject,
    date: m.now,
    messageId: `<${randomUUID()}@${domainOf(m.from.address)}>`,
    text: m.text,
    ...(m.html ? { html: m.html } : {}),
    icalEvent: { method: m.method, content: m.ical },
    newline: 'win',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}

export interface SendReport {
  local: string[];
  remote: string[];
  /** Remote recipients not sent to: no smarthost, or it failed. */
  skipped: string[];
}

/**
 * Sends `raw` from the account to `recipients` (the account itself left out). Never throws:
 * failures are logged with `about` (method, UID…).
 */
export async function sendMeetingMail(deps: EasDeps, account: Account, recipients: readonly string[], raw: Buffer, about: Record<string, unknown>): Promise<SendReport> {
  const { store, log } = deps;
  const report: SendReport = { local: [], remote: [], skipped: [] };
  const seen = new Set<string>();
  for (const r of recipients) {
    const address = r.trim().toLowerCase();
    if (!address || seen.has(address) || await isSelf(store, account, address)) continue;
    seen.add(address);
    (await store.findAccount(address) ? report.local : report.remote).push(address);
  }
  const from = account.address;
  if (report.remote.length > 0) {
    if (!deps.relay) {
      log.warn('meeting: no smarthost, remote recipients not sent to', { ...about, account: from, skipped: report.remote.length });
      report.skipped.push(...report.remote);
      report.remote = [];
    } else {
      try {
        await deps.relay({ from, to: report.remote }, raw);
      } catch (err) {
        log.error('meeting: the smarthost refused the message', { ...about, account: from, error: (err as Error).message });
        report.skipped.push(...report.remote);
        report.remote = [];
      }
    }
  }
  if (report.local.length > 0) {
    try {
      await deps.deliverLocal({ from, to: report.local }, raw);
    } catch (err) {
      log.error('meeting: local delivery failed', { ...about, account: from, error: (err as Error).message });
      report.local = [];
    }
  }
  if (report.local.length + report.remote.length > 0) {
    log.info('meeting mail', { ...about, account: from, local: report.local.length, remote: report.remote.length });
    await keepSentCopy(deps, account, raw, about);
  }
  return report;
}

/**
 * What went out on the user's behalf is in their Sent Items, as if their phone had sent it
 * (Exchange keeps its meeting mail there too). Origin null, as SendMail's copy: the device that
 * caused it has no copy and gets it by Sync. A copy that cannot be saved is logged, never a failure.
 */
async function keepSentCopy(deps: EasDeps, account: Account, raw: Buffer, about: Record<string, unknown>): Promise<void> {
  try {
    const sent = await deps.store.folderByType(account.id, FolderType.SentItems);
    if (!sent) return;
    await deps.store.addItem(account.id, sent.id, raw, await deps.parse(raw), null, true);
  } catch (err) {
    deps.log.error('meeting: the Sent Items copy was not saved', { ...about, account: account.address, error: (err as Error).message });
  }
}
