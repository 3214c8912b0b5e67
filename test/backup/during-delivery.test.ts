// A backup taken with `eas-push backup` (its own process, as an admin runs it) while two SMTP
// clients deliver without pause: the restored store holds every message acknowledged (250)
// before the backup began exactly once, none delivered after it ended, nothing it was not sent,
// and its modseq is the one the backup reported. Then `eas-push restore` refuses the data
// directory of the running server, and restores into a stopped one.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import Database from 'better-sqlite3';
import { databasePath } from '../../bin/data-dir.js';
import { openStore, FolderType } from '../../store/index.js';
import { runCli } from '../cli/run.js';
import { sqliteOnly, startTestServer } from '../helpers/server.js';

interface Sent {
  subject: string;
  ackedAt: number;
}

/** One SMTP client sending numbered messages one after another until `stop` says so. */
async function sender(port: number, tag: string, stop: () => boolean, sent: Sent[]): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    for (let i = 0; !stop(); i++) {
      const subject = `${tag}-${i}`;
      await transport.sendMail({ from: 'bob@example.org', to: 'alice@example.com', subject, text: `message ${subject}\n` });
      sent.push({ subject, ackedAt: Date.now() });
    }
  } finally {
    transport.close();
  }
}

const test = sqliteOnly('backup and restore copy the SQLite file (a PostgreSQL store is backed up with pg_dump; `backup` refuses it)');

test('a backup during continuous deliveries restores every acknowledged message exactly once', async (t) => {
  const srv = await startTestServer();
  t.teardown(() => srv.stop());
  await srv.addUser('alice@example.com', 'secret-password');
  const work = mkdtempSync(join(tmpdir(), 'eas-push-backup-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));

  let stopping = false;
  const sentA: Sent[] = [];
  const sentB: Sent[] = [];
  const senders = Promise.all([
    sender(srv.smtpPort, 'a', () => stopping, sentA),
    sender(srv.smtpPort, 'b', () => stopping, sentB),
  ]);
  // Some mail in before the backup starts, deliveries still running while it runs.
  while (sentA.length + sentB.length < 20) await new Promise((r) => setTimeout(r, 10));
  const backupStarted = Date.now();
  const file = join(work, 'backup.sqlite');
  const cli = await runCli(['backup', file, '--data-dir', srv.dataDir]);
  const backupEnded = Date.now();
  const afterBackup = sentA.length + sentB.length;
  // Deliveries go on after the backup: none of them may be in it.
  while (sentA.length + sentB.length < afterBackup + 5) await new Promise((r) => setTimeout(r, 10));
  stopping = true;
  await senders;

  t.is(cli.code, 0, cli.stderr);
  t.regex(cli.stdout, /integrity_check ok/);
  const reported = Number(/alice@example\.com\s+modseq (\d+)/.exec(cli.stdout)?.[1]);
  t.true(reported > 0, cli.stdout);
  t.regex(cli.stdout, /size [\d.]+ KB \(\d+ bytes\)/);

  // The copy as a file: integrity_check ok on our own look too.
  const raw = new Database(file, { readonly: true });
  t.is(raw.pragma('integrity_check', { simple: true }), 'ok');
  raw.close();

  // Restore into a fresh data dir and read it with the store, as the next server will.
  const restoredDir = join(work, 'restored');
  const restored = await runCli(['restore', file, '--data-dir', restoredDir]);
  t.is(restored.code, 0, restored.stderr);
  const store = openStore(databasePath(restoredDir));
  t.teardown(async () => await store.close());
  const alice = (await store.findAccount('alice@example.com'))!;
  t.is(await store.headModseq(alice.id), reported);
  const inbox = (await store.folderByType(alice.id, FolderType.Inbox))!;
  const items = await store.listItems(alice.id, inbox.id);
  const subjects = items.map((i) => (i.kind === 'mail' ? i.summary.subject : ''));
  t.is(new Set(subjects).size, subjects.length, 'no message twice');
  for (const item of items) t.true(item.createdModseq <= reported);

  const all = [...sentA, ...sentB];
  const sentSubjects = new Set(all.map((s) => s.subject));
  for (const s of subjects) t.true(sentSubjects.has(s), `${s} was never sent`);
  const ackedBefore = all.filter((s) => s.ackedAt < backupStarted);
  t.true(ackedBefore.length >= 20);
  for (const s of ackedBefore) t.true(subjects.includes(s.subject), `${s.subject} acknowledged before the backup is missing`);
  const sentAfter = all.filter((s) => s.ackedAt > backupEnded);
  t.true(sentAfter.length >= 5);
  for (const s of sentAfter) t.false(subjects.includes(s.subject), `${s.subject} delivered after the backup is in it`);
  // Each sender's messages went one after another: what the copy holds of each is a prefix.
  for (const list of [sentA, sentB]) {
    const inCopy = list.map((s) => subjects.includes(s.subject));
    t.is(inCopy.indexOf(false) < 0 ? inCopy.length : inCopy.indexOf(false), inCopy.filter(Boolean).length);
  }
  t.true(readFileSync(file).subarray(0, 16).toString('latin1').startsWith('SQLite format 3'));
});

test('restore refuses the data directory of a running server and changes nothing', async (t) => {
  const srv = await startTestServer();
  t.teardown(() => srv.stop());
  await srv.addUser('alice@example.com', 'secret-password');
  const work = mkdtempSync(join(tmpdir(), 'eas-push-backup-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const file = join(work, 'backup.sqlite');
  t.is((await runCli(['backup', file, '--data-dir', srv.dataDir])).code, 0);
  await srv.addUser('bob@example.com', 'secret-password');

  const refused = await runCli(['restore', file, '--data-dir', srv.dataDir]);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /in use by another process .*stop the server first; nothing restored/);
  // The live server still has what it had, bob included.
  t.truthy(await srv.store.findAccount('bob@example.com'));

  // A backup never overwrites: the same DEST again is refused.
  const again = await runCli(['backup', file, '--data-dir', srv.dataDir]);
  t.is(again.code, 1);
  t.regex(again.stderr, /already exists/);

  // Not a database at all: refused with the reason.
  const junk = join(work, 'junk.sqlite');
  await import('node:fs').then((fs) => fs.writeFileSync(junk, 'this is not sqlite'));
  const bad = await runCli(['restore', junk, '--data-dir', join(work, 'other')]);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /restore refused: .*junk\.sqlite/);
});
