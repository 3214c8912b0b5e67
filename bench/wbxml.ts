// Benchmark: WBXML encode and decode throughput on a realistic Sync response — three collections,
// 100 emails with AirSyncBase HTML bodies of a few KB, plus calendar and contact changes.
// Run: npm run bench -- wbxml   (or: npx tsx bench/run.ts wbxml)

import { performance } from 'node:perf_hooks';
import { decode, el, encode, type WbxmlElement } from '../eas/wbxml/index.js';

function body(i: number): string {
  const paragraph =
    `<p>Hello team, this is message ${i}. Grüße from the quarterly planning thread — ` +
    'the numbers are in the attached sheet; please review before Thursday &amp; reply inline.</p>\n';
  return `<html><body>${paragraph.repeat(12 + (i % 24))}</body></html>`;
}

function email(i: number, withBody = true): WbxmlElement {
  const html = withBody ? body(i) : `Preview of message ${i}`;
  return el('AirSync:Add', [
    el('AirSync:ServerId', `5:${1000 + i}`),
    el('AirSync:ApplicationData', [
      el('Email:To', '"Alice Example" <alice@example.org>'),
      el('Email:From', `"Sender ${i}" <sender${i}@example.com>`),
      el('Email:Subject', `Re: Quarterly planning (${i})`),
      el('Email:DateReceived', '2024-05-01T10:15:30.000Z'),
      el('Email:DisplayTo', 'Alice Example'),
      el('Email:ThreadTopic', 'Quarterly planning'),
      el('Email:Importance', 1),
      el('Email:Read', i % 3 === 0 ? 1 : 0),
      el('AirSyncBase:Body', [
        el('AirSyncBase:Type', 2),
        el('AirSyncBase:EstimatedDataSize', Buffer.byteLength(html)),
        el('AirSyncBase:Data', html),
      ]),
      el('Email:MessageClass', 'IPM.Note'),
      el('Email:InternetCPID', 65001),
      el('Email:Flag'),
      el('Email:ContentClass', 'urn:content-classes:message'),
      el('AirSyncBase:NativeBodyType', 2),
      el('Email2:ConversationId', Buffer.from(`conv-${i % 17}`.padEnd(16, '.'))),
      el('Email2:ConversationIndex', Buffer.from([1, 2, 3, 4, 5])),
      el('Email:Categories'),
    ]),
  ]);
}

function appointment(i: number): WbxmlElement {
  return el('AirSync:Add', [
    el('AirSync:ServerId', `7:${i}`),
    el('AirSync:ApplicationData', [
      el('Calendar:Timezone', 'xP///0UAdQByAG8AcABlAC8AQgBlAHIAbABpAG4AAAAAAAAAAAAAAAAAAAAAAAAA'),
      el('Calendar:DtStamp', '20240501T101530Z'),
      el('Calendar:StartTime', '20240502T090000Z'),
      el('Calendar:EndTime', '20240502T100000Z'),
      el('Calendar:Subject', `Standup ${i}`),
      el('Calendar:UID', `0400000082${i}`.padEnd(64, '0')),
      el('Calendar:Location', 'Room 4'),
      el('AirSyncBase:Body', [el('AirSyncBase:Type', 1), el('AirSyncBase:Data', 'Agenda: status, blockers.')]),
      el('Calendar:Sensitivity', 0),
      el('Calendar:BusyStatus', 2),
      el('Calendar:AllDayEvent', 0),
      el('Calendar:MeetingStatus', 0),
    ]),
  ]);
}

function contact(i: number): WbxmlElement {
  return el('AirSync:Add', [
    el('AirSync:ServerId', `9:${i}`),
    el('AirSync:ApplicationData', [
      el('Contacts:FileAs', `Person, ${i}`),
      el('Contacts:FirstName', `First${i}`),
      el('Contacts:LastName', 'Person'),
      el('Contacts:Email1Address', `person${i}@example.net`),
      el('Contacts:MobilePhoneNumber', '+49 170 1234567'),
      el('Contacts:BusinessAddressCity', 'Berlin'),
    ]),
  ]);
}

function collection(id: string, adds: WbxmlElement[]): WbxmlElement {
  return el('AirSync:Collection', [
    el('AirSync:SyncKey', '42'),
    el('AirSync:CollectionId', id),
    el('AirSync:Status', 1),
    el('AirSync:Commands', adds),
  ]);
}

/** 100 emails with bodies (mostly text bytes), or 500 without (mostly tags: the per-element cost). */
export function syncResponse(withBodies = true): WbxmlElement {
  return el('AirSync:Sync', [
    el('AirSync:Collections', [
      collection('5', Array.from({ length: withBodies ? 100 : 500 }, (_, i) => email(i, withBodies))),
      collection('7', Array.from({ length: 25 }, (_, i) => appointment(i))),
      collection('9', Array.from({ length: 25 }, (_, i) => contact(i))),
    ]),
  ]);
}

/** Runs fn until minMs elapsed (after a warm-up) and returns MB/s for bytesPerRun. */
function throughput(fn: () => void, bytesPerRun: number, minMs = 2000): { mbPerSec: number; runs: number; msPerRun: number } {
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) fn();
  let runs = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    for (let i = 0; i < 10; i++) fn();
    runs += 10;
    now = performance.now();
  }
  const seconds = (now - start) / 1000;
  return { mbPerSec: (bytesPerRun * runs) / seconds / 1e6, runs, msPerRun: (seconds * 1000) / runs };
}

export async function run(): Promise<void> {
  measure('Sync response, 100 emails with HTML bodies + 25 appointments + 25 contacts', syncResponse(true));
  measure('Sync response, 500 emails without bodies + 25 appointments + 25 contacts', syncResponse(false));
}

function measure(label: string, tree: WbxmlElement): void {
  const bytes = encode(tree);
  const elements = count(tree);
  let sink = 0;
  const enc = throughput(() => {
    sink += encode(tree).length;
  }, bytes.length);
  const dec = throughput(() => {
    sink += decode(bytes).children.length;
  }, bytes.length);
  const fmt = (r: typeof enc) =>
    `${r.mbPerSec.toFixed(1).padStart(7)} MB/s  ${((elements / r.msPerRun) * 1000 / 1e6).toFixed(2)} M elements/s  (${r.msPerRun.toFixed(3)} ms/doc, ${r.runs} runs)`;
  console.log(`wbxml: ${label}: ${(bytes.length / 1024).toFixed(1)} KiB, ${elements} elements`);
  console.log(`  encode ${fmt(enc)}`);
  console.log(`  decode ${fmt(dec)}`);
  if (sink < 0) console.log(sink); // keeps the work observable to the optimiser
}

function count(el: WbxmlElement): number {
  let n = 1;
  for (const c of el.children) n += count(c);
  return n;
}
