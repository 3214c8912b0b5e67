// plugin/parse-pool.ts: parsing on worker threads gives exactly what the in-thread parser
// gives, and no failure of a worker ever loses or refuses a message.

import test from 'ava';
import { readdirSync } from 'node:fs';
import { createParsePool, parseMessage } from '../../plugin/index.js';
import { sendMail } from '../helpers/swaks.js';
import { fixture, memoryLogger, startDelivery } from './setup.js';
import { mail } from '../helpers/items.js';

const RECEIVED = new Date('2025-03-10T00:00:00Z');
const MAIL = readdirSync(new URL('../fixtures/mail/', import.meta.url)).filter((f) => f.endsWith('.eml'));
const CRASHING_WORKER = new URL('../fixtures/plugin/crashing-parse-worker.ts', import.meta.url);

test('every fixture parses on a worker exactly as on the main thread, attachments as Buffers', async (t) => {
  const log = memoryLogger();
  const pool = createParsePool({ workers: 2, log, inlineBelow: 0 });
  t.teardown(() => pool.close());
  t.true(MAIL.length >= 5);
  const [onWorkers, inThread] = await Promise.all([
    Promise.all(MAIL.map((name) => pool.parse(fixture(name), RECEIVED))),
    Promise.all(MAIL.map((name) => parseMessage(fixture(name), RECEIVED))),
  ]);
  t.deepEqual(onWorkers, inThread);
  t.true(onWorkers.flatMap((p) => p.attachments).length > 0);
  for (const a of onWorkers.flatMap((p) => p.attachments)) t.true(Buffer.isBuffer(a.content));
  t.is(pool.size, 2);
  t.deepEqual(log.lines.filter((l) => l.level !== 'debug'), [], 'nothing to warn about');
});

test('a message that is not MIME at all comes back best-effort and marked malformed, as in-thread', async (t) => {
  const pool = createParsePool({ workers: 1, log: memoryLogger(), inlineBelow: 0 });
  t.teardown(() => pool.close());
  const raw = Buffer.from('\x00\x01 this is not a message\r\nsecond line\r\n');
  const p = await pool.parse(raw, RECEIVED);
  t.true(p.malformed);
  t.deepEqual(p, await parseMessage(raw, RECEIVED));
});

test('a worker that dies mid-message: that message is parsed in-thread, the next goes to a new worker', async (t) => {
  const log = memoryLogger();
  const pool = createParsePool({ workers: 1, log, entry: CRASHING_WORKER, inlineBelow: 0 });
  t.teardown(() => pool.close());
  const deadly = Buffer.from('Subject: CRASH-WORKER\r\nFrom: a@example.org\r\n\r\nbody\r\n');

  const rescued = await pool.parse(deadly, RECEIVED);
  t.deepEqual(rescued, await parseMessage(deadly, RECEIVED));
  t.true(log.lines.some((l) => l.level === 'warn' && l.msg === 'parse worker stopped; starting another' && l.fields.reason === 'exit code 3'));

  const next = await pool.parse(fixture('attachments.eml'), RECEIVED);
  t.deepEqual(next, await parseMessage(fixture('attachments.eml'), RECEIVED));
  t.is(pool.size, 1, 'a replacement worker answered');
});

test('an entry script that cannot start turns the pool off once; messages are still parsed', async (t) => {
  const log = memoryLogger();
  const pool = createParsePool({ workers: 1, log, entry: new URL('./no-such-parse-worker.js', import.meta.url), inlineBelow: 0 });
  t.teardown(() => pool.close());
  const first = await pool.parse(fixture('plain.eml'), RECEIVED);
  const second = await pool.parse(fixture('html.eml'), RECEIVED);
  t.is(first.summary.subject, 'Lunch on Friday?');
  t.deepEqual(second, await parseMessage(fixture('html.eml'), RECEIVED));
  t.is(pool.size, 0);
  t.is(log.lines.filter((l) => l.msg === 'parse workers off; parsing in the main thread').length, 1);
});

