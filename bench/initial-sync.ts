// Benchmark (not a test): a phone's first full Sync of a 10,000-message Inbox over HTTP, as
// a separate `eas-push serve` process answers it. FolderSync, Sync SyncKey 0, then pages of
// WindowSize messages with BodyPreference Type 2 (HTML) TruncationSize 5120 until
// MoreAvailable is gone. Goal: under 3 s for all of it.
//
//   npm run bench -- initial-sync [--messages 10000] [--runs 1]
//
// The Inbox is filled before the server starts, straight through the store API with the real
// parser (delivery speed is bench/delivery.ts's business). Each WindowSize gets its own
// server, data dir and device, so no run is answered from another's state or caches.
// "seconds" is the phone's view (including decoding the answers in this process); "waiting
// for answers" sums request-sent to last-byte-received, the server's share.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databasePath } from '../bin/data-dir.js';
import { el } from '../eas/wbxml/tree.js';
import { parseMessage } from '../plugin/parse.js';
import { openStore, type ParsedMessage } from '../store/index.js';
import { cpuMs, machine, numberOptions, printTable } from './bench-util.js';
import { BenchEasClient } from './eas-client.js';
import { startServer } from './push-server.js';
import { folderSyncCells, syncFolderFromZero, type FolderSyncResult } from './folder-sync.js';
import { sampleMessage, sampleMessageId, sampleSubject } from './sample-mail.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USER = 'phone@bench.test';
const PASSWORD = 'bench-password';
const WINDOW_SIZES = [100, 512];
const INBOX_TYPE = 2;

interface Result extends FolderSyncResult {
  windowSize: number;
  serverCpuMs: number;
}

/** Distinct messages parsed for the fill; the rest reuse one of them with their own headers. */
const TEMPLATES = 100;

/**
 * Fills the Inbox through the store API. Parsing 10,000 messages would take longer than the
 * Sync being measured, so 100 are parsed and the others take one of those results with their
 * own subject, Message-ID and date (what a phone lists); the bytes kept are each its own.
 */
async function fillInbox(dir: string, messages: number): Promise<void> {
  const store = openStore(databasePath(dir));
  try {
    const account = await store.createAccount(USER, PASSWORD);
    const templates: ParsedMessage[] = [];
    for (let i = 0; i < Math.min(TEMPLATES, messages); i++) templates.push(await parseMessage(Buffer.from(sampleMessage('4k', i, USER))));
    for (let i = 0; i < messages; i++) {
      const raw = Buffer.from(sampleMessage('4k', i, USER));
      const t = templates[i % templates.length]!;
      const date = new Date(Date.parse(t.summary.date) + (i - (i % templates.length)) * 1000).toISOString();
      const parsed = { ...t, summary: { ...t.summary, subject: sampleSubject(i), messageId: sampleMessageId(i), date } };
      await store.deliver([{ accountId: account.id, raw }], parsed);
    }
  } finally {
    await store.close();
  }
}

const MAIL_OPTIONS = el('AirSync:Options', [
  el('AirSync:FilterType', 0),
  el('AirSyncBase:BodyPreference', [el('AirSyncBase:Type', 2), el('AirSyncBase:TruncationSize', 5120)]),
]);

async function measure(dir: string, windowSize: number, expected: number): Promise<Result> {
  const server = await startServer(ROOT, dir);
  const phone = new BenchEasClient(server.httpPort, USER, PASSWORD, `BENCH${windowSize}`);
  try {
    const cpu0 = cpuMs(server.pid);
    const res = await syncFolderFromZero(phone, { folderType: INBOX_TYPE, windowSize, options: MAIL_OPTIONS });
    const serverCpuMs = cpuMs(server.pid) - cpu0;
    if (res.items !== expected) throw new Error(`WindowSize ${windowSize}: the phone got ${res.items} messages, expected ${expected}`);
    return { windowSize, serverCpuMs, ...res };
  } finally {
    phone.close();
    await server.stop();
  }
}

export async function run(argv: string[] = []): Promise<void> {
  const opts = numberOptions(argv, { messages: 10_000, runs: 1 });
  console.log(`\ninitial-sync: ${opts.messages} messages of about 4 KB in the Inbox, BodyPreference Type 2 TruncationSize 5120, gzip, node ${process.version}, ${machine()}`);
  const rows: string[][] = [];
  for (let r = 0; r < opts.runs; r++) {
    for (const windowSize of WINDOW_SIZES) {
      const dir = mkdtempSync(join(tmpdir(), 'eas-push-bench-sync-'));
      try {
        await fillInbox(dir, opts.messages);
        const res = await measure(dir, windowSize, opts.messages);
        rows.push([String(res.windowSize), ...folderSyncCells(res, res.serverCpuMs)]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  printTable(['WindowSize', 'messages', 'requests', 'seconds', 'waiting for answers s', 'msg/s', 'slowest request ms', 'WBXML MB', 'server CPU s'], rows);
}
