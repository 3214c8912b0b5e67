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
