// EasDeps.deliverLocal: a phone's SendMail to local addresses takes the SMTP delivery path.

import test from 'ava';
import { createDeliverLocal, createLocalDelivery, parseMessage, SmtpReplyError } from '../../plugin/index.js';
import { memoryLogger, startDelivery } from './setup.js';

test('delivers to every local recipient with MDA headers in the message\'s own line endings', async (t) => {
  const f = await startDelivery();
  t.teardown(() => f.close());
  const bob = await f.store.createAccount('bob@example.com', 'secret');
  const carol = await f.store.createAccount('carol@example.com', 'secret');
  const log = memoryLogger();
  const deliverLocal = createDeliverLocal(createLocalDelivery({ store: f.store, parse: parseMessage, log }));

  const raw = Buffer.from('From: bob@example.com\nSubject: from my phone\n\nhi carol\n');
  await deliverLocal({ from: 'bob@example.com', to: ['carol@example.com', 'bob@example.com'] }, raw);

  const stored = (await f.store.getBody(carol.id, (await f.inbox(carol))[0]!.id))!.raw.toString();
  t.is(stored, 'Return-Path: <bob@example.com>\nDelivered-To: carol@example.com\n' + raw.toString());
  t.is((await f.inbox(bob)).length, 1);
  t.like(log.lines.find((l) => l.msg === 'delivered')?.fields, { via: 'eas', from: 'bob@example.com' });
});

test('a recipient that is not local refuses the whole message and stores nothing', async (t) => {
  const f = await startDelivery();
  t.teardown(() => f.close());
  const carol = await f.store.createAccount('carol@example.com', 'secret');
  const deliverLocal = createDeliverLocal(createLocalDelivery({ store: f.store, parse: parseMessage, log: memoryLogger() }));

  const err = await t.throwsAsync(deliverLocal({ from: 'bob@example.com', to: ['carol@example.com', 'nobody@example.com'] }, Buffer.from('Subject: x\r\n\r\ny\r\n')));
  t.true(err instanceof SmtpReplyError);
  t.is((err as SmtpReplyError).responseCode, 550);
  t.is((await f.inbox(carol)).length, 0);
});

test('a delivery tells the parser whether it is alone: a second one while the first is in flight is not', async (t) => {
  const f = await startDelivery();
  t.teardown(() => f.close());
  const carol = await f.store.createAccount('carol@example.com', 'secret');
  const hints: (boolean | undefined)[] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const parse = async (raw: Buffer, receivedAt?: Date, hint?: { alone?: boolean }) => {
    hints.push(hint?.alone);
    if (hints.length === 1) await held; // the first delivery is still parsing when the second starts
    return await parseMessage(raw, receivedAt);
  };
  const deliver = createLocalDelivery({ store: f.store, parse, log: memoryLogger() });
  const envelope = { from: 'bob@example.com', to: ['carol@example.com'] };
  const first = deliver(envelope, Buffer.from('Subject: one\r\n\r\n1\r\n'), { via: 'smtp' });
  const second = deliver(envelope, Buffer.from('Subject: two\r\n\r\n2\r\n'), { via: 'smtp' });
  await second;
  release();
  await first;
  await deliver(envelope, Buffer.from('Subject: three\r\n\r\n3\r\n'), { via: 'smtp' });
  t.deepEqual(hints, [true, false, true]);
  t.is((await f.inbox(carol)).length, 3);
});
