// Benchmark (not a test): `mail import` of a 20,000-message mbox, as the CLI runs it: the same
// importer (plugin/mailbox-files/import-mail.ts), the MIME parse on the parse pool's worker
// threads, batches of 200 messages per transaction. Reports messages per second.
//
//   npm run bench -- import [--messages 20000] [--runs 1] [--workers N] [--batch 200]
//
// The mbox is generated in a temp dir: plain and multipart messages of a few KB, some with
// ">From " lines, read and flagged ones (Status/X-Status), as mail programs write them.

import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasePath } from '../bin/data-dir.js';
import { importMail } from '../plugin/mailbox-files/import-mail.js';
import { createParsePool, defaultParseWorkers } from '../plugin/parse-pool.js';
import { openStore } from '../store/index.js';
import { machine, numberOptions, printTable } from './bench-util.js';

const silent = { info() {}, warn() {}, error() {}, debug() {} };

function sampleMessage(i: number): string {
  const date = new Date(Date.UTC(2024, 0, 1) + i * 60_000);
  const lines = Array.from({ length: 20 + (i % 40) }, (_, n) => `Line ${n} of message ${i}: the quarterly numbers look fine, see you on Monday.`);
  if (i % 10 === 0) lines.push('>From the archive: a quoted From line');
  const head =
    `From: Sender ${i % 50} <sender${i % 50}@example.org>\nTo: Phone <phone@bench.test>\nSubject: Message ${i} about topic ${i % 97}\n` +
    `Date: ${date.toUTCString()}\nMessage-ID: <bench-${i}@example.org>\nMIME-Version: 1.0\n` +
    `${i % 3 === 0 ? 'Status: RO\n' : ''}${i % 7 === 0 ? 'X-Status: F\n' : ''}`;
  const body =
    i % 4 === 0
      ? `Content-Type: multipart/alternative; boundary="b${i}"\n\n--b${i}\nContent-Type: text/plain; charset=utf-8\n\n${lines.join('\n')}\n--b${i}\nContent-Type: text/html; charset=utf-8\n\n<p>${lines.join('</p><p>')}</p>\n--b${i}--\n`
      : `Content-Type: text/plain; charset=utf-8\n\n${lines.join('\n')}\n`;
  return `From sender${i % 50}@example.org ${date.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) (\S+) GMT$/, '$1 $3 $2 $5 $4')}\n${head}${body}\n`;
}

export async function writeMbox(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < count; i++) {
    if (!out.write(sampleMessage(i))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export async function run(argv: string[] = []): Promise<void> {
  const opts = numberOptions(argv, { messages: 20_000, runs: 1, workers: defaultParseWorkers(), batch: 200 });
  const rows: string[][] = [];
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-bench-import-'));
  try {
    const mbox = join(dir, 'big.mbox');
    await writeMbox(mbox, opts.messages);
    const size = statSync(mbox).size;
    console.log(
      `\nimport: mail import of one mbox of ${opts.messages} messages (${(size / 1024 / 1024).toFixed(1)} MB), ` +
        `${opts.workers} parse workers, ${opts.batch} per transaction, node ${process.version}, ${machine()}`,
    );
    for (let r = 0; r < opts.runs; r++) {
      const data = join(dir, `data-${r}`);
      const store = openStore(databasePath(data));
      const pool = createParsePool({ workers: opts.workers, log: silent });
      try {
        const account = await store.createAccount('phone@bench.test', 'bench-password');
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const done = await importMail({ store, parse: pool.parse, account, source: mbox, push: false, batchSize: opts.batch });
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        if (done.imported !== opts.messages) throw new Error(`imported ${done.imported} of ${opts.messages}`);
        const dbBytes = statSync(databasePath(data)).size;
        rows.push([
          String(r + 1),
          String(done.imported),
          (ms / 1000).toFixed(1),
          Math.round(done.imported / (ms / 1000)).toLocaleString('en-US'),
          ((cpu.user + cpu.system) / 1000 / 1000).toFixed(1),
          (dbBytes / 1024 / 1024).toFixed(0),
        ]);
      } finally {
        await pool.close();
        await store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(['run', 'messages', 'seconds', 'messages/s', 'process CPU s', 'database MB'], rows);
}
