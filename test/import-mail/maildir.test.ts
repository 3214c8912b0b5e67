// `eas-push mail import` from a Maildir tree (Dovecot/Courier Maildir++ and nested folders), run as
// its own process: bytes kept exactly, received time from the file name (else its mtime), read and
// flagged from the flags, subfolders made or mapped to system folders, a broken message reported
// with its file and skipped, and a second run importing nothing twice. Then `mail export` and an
// import of the export into another server's account give back the same bytes, flags and times.

import test from 'ava';
import { join } from 'node:path';
import { FolderType } from '../../store/index.js';
import { runCli } from '../cli/run.js';
import { folderNamed, maildir, mails, message, place } from './harness.js';

const T1 = 1_700_000_000; // 2023-11-14T22:13:20Z
const T2 = 1_700_086_400;

function tree(root: string): void {
  maildir(root, {
    [`new/${T1}.M1P1.old-host`]: message('inbox unread'),
    [`cur/${T2}.M2P1.old-host:2,FS`]: message('inbox read flagged'),
    [`cur/${T2 + 1}.M3P1.old-host:2,S`]: message('inbox read', '', 'line one\r\nline two with CRLF\r\n'),
    [`cur/${T2 + 2}.M4P1.old-host:2,S`]: '',
  });
  maildir(join(root, '.Sent'), { [`cur/${T1 + 5}.M5P1.old-host:2,S`]: message('sent one') });
  maildir(join(root, '.Work'), { [`cur/${T1 + 6}.M6P1.old-host:2,F`]: message('work one') });
  maildir(join(root, '.Work.2024'), { [`cur/${T1 + 7}.M7P1.old-host:2,`]: message('work 2024') });
  // Nested as plain directories (Dovecot LAYOUT=fs); the name carries no time: its mtime counts.
  maildir(join(root, 'Archive'), { 'cur/no-time-here:2,S': message('archived') }, { mtime: new Date('2020-05-01T12:00:00Z') });
  maildir(join(root, '.Broken'), { [`new/${T1 + 9}.M9P1.old-host`]: 'just some text\nwithout any header\n' });
}

test('a Maildir tree imports with its folders, flags, times and bytes; a broken message is reported and skipped', async (t) => {
  const p = await place(t);
  const root = join(p.dir, 'Maildir');
  tree(root);
  const r = await runCli(['mail', 'import', 'alice@example.com', root, '--data-dir', p.dataDir]);
  t.is(r.code, 1, 'refused messages make the exit code 1');
  t.regex(r.stderr, new RegExp(`${root}/cur/${T2 + 2}\\.M4P1\\.old-host:2,S: empty message\\n`));
  t.regex(r.stderr, new RegExp(`${root}/\\.Broken/new/${T1 + 9}\\.M9P1\\.old-host: not a mail message \\(it does not start with a header field\\)\\n`));
  t.regex(r.stdout, /^imported 7 messages into .* of alice@example\.com \(0 already there, 2 refused\)\n$/);

  const store = p.open();
  const alice = (await store.findAccount('alice@example.com'))!;
  const inbox = await mails(store, alice.id, (await store.folderByType(alice.id, FolderType.Inbox))!);
  t.deepEqual(inbox.map((m) => [m.summary.subject, m.read, m.flag?.status ?? 0, m.receivedAt]), [
    ['inbox read', true, 0, new Date((T2 + 1) * 1000).toISOString()],
    ['inbox read flagged', true, 2, new Date(T2 * 1000).toISOString()],
    ['inbox unread', false, 0, new Date(T1 * 1000).toISOString()],
  ]);
  t.deepEqual(inbox[0]!.raw, message('inbox read', '', 'line one\r\nline two with CRLF\r\n'), 'bytes kept exactly, mixed line ends and all');
  const sent = await mails(store, alice.id, (await store.folderByType(alice.id, FolderType.SentItems))!);
  t.deepEqual(sent.map((m) => m.summary.subject), ['sent one'], '.Sent is the Sent Items folder');
  const work = (await folderNamed(store, alice.id, ['Work']))!;
  t.is(work.type, FolderType.UserMail);
  t.deepEqual((await mails(store, alice.id, work)).map((m) => [m.summary.subject, m.read, m.flag?.status ?? 0]), [['work one', false, 2]]);
  t.deepEqual((await mails(store, alice.id, (await folderNamed(store, alice.id, ['Work', '2024']))!)).map((m) => m.summary.subject), ['work 2024']);
  const archived = await mails(store, alice.id, (await folderNamed(store, alice.id, ['Archive']))!);
  t.deepEqual(archived.map((m) => [m.summary.subject, m.receivedAt]), [['archived', '2020-05-01T12:00:00.000Z']]);
  t.is(await folderNamed(store, alice.id, ['Broken']) !== undefined, true, 'its folder is made even though its message was refused');

  // Run again (as after an interruption): nothing is imported twice.
  const again = await runCli(['mail', 'import', 'alice@example.com', root, '--data-dir', p.dataDir]);
  t.regex(again.stdout, /^imported 0 messages of alice@example\.com \(7 already there, 2 refused\)\n$/);
  t.is(await store.countItems(alice.id, (await store.folderByType(alice.id, FolderType.Inbox))!.id), 3);
});

