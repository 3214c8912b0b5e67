// EasDeps.deliverLocal: a phone's SendMail to local addresses takes the SMTP delivery path.

import test from 'ava';
import { createDeliverLocal, createLocalDelivery, parseMessage, SmtpReplyError } from '../../plugin/index.js';
import { FolderType } from '../../store/types.js';
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

test("what the commit wakes (the feed's listeners and their promise chains: a parked Ping's answer) runs before the delivery's full-text entry, log line and reply", async (t) => {
  const f = await startDelivery();
  t.teardown(() => f.close());
  const carol = await f.store.createAccount('carol@example.com', 'secret');
  const inbox = (await f.store.folderByType(carol.id, FolderType.Inbox))!.id;
  const order: string[] = [];
  // A waiter as the push registry is one: woken by the feed inside the commit, it reads the
  // store and answers a few promise steps later.
  f.store.feed.subscribe(carol.id, [inbox], () => {
    void (async () => {
      for (let step = 0; step < 20; step++) await Promise.resolve();
      order.push('answer');
    })();
  });
  const log = memoryLogger();
  const store = { ...f.store, indexPending: async () => { order.push('index'); return await f.store.indexPending(); } };
  const deliver = createLocalDelivery({ store, parse: parseMessage, log: { ...log, info: (msg, fields) => { order.push(msg); log.info(msg, fields); } } });
  await deliver({ from: 'bob@example.com', to: ['carol@example.com'] }, Buffer.from('Subject: woken\r\n\r\nfirst\r\n'), { via: 'smtp' });
  order.push('reply');
  t.deepEqual(order, ['answer', 'index', 'delivered', 'reply']);
  // The delivery wrote its entry: nothing is left for the next search to do.
  t.is(await f.store.indexPending(), 0);
  t.is((await f.store.search({ accountId: carol.id, text: 'woken', rangeStart: 0, rangeEnd: 9 })).total, 1);
});
