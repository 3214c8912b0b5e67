// `eas-push calendar import|export` against a real store with the Calendar class: counts, UIDs,
// re-import, bad entries, the one-line errors, --folder, and export read back with ical.js:
// equal to the source where no phone changed anything (X- and ATTACH included), the phone's
// change where one did, and events made on a phone written from their EAS properties.

import test from 'ava';
import ICAL from 'ical.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { textOfNode, docProps } from '../../eas/classes/doc/nodes.js';
import { el } from '../../eas/wbxml/tree.js';
import { FolderType } from '../../store/types.js';
import { box, deviceChange, docsOf, fixture, fixturePath, run, type Box } from './harness.js';
import { runCli as mainCli } from '../helpers/cli.js';

const SERIES = fixturePath('ical/eas-push/series.ics');

/** Each VEVENT of an .ics by UID and RECURRENCE-ID, as jCal. */
function vevents(text: string): Map<string, unknown> {
  const cal = new ICAL.Component(ICAL.parse(text));
  return new Map(
    cal.getAllSubcomponents('vevent').map((v) => [`${String(v.getFirstPropertyValue('uid'))}|${v.getFirstProperty('recurrence-id')?.toICALString() ?? ''}`, v.toJSON()]),
  );
}

function vevent(text: string, uid: string): ICAL.Component {
  const found = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').find((v) => v.getFirstPropertyValue('uid') === uid && !v.hasProperty('recurrence-id'));
  if (!found) throw new Error(`no VEVENT ${uid}`);
  return found;
}


async function exported(b: Box, ...extra: string[]): Promise<string> {
  const r = await run(b, 'calendar', ['export', b.address, ...extra]);
  if (r.code !== 0) throw new Error(`export failed: ${r.stderr}`);
  return r.stdout;
}

test('import: the events with their UIDs; a second import updates instead of adding', async (t) => {
  const b = await box(t);
  const first = await run(b, 'calendar', ['import', b.address, SERIES]);
  t.is(first.code, 0);
  t.is(first.stdout, 'imported 5 events into "Calendar" of alice@example.com: 5 added, 0 updated, 0 unchanged\n');
  t.regex(first.stderr, /^series\.ics line 79: warning: RRULE:FREQ=HOURLY;COUNT=4;INTERVAL=2 \(FREQ=HOURLY has no EAS equivalent\): EAS cannot express it/);
  const store = b.store();
  const docs = await docsOf(store, await b.account(store), FolderType.Calendar);
  const uids = ['standup-series@example.com', 'patch-tuesday@example.com', 'anniversary@example.com', 'hourly@example.com', 'trip@example.com'];
  t.deepEqual(docs.map((d) => d.uid), uids);
  t.deepEqual(docs.map((d) => textOfNode(docProps(d.data), 'Calendar:UID')), uids, 'devices see the file\'s UIDs');

  const again = await run(b, 'calendar', ['import', b.address, SERIES]);
  t.is(again.stdout, 'imported 5 events into "Calendar" of alice@example.com: 0 added, 0 updated, 5 unchanged\n');
  t.is((await docsOf(store, await b.account(store), FolderType.Calendar)).length, 5);

  // The same event changed in the file: updated in place.
  const changed = join(b.dir, 'changed.ics');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(changed, fixture('ical/eas-push/series.ics').replace('SUMMARY:Patch Tuesday', 'SUMMARY:Patch Tuesday (changed)'));
  const third = await run(b, 'calendar', ['import', b.address, changed]);
  t.is(third.stdout, 'imported 5 events into "Calendar" of alice@example.com: 0 added, 1 updated, 4 unchanged\n');
  const patch = (await docsOf(store, await b.account(store), FolderType.Calendar)).find((d) => d.uid === 'patch-tuesday@example.com')!;
  t.is(patch.id, docs[1]!.id);
  t.is(textOfNode(docProps(patch.data), 'Calendar:Subject'), 'Patch Tuesday (changed)');
});

