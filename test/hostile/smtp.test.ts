// Hostile SMTP input on a raw socket: each gets its clear reply code, nothing half-stored, and
// the server still delivers a normal message afterwards.

import test from 'ava';
import { FolderType } from '../../store/types.js';
import { dataPayload, openSession, transaction, type RawSmtp } from '../../scripts/lib/raw-smtp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { captureLogger } from '../eas-http/harness.js';
import { mail } from '../helpers/items.js';

const TO = 'ivy@example.com';

async function setup(t: { teardown(fn: () => Promise<void> | void): void }, opts: { maxMessageSize?: number } = {}) {
  const log = captureLogger();
  const s = await startTestServer({ log, ...opts });
  t.teardown(() => s.stop());
  await s.addUser(TO, 'pw');
  const sessions: RawSmtp[] = [];
  t.teardown(() => sessions.forEach((c) => c.close()));
  const session = async () => {
    const c = await openSession(s.smtpPort);
    sessions.push(c);
    return c;
  };
  return { s, log, session };
}

async function inbox(s: TestServer): Promise<Array<{ subject: string; raw: Buffer }>> {
  const account = (await s.store.findAccount(TO))!;
  const folder = (await s.store.folderByType(account.id, FolderType.Inbox))!;
  return await Promise.all((await s.store.listItems(account.id, folder.id)).map(async (item) => ({
    subject: mail(item).summary.subject,
    raw: (await s.store.getBody(account.id, item.id))!.raw,
  })));
}

async function stillDelivers(t: { is(a: unknown, b: unknown, m?: string): void }, session: () => Promise<RawSmtp>, s: TestServer): Promise<void> {
  const c = await session();
  const reply = await transaction(c, 'a@example.org', [TO], 'Subject: after the attack\r\n\r\nfine\r\n');
  t.is(reply.code, 250, 'a normal message after the attack');
  t.is((await inbox(s)).filter((m) => m.subject === 'after the attack').length, 1);
}

test('a command line of 200 kB is refused (421) and the connection closed; NUL in an address is 501', async (t) => {
  const { s, session } = await setup(t);
  const long = await session();
  long.write(`MAIL FROM:<${'a'.repeat(200_000)}@example.org>\r\n`);
  const reply = await long.reply();
  t.is(reply.code, 421);
  t.regex(reply.lines.join(' '), /too long/i);
  await t.throwsAsync(long.command('NOOP'), { message: /closed/ });

  const nul = await session();
  t.is((await nul.command('MAIL FROM:<a\u0000b@example.org>')).code, 501);
  t.is((await nul.command(`RCPT TO:<${TO}>`)).code, 503, 'no transaction was opened');
  t.is((await nul.command('NOOP')).code, 250, 'the session goes on');
  await stillDelivers(t, session, s);
});

test('DATA without RCPT (or without MAIL) is 503 and nothing is stored', async (t) => {
  const { s, session } = await setup(t);
  const c = await session();
  t.is((await c.command('DATA')).code, 503);
  t.is((await c.command('MAIL FROM:<a@example.org>')).code, 250);
  t.is((await c.command('RCPT TO:<nobody@example.com>')).code, 550);
  const data = await c.command('DATA');
  t.is(data.code, 503);
  t.regex(data.lines.join(' '), /RCPT/);
  t.deepEqual(await inbox(s), []);
  await stillDelivers(t, session, s);
});

test('thousands of RCPT: past the limit each is 452, and the message is delivered once to the accepted ones', async (t) => {
  t.timeout(60_000);
  const { s, session } = await setup(t);
  const c = await session();
  t.is((await c.command('MAIL FROM:<a@example.org>')).code, 250);
  const codes = new Map<number, number>();
  for (let i = 0; i < 3000; i++) {
    const r = await c.command(`RCPT TO:<ivy+tag${i}@example.com>`);
    codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
  }
  t.deepEqual(Object.fromEntries(codes), { 250: 1000, 452: 2000 });
  t.is((await c.command('DATA')).code, 354);
  c.write(dataPayload('Subject: to many tags\r\n\r\none mailbox, one copy\r\n'));
  t.is((await c.reply()).code, 250);
  t.is((await inbox(s)).filter((m) => m.subject === 'to many tags').length, 1);
  await stillDelivers(t, session, s);
});

test('bare LF never ends DATA (no SMTP smuggling): only CRLF.CRLF does, and what came before is one message', async (t) => {
  const { s, session } = await setup(t);
  const c = await session();
  t.is((await c.command('MAIL FROM:<a@example.org>')).code, 250);
  t.is((await c.command(`RCPT TO:<${TO}>`)).code, 250);
  t.is((await c.command('DATA')).code, 354);
  // "\n.\n", "\n.\r\n" and "\r\n.\n" would each end DATA on a lax server and let the rest pass as
  // a second, smuggled transaction.
  const body =
    'Subject: bare lf\nX-Bare: yes\n\nline one\n.\nMAIL FROM:<evil@example.org>\r\n' +
    `RCPT TO:<${TO}>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\n.\r\nmore\r\n.\nend\r\n.\r\n`;
  c.write(Buffer.from(body, 'latin1'));
  const reply = await c.reply();
  t.is(reply.code, 250, 'one answer, for one message');
  t.is((await c.command('NOOP')).code, 250, 'no stray replies of a smuggled transaction follow');
  const stored = await inbox(s);
  t.deepEqual(stored.map((m) => m.subject), ['bare lf']);
  t.true(stored[0]!.raw.includes(Buffer.from('Subject: smuggled')), 'the "smuggled" part is body text of the one message');
  await stillDelivers(t, session, s);
});

test('NUL bytes and invalid UTF-8 in a message: delivered, stored byte for byte, subject readable', async (t) => {
  const { s, log, session } = await setup(t);
  const c = await session();
  const message = Buffer.from('Subject: caf\xe9 \xff\xfe\r\nFrom: \xc3\x28@example.org\r\n\r\nbody\0with a NUL and \xff\xfe\r\n', 'latin1');
  const reply = await transaction(c, 'a@example.org', [TO], message);
  t.is(reply.code, 250);
  const [stored] = await inbox(s);
  t.truthy(stored);
  // The MDA adds Return-Path/Delivered-To in front; the message itself is unchanged.
  t.true(stored!.raw.subarray(stored!.raw.length - message.length).equals(message));
  t.true(stored!.subject.startsWith('caf'));
  t.deepEqual(log.lines.filter((l) => l.level === 'error'), []);
  await stillDelivers(t, session, s);
});

test('a 2 MB line inside DATA is accepted within the size limit; past the limit it is 552 and nothing is stored', async (t) => {
  const { s, session } = await setup(t, { maxMessageSize: 3 * 1024 * 1024 });
  const c = await session();
  t.is((await transaction(c, 'a@example.org', [TO], `Subject: long line\r\n\r\n${'x'.repeat(2_000_000)}\r\n`)).code, 250);
  const big = await transaction(c, 'a@example.org', [TO], `Subject: too big\r\n\r\n${'y'.repeat(4_000_000)}\r\n`);
  t.is(big.code, 552);
  t.deepEqual((await inbox(s)).map((m) => m.subject), ['long line']);
  await stillDelivers(t, session, s);
});