test('--folder puts the Maildir\'s top level and its subfolders under one folder', async (t) => {
  const p = await place(t);
  const root = join(p.dir, 'Maildir');
  maildir(root, { [`cur/${T1}.A.h:2,S`]: message('top') });
  maildir(join(root, '.Sent'), { [`cur/${T1}.B.h:2,S`]: message('old sent') });
  const r = await runCli(['mail', 'import', 'alice@example.com', root, '--folder', 'Old server', '--data-dir', p.dataDir]);
  t.is(r.code, 0, r.stderr);
  const store = p.open();
  const alice = (await store.findAccount('alice@example.com'))!;
  t.deepEqual((await mails(store, alice.id, (await folderNamed(store, alice.id, ['Old server']))!)).map((m) => m.summary.subject), ['top']);
  t.deepEqual((await mails(store, alice.id, (await folderNamed(store, alice.id, ['Old server', 'Sent']))!)).map((m) => m.summary.subject), ['old sent']);
  t.is(await store.countItems(alice.id, (await store.folderByType(alice.id, FolderType.SentItems))!.id), 0);
});

test('mail export writes a Maildir++ tree that imports back with identical bytes, flags and times', async (t) => {
  const p = await place(t);
  const root = join(p.dir, 'Maildir');
  tree(root);
  t.is((await runCli(['mail', 'import', 'alice@example.com', root, '--data-dir', p.dataDir])).code, 1);
  const out = join(p.dir, 'export');
  const r = await runCli(['mail', 'export', 'alice@example.com', out, '--data-dir', p.dataDir]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^exported 7 messages in \d+ folders of alice@example\.com to /);
  const notEmpty = await runCli(['mail', 'export', 'alice@example.com', out, '--data-dir', p.dataDir]);
  t.is(notEmpty.code, 1);
  t.regex(notEmpty.stderr, /is not empty/);

  // Into another server's data directory.
  const q = await place(t);
  const back = await runCli(['mail', 'import', 'alice@example.com', out, '--data-dir', q.dataDir]);
  t.is(back.code, 0, back.stderr);
  t.regex(back.stdout, /imported 7 messages/);

  const a = p.open();
  const b = q.open();
  const aliceA = (await a.findAccount('alice@example.com'))!;
  const aliceB = (await b.findAccount('alice@example.com'))!;
  const paths = [['Inbox'], ['Sent Items'], ['Work'], ['Work', '2024'], ['Archive']];
  for (const path of paths) {
    const before = await mails(a, aliceA.id, (await folderNamed(a, aliceA.id, path))!);
    const after = await mails(b, aliceB.id, (await folderNamed(b, aliceB.id, path))!);
    t.is(after.length, before.length, path.join('/'));
    before.forEach((m, i) => {
      const n = after[i]!;
      t.true(n.raw.equals(m.raw), `${path.join('/')}: ${m.summary.subject} has the same bytes`);
      t.is(n.read, m.read);
      t.is(n.flag?.status ?? 0, m.flag?.status ?? 0);
      t.is(n.receivedAt, m.receivedAt);
    });
  }
});
