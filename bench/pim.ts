// Benchmark (not a test): a phone's first full Sync of a Contacts folder of 5,000 contacts and
// of a Calendar of 2,000 events, 200 of them weekly series with a deleted and a moved
// occurrence, as a separate `eas-push serve` process answers it. Goal: each under 1.5 s.
//
//   npm run bench -- pim [--contacts 5000] [--events 2000] [--recurring 200] [--runs 1]
//
// The folders are filled before the server starts through the item classes' own path for
// writers that are not a device (ItemClass.toDoc, then one upsertDocs): what an import does.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databasePath } from '../bin/data-dir.js';
import { encodeTimeZoneBlob, timeZoneFromIana } from '../eas/classes/calendar/timezone.js';
import { createItemClasses } from '../eas/classes/index.js';
import type { ProtocolVersion } from '../eas/protocol.js';
import { el, type WbxmlElement } from '../eas/wbxml/tree.js';
import { openStore, FolderType, type Account, type DocInput, type Store } from '../store/index.js';
import { cpuMs, machine, numberOptions, printTable } from './bench-util.js';
import { BenchEasClient } from './eas-client.js';
import { folderSyncCells, syncFolderFromZero } from './folder-sync.js';
import { startServer } from './push-server.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USER = 'phone@bench.test';
const PASSWORD = 'bench-password';
const WINDOW_SIZE = 100;
const VERSION: ProtocolVersion = '14.1';

/** MS-ASCAL Compact DateTime. */
function compact(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function contact(i: number): WbxmlElement[] {
  return [
    el('Contacts:FirstName', `First${i}`),
    el('Contacts:LastName', `Last${i}`),
    el('Contacts:FileAs', `Last${i}, First${i}`),
    el('Contacts:Email1Address', `"First${i} Last${i}" <person${i}@example.com>`),
    el('Contacts:MobilePhoneNumber', `+49 170 ${String(1_000_000 + i)}`),
    el('Contacts:CompanyName', `Company ${i % 97}`),
    el('Contacts:BusinessAddressCity', 'Berlin'),
    el('Contacts:Birthday', `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}T00:00:00.000Z`),
    el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', `Met at conference ${i}.`)]),
  ];
}

function event(i: number, recurring: boolean, timeZone: string): WbxmlElement[] {
  const hour = 3_600_000;
  const start = Date.UTC(2026, 0, 5, 9) + (i % 300) * 24 * hour + (i % 8) * hour;
  const props: (WbxmlElement | false)[] = [
    el('Calendar:Timezone', timeZone),
    el('Calendar:StartTime', compact(start)),
    el('Calendar:EndTime', compact(start + hour)),
    el('Calendar:Subject', `Meeting ${i}`),
    el('Calendar:Location', `Room ${i % 40}`),
    el('Calendar:UID', `bench-event-${i}@bench.test`),
    el('Calendar:BusyStatus', 2),
    el('Calendar:Sensitivity', 0),
    el('Calendar:MeetingStatus', 0),
    el('Calendar:Reminder', 15),
    el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', `Agenda of meeting ${i}.`)]),
    recurring &&
      el('Calendar:Recurrence', [el('Calendar:Type', 1), el('Calendar:Interval', 1), el('Calendar:DayOfWeek', 1 << new Date(start).getUTCDay()), el('Calendar:Occurrences', 30)]),
    recurring &&
      el('Calendar:Exceptions', [
        el('Calendar:Exception', [el('Calendar:Deleted', 1), el('Calendar:ExceptionStartTime', compact(start + 7 * 24 * hour))]),
        el('Calendar:Exception', [
          el('Calendar:ExceptionStartTime', compact(start + 14 * 24 * hour)),
          el('Calendar:StartTime', compact(start + 14 * 24 * hour + 2 * hour)),
          el('Calendar:EndTime', compact(start + 14 * 24 * hour + 3 * hour)),
          el('Calendar:Subject', `Meeting ${i} (moved)`),
        ]),
      ]),
  ];
  return props.filter((p): p is WbxmlElement => p !== false);
}

async function fillFolder(store: Store, account: Account, className: string, folderType: number, items: WbxmlElement[][]): Promise<void> {
  const cls = createItemClasses().byName(className);
  if (!cls?.toDoc) throw new Error(`no document class ${className}`);
  const folder = await store.folderByType(account.id, folderType);
  if (!folder) throw new Error(`no folder of type ${folderType}`);
  const now = new Date();
  const docs: DocInput[] = items.map((props) =>
    cls.toDoc!(el('AirSync:ApplicationData', props), { version: VERSION, account, now, stored: null }),
  );
  await store.upsertDocs(account.id, folder.id, docs, null);
}

interface Case {
  name: string;
  folderType: number;
  expected: number;
}

export async function run(argv: string[] = []): Promise<void> {
  const opts = numberOptions(argv, { contacts: 5000, events: 2000, recurring: 200, runs: 1 });
  console.log(
    `\npim: initial Sync of ${opts.contacts} contacts and of ${opts.events} events (${opts.recurring} weekly series with a deleted and a moved occurrence), ` +
      `WindowSize ${WINDOW_SIZE}, BodyPreference Type 1, EAS ${VERSION}, node ${process.version}, ${machine()}`,
  );
  const timeZone = encodeTimeZoneBlob(timeZoneFromIana('Europe/Berlin', 2026));
  const cases: Case[] = [
    { name: 'Contacts', folderType: FolderType.Contacts, expected: opts.contacts },
    { name: 'Calendar', folderType: FolderType.Calendar, expected: opts.events },
  ];
  const rows: string[][] = [];
  for (let r = 0; r < opts.runs; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'eas-push-bench-pim-'));
    try {
      const store = openStore(databasePath(dir));
      try {
        const account = await store.createAccount(USER, PASSWORD);
        await fillFolder(store, account, 'Contacts', FolderType.Contacts, Array.from({ length: opts.contacts }, (_, i) => contact(i)));
        await fillFolder(
          store,
          account,
          'Calendar',
          FolderType.Calendar,
          Array.from({ length: opts.events }, (_, i) => event(i, i < opts.recurring, timeZone)),
        );
      } finally {
        await store.close();
      }
      for (const c of cases) {
        const server = await startServer(ROOT, dir);
        const phone = new BenchEasClient(server.httpPort, USER, PASSWORD, `BENCH${c.name}${r}`);
        try {
          const cpu0 = cpuMs(server.pid);
          const options = el('AirSync:Options', [
            el('AirSync:FilterType', 0),
            el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 1), el('AirSyncBase:TruncationSize', 32768)]),
          ]);
          const res = await syncFolderFromZero(phone, { folderType: c.folderType, windowSize: WINDOW_SIZE, options });
          if (res.items !== c.expected) throw new Error(`${c.name}: the phone got ${res.items} items, expected ${c.expected}`);
          rows.push([c.name, ...folderSyncCells(res, cpuMs(server.pid) - cpu0)]);
        } finally {
          phone.close();
          await server.stop();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  printTable(['folder', 'items', 'requests', 'seconds', 'waiting for answers s', 'items/s', 'slowest request ms', 'WBXML MB', 'server CPU s'], rows);
}
