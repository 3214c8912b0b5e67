// `eas-push mail import` from an mbox file, run as its own process: messages split at their
// From_ lines, ">From " unquoted (mboxrd), each kept byte for byte, its received time from the
// From_ line, read from Status and flagged from X-Status; a message without headers reported with
// its line and skipped; a rerun with more messages (an interrupted import resumed) adds only the
// new ones; and a 20,000-message mbox imported with progress on stderr.

import test from 'ava';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FolderType } from '../../store/index.js';
import { runCli } from '../cli/run.js';
import { folderNamed, mails, place } from './harness.js';

const MBOX = [
  'From bob@example.org Thu Jan  4 10:00:00 2024',
  'From: Bob <bob@example.org>',
  'Subject: first',
  'Status: RO',
  'X-Status: F',
  '',
  'Hello.',
  '>From the quoted line',
  '>>From a twice-quoted line',
  '',
  'From carol@example.org Fri Jan  5 11:30:15 2024',
  'From: Carol <carol@example.org>',
  'Subject: second',
  'Status: O',
  '',
  'From here on a line that is no From_ line (no time in it)',
  '',
  'From nobody Sat Jan  6 08:00:00 2024',
  'this message has no header at all',
  '',
  'From dave@example.org Sun Jan  7 09:15:00 2024 +0200',
  'From: Dave <dave@example.org>',
  'Subject: third',
  '',
  'Last one.',
  '',
].join('\n');

test('an mbox imports message by message: bytes, From_ date, Status and X-Status; a broken message is reported by line', async (t) => {
  const p = await place(t);
  const file = join(p.dir, 'old.mbox');
  writeFileSync(file, MBOX);
  const r = await runCli(['mail', 'import', 'alice@example.com', file, '--data-dir', p.dataDir]);
  t.is(r.code, 1);
  t.is(r.stderr, `${file}:18: not a mail message (it does not start with a header field)\n`);
  t.is(r.stdout, 'imported 3 messages into Inbox of alice@example.com (0 already there, 1 refused)\n');

  const store = p.open();
  const alice = (await store.findAccount('alice@example.com'))!;
  const inbox = await mails(store, alice.id, (await store.folderByType(alice.id, FolderType.Inbox))!);
  t.deepEqual(inbox.map((m) => [m.summary.subject, m.read, m.flag?.status ?? 0, m.receivedAt]), [
    ['first', true, 2, '2024-01-04T10:00:00.000Z'],
    ['second', false, 0, '2024-01-05T11:30:15.000Z'],
    ['third', false, 0, '2024-01-07T07:15:00.000Z'],
  ]);
  t.is(
    inbox[0]!.raw.toString(),
    'From: Bob <bob@example.org>\nSubject: first\nStatus: RO\nX-Status: F\n\nHello.\nFrom the quoted line\n>From a twice-quoted line\n',
  );
  t.is(inbox[1]!.raw.toString(), 'From: Carol <carol@example.org>\nSubject: second\nStatus: O\n\nFrom here on a line that is no From_ line (no time in it)\n');
  t.is(inbox[2]!.raw.toString(), 'From: Dave <dave@example.org>\nSubject: third\n\nLast one.\n');
});

test('a rerun of a grown mbox (an interrupted import resumed) imports only what is not in yet; --folder names the folder', async (t) => {
  const p = await place(t);
  const file = join(p.dir, 'part.mbox');
  const message = (i: number) => `From x@example.org Mon Jan  1 00:0${i}:00 2024\nFrom: x@example.org\nSubject: m${i}\n\nbody ${i}\n\n`;
  writeFileSync(file, [0, 1, 2].map(message).join(''));
  const first = await runCli(['mail', 'import', 'alice@example.com', file, '--folder', 'Archive', '--data-dir', p.dataDir]);
  t.is(first.stdout, 'imported 3 messages into Archive of alice@example.com (0 already there, 0 refused)\n');
  writeFileSync(file, [0, 1, 2, 3, 4].map(message).join(''));
  const second = await runCli(['mail', 'import', 'alice@example.com', file, '--folder', 'Archive', '--data-dir', p.dataDir]);
  t.is(second.code, 0, second.stderr);
  t.is(second.stdout, 'imported 2 messages into Archive of alice@example.com (3 already there, 0 refused)\n');
  const store = p.open();
  const alice = (await store.findAccount('alice@example.com'))!;
  t.deepEqual((await mails(store, alice.id, (await folderNamed(store, alice.id, ['Archive']))!)).map((m) => m.summary.subject), ['m0', 'm1', 'm2', 'm3', 'm4']);
});

test('bad sources and names are refused with one line and nothing imported', async (t) => {
  const p = await place(t);
  const notMbox = join(p.dir, 'letter.txt');
  writeFileSync(notMbox, 'Dear Alice,\nthis is a letter.\n');
  const r = await runCli(['mail', 'import', 'alice@example.com', notMbox, '--data-dir', p.dataDir]);
  t.is(r.code, 1);
  t.regex(r.stderr, /^eas-push: .*letter\.txt: not an mbox file \(line 1: expected a "From " line, found "Dear Alice,"\); nothing imported\n$/);
  const missing = await runCli(['mail', 'import', 'alice@example.com', join(p.dir, 'nope'), '--data-dir', p.dataDir]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /nope: no such file or directory; nothing imported/);
  const nobody = await runCli(['mail', 'import', 'nobody@example.com', notMbox, '--data-dir', p.dataDir]);
  t.is(nobody.code, 1);
  t.regex(nobody.stderr, /no account nobody@example\.com/);
  const usage = await runCli(['mail', 'import', 'alice@example.com', '--data-dir', p.dataDir]);
  t.is(usage.code, 2);
});

test('a 20,000-message mbox imports with progress on stderr', async (t) => {
  const p = await place(t);
  const file = join(p.dir, 'big.mbox');
  const out = createWriteStream(file);
  for (let i = 0; i < 20_000; i++) {
    const minute = String(i % 60).padStart(2, '0');
    const line = i % 100 === 0 ? '>From a quoted line\n' : '';
    const chunk = `From s${i % 7}@example.org Tue Feb  6 10:${minute}:00 2024\nFrom: s${i % 7}@example.org\nSubject: bulk ${i}\nMessage-ID: <bulk-${i}@example.org>\n${i % 2 ? 'Status: RO\n' : ''}\nbody ${i}\n${line}\n`;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  const r = await runCli(['mail', 'import', 'alice@example.com', file, '--data-dir', p.dataDir]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'imported 20000 messages into Inbox of alice@example.com (0 already there, 0 refused)\n');
  const progress = r.stderr.split('\n').filter((l) => l.startsWith('progress: '));
  t.is(progress.length, 20, r.stderr);
  t.regex(progress[0]!, /^progress: 1\d{3} messages read \(\d+%\), 1\d{3} imported, 0 already there, 0 refused$/);
  t.regex(progress.at(-1)!, /^progress: 20000 messages read \(100%\), 20000 imported, 0 already there, 0 refused$/);
  const store = p.open();
  const alice = (await store.findAccount('alice@example.com'))!;
  const inbox = (await store.folderByType(alice.id, FolderType.Inbox))!;
  t.is(await store.countItems(alice.id, inbox.id), 20_000);
  const read = (await store.listItems(alice.id, inbox.id)).filter((i) => i.read).length;
  t.is(read, 10_000);
});