test('import: bad entries reported with line and reason, the good ones written, exit code 1', async (t) => {
  const b = await box(t);
  const r = await run(b, 'calendar', ['import', b.address, fixturePath('ical/eas-push/mixed-broken.ics')]);
  t.is(r.code, 1);
  t.is(r.stdout, 'imported 2 events into "Calendar" of alice@example.com: 2 added, 0 updated, 0 unchanged; 2 refused (see above)\n');
  const lines = r.stderr.trimEnd().split('\n');
  t.is(lines.length, 3);
  t.regex(lines[0]!, /^mixed-broken\.ics line 11: refused: VEVENT: DTSTART: invalid value \(/);
  t.is(lines[1], 'mixed-broken.ics line 17: skipped: VTODO is not imported (only VEVENT)');
  t.is(lines[2], 'mixed-broken.ics line 28: refused: VEVENT: BEGIN:VEVENT has no END:VEVENT');
  const store = b.store();
  t.deepEqual((await docsOf(store, await b.account(store), FolderType.Calendar)).map((d) => d.uid), ['good-one@example.com', 'good-two@example.com']);
});

test('every fixture imports; imported twice, nothing is added the second time', async (t) => {
  // (only_dtstart_date.ics is left out: it shares its UID with duration_instead_of_dtend.ics.)
  const b = await box(t);
  const files = [
    'icaljs/blank_description.ics', 'icaljs/daily_recur.ics', 'icaljs/day_long_recur_yearly.ics', 'icaljs/duration_instead_of_dtend.ics',
    'icaljs/forced_types.ics', 'icaljs/google_birthday.ics', 'icaljs/rdate_exdate.ics',
    'python-icalendar/alarm_etar_future.ics', 'python-icalendar/alarm_thunderbird_future.ics', 'python-icalendar/issue_1231_recurrence.ics',
    'python-icalendar/issue_722_missing_timezones.ics', 'python-icalendar/issue_836_do_not_quote_tzid.ics', 'python-icalendar/parsing_error.ics',
    'python-icalendar/timezone_same_start.ics', 'python-icalendar/x_location.ics', 'thunderbird/event.ics', 'thunderbird/import.ics',
  ];
  for (const f of files) await run(b, 'calendar', ['import', b.address, fixturePath(`ical/${f}`)]);
  const store = b.store();
  const count = (await docsOf(store, await b.account(store), FolderType.Calendar)).length;
  t.is(count, 23);
  for (const f of files) {
    const r = await run(b, 'calendar', ['import', b.address, fixturePath(`ical/${f}`)]);
    t.regex(r.stdout, /: 0 added, 0 updated, \d+ unchanged/, f);
  }
  t.is((await docsOf(store, await b.account(store), FolderType.Calendar)).length, count);
  // Same text in Latin-1 and UTF-8: the same events.
  t.regex((await run(b, 'calendar', ['import', b.address, fixturePath('ical/thunderbird/importLatin1.ics')])).stdout, /: 0 added, 0 updated, 4 unchanged/);
});

test('a file that cannot be read at all: one line, exit 1, nothing written', async (t) => {
  const b = await box(t);
  const d = ['--data-dir', b.dir];
  const cases: [string[], number, string][] = [
    [['calendar', 'import', b.address, fixturePath('ical/eas-push/not-a-calendar.ics'), ...d], 1, 'eas-push: not-a-calendar.ics: not an iCalendar file: no BEGIN:VCALENDAR; nothing imported\n'],
    [['calendar', 'import', b.address, join(b.dir, 'missing.ics'), ...d], 1, `eas-push: cannot read ${join(b.dir, 'missing.ics')}: no such file or directory\n`],
    [['calendar', 'import', 'nobody@example.com', SERIES, ...d], 1, 'eas-push: no account nobody@example.com (see eas-push user list)\n'],
    [['calendar', 'import', b.address, SERIES, '--folder', 'Nope', ...d], 1, 'eas-push: no calendar folder "Nope" for alice@example.com (its calendar folders: Calendar)\n'],
    [['calendar', 'import', b.address, ...d], 2, 'eas-push: usage: eas-push calendar import ADDRESS FILE.ics [--folder NAME] [--time-zone ZONE]\n'],
    [['calendar', 'import', b.address, SERIES, '--time-zone', 'Mars/Olympus', ...d], 2, 'eas-push: invalid value for --time-zone: "Mars/Olympus" (expected an IANA time zone such as Europe/Berlin)\n'],
    [['calendar', 'frob', ...d], 2, 'eas-push: unknown command "calendar frob" (see eas-push calendar --help)\n'],
  ];
  for (const [args, code, stderr] of cases) {
    const r = await mainCli(args);
    t.is(r.code, code, args.join(' '));
    t.is(r.stderr, stderr, args.join(' '));
    t.is(r.stdout, '', args.join(' '));
  }
  const store = b.store();
  t.is((await docsOf(store, await b.account(store), FolderType.Calendar)).length, 0);
  t.regex((await mainCli(['calendar', 'export', '--help'])).stdout, /^Usage: eas-push calendar export ADDRESS \[--folder NAME\] \[--out FILE\]/);
  t.is((await mainCli(['calendar'])).code, 2);
});

test('--folder: a calendar folder of the account by name; export of it', async (t) => {
  const b = await box(t);
  const store = b.store();
  const account = await b.account(store);
  const work = await store.createFolder(account.id, null, 'Work', FolderType.UserCalendar, null);
  await store.createFolder(account.id, null, 'Work notes', FolderType.UserNotes, null);
  const r = await run(b, 'calendar', ['import', b.address, fixturePath('ical/thunderbird/event.ics'), '--folder', 'work']);
  t.is(r.stdout, 'imported 1 event into "Work" of alice@example.com: 1 added, 0 updated, 0 unchanged\n');
  t.is((await store.listItems(account.id, work.id)).length, 1);
  t.is((await docsOf(store, account, FolderType.Calendar)).length, 0);
  const out = join(b.dir, 'work.ics');
  const e = await run(b, 'calendar', ['export', b.address, '--folder', 'Work', '--out', out]);
  t.is(e.stdout, `exported 1 event of "Work" of alice@example.com to ${out}\n`);
  t.is(vevents(readFileSync(out, 'utf8')).size, 1);
});

test('export of what no phone changed: every VEVENT equal to the source, X- and ATTACH included', async (t) => {
  const b = await box(t);
  const files = ['eas-push/series.ics', 'icaljs/daily_recur.ics', 'icaljs/day_long_recur_yearly.ics', 'icaljs/google_birthday.ics', 'icaljs/rdate_exdate.ics', 'python-icalendar/x_location.ics', 'python-icalendar/alarm_etar_future.ics', 'python-icalendar/timezone_same_start.ics', 'python-icalendar/issue_836_do_not_quote_tzid.ics'];
  const source = new Map<string, unknown>();
  for (const f of files) {
    await run(b, 'calendar', ['import', b.address, fixturePath(`ical/${f}`)]);
    for (const [k, v] of vevents(fixture(`ical/${f}`))) source.set(k, v);
  }
  const text = await exported(b);
  const out = vevents(text);
  t.deepEqual([...out.keys()].sort(), [...source.keys()].sort());
  for (const [key, jcal] of source) t.deepEqual(out.get(key), jcal, key);
  const standup = vevent(text, 'standup-series@example.com');
  t.is(standup.getFirstPropertyValue('x-eas-push-test'), 'kept as it was');
  t.is(standup.getFirstPropertyValue('attach'), 'https://files.example.com/agenda.txt');
  t.is(vevent(text, 'hourly@example.com').getFirstPropertyValue('rrule')?.toString(), 'FREQ=HOURLY;COUNT=4;INTERVAL=2', 'the rule EAS could not carry');
  // The VTIMEZONEs the events name, once each.
  const tzids = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'));
  t.deepEqual([...tzids].sort(), ['America/Los_Angeles', 'Eastern Standard Time', 'Europe/London', 'Europe/Zurich', 'GMT +0100 (Standard) / GMT +0200 (Daylight)', 'Pacific Standard Time']);
});

test('export after a phone changed an event: its change, and everything it never saw', async (t) => {
  const b = await box(t);
  await run(b, 'calendar', ['import', b.address, SERIES]);
  const store = b.store();
  const account = await b.account(store);
  const item = (await docsOf(store, account, FolderType.Calendar)).find((d) => d.uid === 'standup-series@example.com')!;
  // A 16.1 phone renames the series and sets a 5-minute reminder (absent properties are unchanged at 16.x).
  t.is(await deviceChange(store, account, b.classes, item, el('AirSync:ApplicationData', [el('Calendar:Subject', 'Team stand-up'), el('Calendar:Reminder', 5)]), '16.1'), 1);
  // Then deletes the occurrence of 12 June (by InstanceId, as 16.x does).
  const again = (await store.getItem(account.id, item.id))!;
  if (again.kind !== 'doc') throw new Error('not a doc');
  t.is(await deviceChange(store, account, b.classes, again, el('AirSync:ApplicationData', [el('AirSyncBase:InstanceId', '20240612T073000Z'), el('Calendar:Deleted', 1)]), '16.1'), 1);

  const text = await exported(b);
  const v = vevent(text, 'standup-series@example.com');
  t.is(v.getFirstPropertyValue('summary'), 'Team stand-up');
  const display = v.getAllSubcomponents('valarm').find((a) => a.getFirstPropertyValue('action') === 'DISPLAY')!;
  t.is(display.getFirstPropertyValue('trigger')?.toString(), '-PT5M');
  const email = v.getAllSubcomponents('valarm').find((a) => a.getFirstPropertyValue('action') === 'EMAIL')!;
  t.is(email.getFirstPropertyValue('trigger')?.toString(), '-PT1H', 'the alarm EAS never carried is untouched');
  t.is(v.getFirstPropertyValue('x-eas-push-test'), 'kept as it was');
  t.is(v.getFirstPropertyValue('attach'), 'https://files.example.com/agenda.txt');
  t.is(v.getFirstProperty('dtstart')!.toICALString(), 'DTSTART;TZID=GMT +0100 (Standard) / GMT +0200 (Daylight):20240603T093000');
  t.deepEqual(
    v.getAllProperties('exdate').flatMap((p) => p.getValues().map(String)),
    ['2024-06-05T09:30:00', '2024-06-12T09:30:00'],
  );
  const moved = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').find((x) => x.hasProperty('recurrence-id'))!;
  t.is(moved.getFirstPropertyValue('summary'), 'Stand-up (moved)');
  t.is(moved.getFirstPropertyValue('x-override-note'), 'only in the override');
});

test('export of an event a phone created: written from its EAS properties, with a VTIMEZONE from its blob', async (t) => {
  const b = await box(t);
  const store = b.store();
  const account = await b.account(store);
  const folder = (await store.folderByType(account.id, FolderType.Calendar))!;
  const device = await store.touchDevice(account.id, 'PHONE', { deviceType: 'TestPhone', userAgent: null, protocolVersion: '14.1' });
  const { encodeTimeZoneBlob, timeZoneFromIana } = await import('../../eas/classes/calendar/timezone.js');
  const { testDeps } = await import('../helpers/command-context.js');
  const added = await b.classes.forFolderType(FolderType.Calendar)!.add(
    { deps: testDeps(store, { classes: b.classes }), account, device, folder, version: '14.1', supported: null },
    el('AirSync:ApplicationData', [
      el('Calendar:Timezone', encodeTimeZoneBlob(timeZoneFromIana('Europe/Paris', 2024))),
      el('Calendar:StartTime', '20240301T090000Z'),
      el('Calendar:EndTime', '20240301T100000Z'),
      el('Calendar:Subject', 'Made on the phone'),
      el('Calendar:UID', 'phone-made@example.com'),
      el('Calendar:Reminder', 10),
      el('Calendar:Recurrence', [el('Calendar:Type', 1), el('Calendar:DayOfWeek', 32), el('Calendar:Occurrences', 3)]),
    ]),
  );
  t.is(added.status, 1);
  const text = await exported(b);
  const cal = new ICAL.Component(ICAL.parse(text));
  const v = vevent(text, 'phone-made@example.com');
  t.is(v.getFirstPropertyValue('summary'), 'Made on the phone');
  t.is(v.getFirstProperty('dtstart')!.toICALString(), 'DTSTART;TZID=Europe/Paris:20240301T100000');
  t.is(v.getFirstPropertyValue('rrule')?.toString(), 'FREQ=WEEKLY;COUNT=3;BYDAY=FR');
  t.is(v.getFirstSubcomponent('valarm')?.getFirstPropertyValue('trigger')?.toString(), '-PT10M');
  const vtz = cal.getAllSubcomponents('vtimezone').find((z) => z.getFirstPropertyValue('tzid') === 'Europe/Paris')!;
  // ical.js reads the event back through that VTIMEZONE: the same instant.
  const start = v.getFirstPropertyValue('dtstart') as ICAL.Time;
  start.zone = new ICAL.Timezone({ component: vtz, tzid: 'Europe/Paris' });
  t.is(start.toJSDate().toISOString(), '2024-03-01T09:00:00.000Z');
});