test('workers: 0 parses in-thread; close() lets parses in flight finish and later ones run in-thread', async (t) => {
  const off = createParsePool({ workers: 0, log: memoryLogger() });
  t.is(off.size, 0);
  t.is((await off.parse(fixture('plain.eml'), RECEIVED)).summary.subject, 'Lunch on Friday?');
  await off.close();

  const pool = createParsePool({ workers: 1, log: memoryLogger(), inlineBelow: 0 });
  const inFlight = pool.parse(fixture('attachments.eml'), RECEIVED);
  await pool.close();
  t.is((await inFlight).attachments.length, 4);
  t.is(pool.size, 0);
  t.is((await pool.parse(fixture('alternative.eml'), RECEIVED)).html?.trim(), '<p>The <b>HTML</b> version.</p>');
});

test('SMTP delivery through the pool stores the same summary, bodies and attachments', async (t) => {
  const pool = createParsePool({ workers: 1, log: memoryLogger(), inlineBelow: 0 });
  const f = await startDelivery({ parse: pool.parse });
  t.teardown(async () => {
    await f.close();
    await pool.close();
  });
  const bob = await f.store.createAccount('bob@example.com', 'secret');

  const res = await sendMail({ port: f.port, to: 'bob@example.com', from: 'alice@example.org', data: `@${new URL('../fixtures/mail/attachments.eml', import.meta.url).pathname}` });
  t.is(res.code, 0, res.stdout + res.stderr);

  const [item] = await f.inbox(bob);
  const body = (await f.store.getBody(bob.id, item!.id))!;
  const expected = await parseMessage(body.raw);
  t.like(mail(item).summary, { subject: expected.summary.subject, hasAttachments: true, preview: expected.summary.preview });
  t.is(body.html, expected.html);
  t.is(body.text, expected.text);
  const stored = await Promise.all(mail(item).attachments.map(async (a) => (await f.store.getAttachment(bob.id, a.fileReference))!));
  t.deepEqual(
    stored.map((a) => [a.fileName, a.contentType, a.content]),
    expected.attachments.map((a) => [a.fileName, a.contentType, a.content]),
  );
});

test('a small message with nothing else parsing is parsed in-thread; overlapping, large or not-alone ones go to the workers', async (t) => {
  const inThread: string[] = [];
  const fallback = async (raw: Buffer, at?: Date) => {
    inThread.push((await parseMessage(raw, at)).summary.subject);
    return await parseMessage(raw, at);
  };
  const pool = createParsePool({ workers: 1, log: memoryLogger(), fallback, inlineBelow: 16 * 1024 });
  t.teardown(() => pool.close());
  const small = (n: number) => Buffer.from(`Subject: small ${n}\r\nFrom: a@example.org\r\n\r\nbody\r\n`);
  const large = Buffer.from(`Subject: large\r\nFrom: a@example.org\r\n\r\n${'x'.repeat(70).concat('\r\n').repeat(300)}`);
  t.true(large.length >= 16 * 1024);

  t.is((await pool.parse(small(1), RECEIVED)).summary.subject, 'small 1');
  t.deepEqual(inThread, ['small 1'], 'alone and small: no round trip to a worker');

  const [a, b] = await Promise.all([pool.parse(small(2), RECEIVED), pool.parse(small(3), RECEIVED)]);
  t.deepEqual([a.summary.subject, b.summary.subject], ['small 2', 'small 3']);
  t.deepEqual(inThread, ['small 1', 'small 2'], 'the second while the first is parsing goes to the worker');

  t.deepEqual(await pool.parse(large, RECEIVED), await parseMessage(large, RECEIVED));
  t.deepEqual(inThread, ['small 1', 'small 2'], 'a large message goes to the worker even alone');

  t.is((await pool.parse(small(4), RECEIVED, { alone: false })).summary.subject, 'small 4');
  t.deepEqual(inThread, ['small 1', 'small 2'], 'nothing else parsing, but the caller has other deliveries in flight');
  t.is(pool.size, 1);
});
