// The delivery side of meeting mail, below SMTP: plugin/parse.ts finds the calendar part (inline
// or attached, with its method, through the worker pool too), and plugin/deliver.ts puts each
// recipient's plan on its copy, in the one transaction; a plan that fails, or whose calendar
// write fails, leaves plain mail, never a lost message.

import test, { type ExecutionContext } from 'ava';
import { createLocalDelivery } from '../../plugin/deliver.js';
import { parseMessage } from '../../plugin/parse.js';
import { createParsePool } from '../../plugin/parse-pool.js';
import type { Schedule, ScheduleInput } from '../../plugin/types.js';
import { FolderType, type DocInput, type PlanView } from '../../store/types.js';
import { tempStore } from '../store/helpers.js';
import { fixture, type LogLine } from './helpers.js';

test('the calendar part: inline in multipart/alternative, base64, quoted-printable UTF-8, attached; its method; the first one', async (t) => {
  const single = (await parseMessage(fixture('single-event.eml'))).calendar;
  t.is(single?.method, 'REQUEST');
  t.regex(single!.text, /^BEGIN:VCALENDAR\r?\n/);
  t.regex(single!.text, /ORGANIZER;CN=Sender;\r?\n EMAIL=sender@example\.com:mailto:sender@example\.com/, 'quoted-printable undone');

  const outlook = (await parseMessage(fixture('outlook-test-invite.eml'))).calendar;
  t.is(outlook?.method, 'REQUEST');
  t.regex(outlook!.text, /TZID:FLE Standard Time/, 'base64 undone');

  const google = (await parseMessage(fixture('meet-meeting-invite.eml'))).calendar;
  t.regex(google!.text, /Ändra inte/, 'UTF-8 by its charset');
  t.notRegex(google!.text, /invite\.ics/);

  const apple = (await parseMessage(fixture('apple-series-override.eml'))).calendar;
  t.is(apple?.method, 'REQUEST', 'an attached part counts');
  t.regex(apple!.text, /LOCATION:Salle Lumière/);

  const publish = (await parseMessage(fixture('message-containing-event.eml'))).calendar;
  t.is(publish?.method, 'PUBLISH', 'TeXt/CaLeNdAr, attached');

  const webext = (await parseMessage(fixture('webext-invite.eml'))).calendar;
  t.is(webext?.method, 'REQUEST', 'the text/calendar part, not the text/plain .ics after it');

  const bare = Buffer.from('From: a@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/calendar; method=cancel; charset=utf-8\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
  t.deepEqual((await parseMessage(bare)).calendar, { method: 'CANCEL', text: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' }, 'the whole message as text/calendar; method in upper case');

  t.is((await parseMessage(fixture('../mail/plain.eml'))).calendar, null);
  t.is((await parseMessage(Buffer.from('no header block at all'))).calendar, null);
});

test('the calendar part survives the parse worker (structured clone)', async (t) => {
  const pool = createParsePool({ workers: 1, log: { info() {}, warn() {}, error() {}, debug() {} }, inlineBelow: 0 });
  t.teardown(() => pool.close());
  const raw = fixture('outlook-test-invite.eml');
  t.deepEqual((await pool.parse(raw)).calendar, (await parseMessage(raw)).calendar);
});

async function setup(t: Parameters<typeof tempStore>[0], schedule: Schedule) {
  const { store } = tempStore(t);
  const alice = await store.createAccount('alice@example.com', 'pw');
  const logs: LogLine[] = [];
  const at = (level: LogLine['level']) => (msg: string, fields: Record<string, unknown> = {}) => void logs.push({ level, msg, fields });
  const log = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
  const deliver = createLocalDelivery({ store, parse: (raw) => parseMessage(raw), log, schedule });
  const inbox = (await store.folderByType(alice.id, FolderType.Inbox))!.id;
  const calendar = (await store.folderByType(alice.id, FolderType.Calendar))!.id;
  return { store, alice, logs, deliver, inbox, calendar };
}

const envelope = { from: 'sender@example.com', to: ['alice@example.com'] };
const meta = { via: 'test' };
const event = (subject: string): DocInput => ({ data: { v: 1, props: [{ tag: 'Calendar:Subject', text: subject }] }, uid: 'u-1', windowAt: '2030-01-01T00:00:00Z' });

test('a plan is written with the message in one commit; the hook sees the part, the envelope sender and the accounts', async (t) => {
  const seen: ScheduleInput[] = [];
  const views: PlanView[] = [];
  let calendarId = 0;
  const { store, alice, deliver, inbox, calendar } = await setup(t, (input) => {
    seen.push(input);
    return {
      uid: 'u-1',
      plan: (byAccount) => {
        views.push(...byAccount.values());
        return new Map([[input.recipients[0]!.id, { meeting: { kind: 'test' }, docs: [{ folderId: calendarId, itemId: null, doc: event('Placed') }] }]]);
      },
    };
  });
  calendarId = calendar;
  const report = await deliver(envelope, fixture('single-event.eml'), meta);
  t.is(seen.length, 1);
  t.is(seen[0]!.envelopeFrom, 'sender@example.com');
  t.deepEqual(seen[0]!.recipients.map((a) => a.address), ['alice@example.com']);
  t.is(seen[0]!.calendar.method, 'REQUEST');
  // The plan ran inside the delivery, shown each recipient's account as the transaction saw it.
  t.deepEqual(views.map((v) => [v.account.address, v.docByUid, v.folders.some((f) => f.id === calendar)]), [['alice@example.com', null, true]]);
  const mail = await store.getItem(alice.id, report.items[0]!.itemId);
  t.deepEqual(mail?.kind === 'mail' && mail.meeting, { kind: 'test' });
  const doc = await store.findDocByUid(alice.id, calendar, 'u-1');
  t.is(doc?.createdModseq, mail?.createdModseq);
  t.is(await store.countItems(alice.id, inbox), 1);

  // Mail without a calendar part is never planned.
  await deliver(envelope, fixture('../mail/plain.eml'), meta);
  t.is(seen.length, 1);
});

/** The invitation was delivered as plain mail only (no meeting, nothing in the calendar), and the reason logged. */
async function deliveredAsPlainMail(t: ExecutionContext, w: Awaited<ReturnType<typeof setup>>, logged: RegExp): Promise<void> {
  const { store, alice, logs, deliver, inbox, calendar } = w;
  const report = await deliver(envelope, fixture('single-event.eml'), meta);
  t.deepEqual(report.recipients, [{ address: 'alice@example.com', delivered: true }]);
  const mail = await store.getItem(alice.id, report.items[0]!.itemId);
  t.is(mail?.kind === 'mail' ? mail.meeting : 'not mail', null);
  t.is(await store.countItems(alice.id, inbox), 1);
  t.is(await store.countItems(alice.id, calendar), 0);
  t.regex(String(logs.find((l) => l.level === 'warn')?.fields.error), logged);
}

test('a hook that throws leaves plain mail, logged', async (t) => {
  const w = await setup(t, () => {
    throw new Error('cannot plan this');
  });
  await deliveredAsPlainMail(t, w, /cannot plan this/);
});

test('a plan that throws inside the delivery leaves plain mail, logged', async (t) => {
  const w = await setup(t, () => ({
    uid: 'u-1',
    plan: () => {
      throw new Error('cannot plan this account');
    },
  }));
  await deliveredAsPlainMail(t, w, /cannot plan this account/);
});

test('a plan sees the stored document of its UID and replaces it', async (t) => {
  const { store, alice, deliver, calendar } = await setup(t, () => ({
    uid: 'u-1',
    plan: (views) => {
      const view = [...views.values()][0]!;
      const stored = view.docByUid;
      return new Map([[view.account.id, { docs: [{ folderId: calendar, itemId: stored?.id ?? null, doc: event(stored ? 'Updated' : 'Placed') }] }]]);
    },
  }));
  const imported = await store.addDoc(alice.id, calendar, event('Imported'), null);
  await deliver(envelope, fixture('single-event.eml'), meta);
  const after = await store.findDocByUid(alice.id, calendar, 'u-1');
  t.is(after?.id, imported?.id, 'the stored event was replaced, not duplicated');
  t.is(await store.countItems(alice.id, calendar), 1);
  t.deepEqual((after?.data as { props: unknown[] }).props, [{ tag: 'Calendar:Subject', text: 'Updated' }]);
});

test('a plan whose calendar write fails leaves the message delivered alone, logged', async (t) => {
  const { store, alice, logs, deliver, inbox } = await setup(t, (input) => ({
    uid: 'u-1',
    plan: () => new Map([[input.recipients[0]!.id, { meeting: { kind: 'test' }, docs: [{ folderId: 999_999, itemId: null, doc: event('Nowhere') }] }]]),
  }));
  const report = await deliver(envelope, fixture('single-event.eml'), meta);
  t.is(report.items.length, 1);
  const mail = await store.getItem(alice.id, report.items[0]!.itemId);
  t.is(mail?.kind === 'mail' ? mail.meeting : 'not mail', null, 'delivered without what the plan added');
  t.is(await store.countItems(alice.id, inbox), 1, 'once');
  t.truthy(logs.find((l) => l.msg === 'meeting: calendar write failed, delivered as plain mail'));
});
