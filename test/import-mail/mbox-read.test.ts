// The mbox reader on its own: CRLF files, a file without a final empty line, leading empty
// lines, and messages larger than the reader's 1 MB chunks come out whole and byte for byte.

import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMbox, NotMboxError } from '../../plugin/mailbox-files/mbox-read.js';
import { fromLineTime, maildirFlags, maildirTime } from '../../plugin/mailbox-files/mail-state.js';
import { place } from './harness.js';

async function all(file: string) {
  const out = [];
  for await (const m of readMbox(file)) out.push(m);
  return out;
}

test('CRLF lines, no final empty line and leading empty lines', async (t) => {
  const p = await place(t, false);
  const file = join(p.dir, 'crlf.mbox');
  writeFileSync(file, '\r\nFrom a@b Mon Jan  1 00:00:00 2024\r\nSubject: one\r\n\r\nx\r\n\r\nFrom a@b Mon Jan  1 00:01:00 2024\r\nSubject: two\r\n\r\n>From y\r\nlast line without newline');
  const got = await all(file);
  t.deepEqual(got.map((m) => m.raw.toString()), ['Subject: one\r\n\r\nx\r\n', 'Subject: two\r\n\r\nFrom y\r\nlast line without newline']);
  t.deepEqual(got.map((m) => m.line), [2, 7]);
});

test('a message larger than a read chunk comes out whole', async (t) => {
  const p = await place(t, false);
  const file = join(p.dir, 'big.mbox');
  const body = `${'0123456789abcdef'.repeat(64)}\n`.repeat(3000); // about 3 MB
  writeFileSync(file, `From a@b Mon Jan  1 00:00:00 2024\nSubject: big\n\n${body}\nFrom a@b Mon Jan  1 00:01:00 2024\nSubject: small\n\ns\n`);
  const got = await all(file);
  t.is(got.length, 2);
  t.true(got[0]!.raw.equals(Buffer.from(`Subject: big\n\n${body}`)));
  t.is(got[1]!.raw.toString(), 'Subject: small\n\ns\n');
});

test('a file that does not start with a From_ line is not an mbox', async (t) => {
  const p = await place(t, false);
  const file = join(p.dir, 'x.mbox');
  writeFileSync(file, 'Subject: hi\n\nno From line\n');
  await t.throwsAsync(all(file), { instanceOf: NotMboxError, message: /line 1: expected a "From " line/ });
  writeFileSync(file, '');
  await t.throwsAsync(all(file), { instanceOf: NotMboxError, message: /holds no message/ });
});

test('Maildir names and From_ dates', (t) => {
  t.deepEqual(maildirFlags('1700000000.M1.host:2,DFRS'), { read: true, flagged: true });
  t.deepEqual(maildirFlags('1700000000.M1.host!2,S'), { read: true, flagged: false });
  t.deepEqual(maildirFlags('1700000000.M1.host'), { read: false, flagged: false });
  t.is(maildirTime('1700000000.M1.host:2,S')?.toISOString(), '2023-11-14T22:13:20.000Z');
  t.is(maildirTime('msg-without-time'), null);
  t.is(maildirTime('99999999999.M1.host'), null, 'a time in the future is not believed');
  t.is(fromLineTime('From a@b Thu Jan  4 10:00:00 2024')?.toISOString(), '2024-01-04T10:00:00.000Z');
  t.is(fromLineTime('From a@b Thu Jan  4 10:00:00 2024 -0500')?.toISOString(), '2024-01-04T15:00:00.000Z');
  t.is(fromLineTime('From MAILER-DAEMON Fri Jul  8 12:08:34 2011')?.toISOString(), '2011-07-08T12:08:34.000Z');
  t.is(fromLineTime('From a@b sometime'), null);
});
