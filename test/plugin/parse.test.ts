// plugin/parse.ts: the summary a phone lists, bodies and attachments, from real MIME shapes.

import test from 'ava';
import { parseMessage } from '../../plugin/parse.js';
import { fixture } from './setup.js';

const RECEIVED = new Date('2025-03-10T00:00:00Z');

test('plain text: addresses, date in UTC, ids, references, thread topic, Importance', async (t) => {
  const p = await parseMessage(fixture('plain.eml'), RECEIVED);
  t.false(p.malformed);
  t.like(p.summary, {
    subject: 'Lunch on Friday?',
    from: [{ name: 'Alice Example', address: 'alice@example.org' }],
    to: [{ name: 'Bob', address: 'bob@example.com' }],
    cc: [{ name: '', address: 'carol@example.com' }],
    replyTo: [{ name: '', address: 'replies@example.org' }],
    date: '2025-03-04T09:15:00.000Z',
    messageId: '<plain-1@example.org>',
    inReplyTo: '<prev-0@example.com>',
    threadTopic: 'Lunch',
    importance: 2,
    hasAttachments: false,
  });
  t.deepEqual(p.summary.references, ['<root@example.com>', '<prev-0@example.com>']);
  t.is(p.summary.preview, 'Hi Bob, shall we have lunch on Friday? The usual place. ..this line starts with a dot. Alice');
  t.true(p.text?.startsWith('Hi Bob,\n\nshall we'));
  t.is(p.html, null);
});

test('HTML only: text and preview derived without tags, styles, links or images; X-Priority 5 is low', async (t) => {
  const p = await parseMessage(fixture('html.eml'), RECEIVED);
  t.is(p.summary.importance, 0);
  t.is(p.summary.preview, 'Top story: read the story & more. See you next week.');
  t.notRegex(p.text ?? '', /https?:|<|Digest|color/);
  t.regex(p.html ?? '', /<a href="https:\/\/example.org\/story">/);
  t.deepEqual(p.summary.from, [{ name: 'News', address: 'news@example.org' }]);
});

test('multipart/alternative keeps both bodies; the preview comes from the plain part', async (t) => {
  const p = await parseMessage(fixture('alternative.eml'), RECEIVED);
  t.is(p.text?.trim(), 'The plain version.');
  t.is(p.html?.trim(), '<p>The <b>HTML</b> version.</p>');
  t.is(p.summary.preview, 'The plain version.');
  t.is(p.summary.importance, 1);
  t.deepEqual(p.attachments, []);
});

test('attachments: named, unnamed, inline image by Content-ID, forwarded message as .eml', async (t) => {
  const p = await parseMessage(fixture('attachments.eml'), RECEIVED);
  t.true(p.summary.hasAttachments);
  const summary = p.attachments.map(({ content, ...rest }) => ({ ...rest, size: content.length }));
  t.deepEqual(summary, [
    { fileName: 'attachment-1.png', contentType: 'image/png', contentId: 'photo@example.org', inline: true, size: 256 },
    { fileName: 'report.pdf', contentType: 'application/pdf', contentId: null, inline: false, size: 21 },
    { fileName: 'attachment-3.bin', contentType: 'application/octet-stream', contentId: null, inline: false, size: 5 },
    { fileName: 'The forwarded one.eml', contentType: 'message/rfc822', contentId: null, inline: false, size: p.attachments[3]!.content.length },
  ]);
  t.deepEqual([...p.attachments[0]!.content.subarray(0, 4)], [0, 1, 2, 3]);
  t.regex(p.html ?? '', /src="cid:photo@example.org"/, 'cid links stay for the phone to resolve');
  t.is(p.summary.preview, 'Photo:');
});

test('RFC 2047 encoded words in addresses, subject and Thread-Topic; latin-1 quoted-printable body', async (t) => {
  const p = await parseMessage(fixture('encoded-words.eml'), RECEIVED);
  t.is(p.summary.subject, 'Grüße aus München');
  t.is(p.summary.threadTopic, 'Grüße');
  t.deepEqual(p.summary.from, [{ name: 'Jürgen Müller', address: 'juergen@example.de' }]);
  t.deepEqual(p.summary.to, [{ name: 'François', address: 'francois@example.fr' }]);
  t.is(p.summary.preview, 'Schöne Grüße!');
  t.is(p.summary.date, '2025-03-08T17:45:00.000Z');
});

test('raw UTF-8 headers (RFC 6532)', async (t) => {
  const p = await parseMessage(fixture('utf8-headers.eml'), RECEIVED);
  t.is(p.summary.subject, 'Привет 👋 from SMTPUTF8');
  t.deepEqual(p.summary.to, [{ name: 'Дмитрий', address: 'дмитрий@example.com' }]);
});

test('missing or invalid Date: delivery time', async (t) => {
  for (const date of ['', 'Date: not a date\r\n']) {
    const p = await parseMessage(Buffer.from(`${date}Subject: s\r\n\r\nbody\r\n`), RECEIVED);
    t.is(p.summary.date, RECEIVED.toISOString());
  }
});

test('a long preview is cut at 255 characters without splitting an emoji', async (t) => {
  const body = 'a'.repeat(254) + '😀😀 tail';
  const p = await parseMessage(Buffer.from(`Subject: long\r\n\r\n${body}\r\n`), RECEIVED);
  t.is(Array.from(p.summary.preview).length, 255);
  t.true(p.summary.preview.endsWith('a😀'));
});

test('not MIME at all: never throws, keeps the text, flags malformed', async (t) => {
  const p = await parseMessage(Buffer.from('\x00\x01 this is not a message\r\nsecond line\r\n'), RECEIVED);
  t.true(p.malformed);
  t.is(p.summary.subject, '');
  t.is(p.summary.date, RECEIVED.toISOString());
  t.is(p.summary.preview, 'this is not a message second line');
});

test('a header block past the parser limit: best-effort headers from the raw bytes, malformed', async (t) => {
  const huge = `X-Filler: ${'y'.repeat(1100 * 1024)}\r\n`;
  const raw = Buffer.from(`Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nFrom: a@example.org\r\n${huge}\r\nthe body\r\n`);
  const p = await parseMessage(raw, RECEIVED);
  t.true(p.malformed);
  t.is(p.summary.subject, 'Grüße');
  t.deepEqual(p.summary.from, [{ name: '', address: 'a@example.org' }]);
  t.is(p.text, 'the body\r\n');
});

test('broken multipart (no closing boundary, bad base64) still yields the parts it can', async (t) => {
  const raw = Buffer.from(
    'Subject: cut\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n--zz\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64',
  );
  const p = await parseMessage(raw, RECEIVED);
  t.is(p.summary.subject, 'cut');
  t.is(p.summary.preview, 'first part');
  t.is(p.attachments.length, 1);
});
