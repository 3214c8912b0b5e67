// The shared heartbeat queue of the push registry (eas/push/deadlines.ts, docs/push.md rule 11):
// entries expire in deadline order, a removed entry never expires, and an empty queue holds no
// timer. Deadlines are a few ms apart; the test waits for the expiries themselves, never a sleep.

import test from 'ava';
import { DeadlineQueue, type DeadlineEntry } from '../../eas/push/deadlines.js';

interface Entry extends DeadlineEntry {
  name: number;
}

const entry = (name: number): Entry => ({ name, deadlineAt: 0, heapIndex: -1 });

test('entries expire in deadline order; removed ones never; the queue ends empty', async (t) => {
  const expired: Entry[] = [];
  let done!: () => void;
  const allDone = new Promise<void>((resolve) => (done = resolve));
  const keep = new Set<number>();
  const queue = new DeadlineQueue<Entry>((e) => {
    expired.push(e);
    if (expired.length === keep.size) done();
  });
  const entries = Array.from({ length: 300 }, (_, i) => entry(i));
  // Added out of order, with ties; every third one removed again before it is due.
  for (const e of entries) queue.add(e, 5 + ((e.name * 7919) % 40));
  for (const e of entries) {
    if (e.name % 3 === 0) queue.remove(e);
    else keep.add(e.name);
  }
  t.is(queue.size, keep.size);
  await allDone;
  t.deepEqual(expired.map((e) => e.name).sort((a, b) => a - b), [...keep].sort((a, b) => a - b));
  for (let i = 1; i < expired.length; i++) t.true(expired[i - 1]!.deadlineAt <= expired[i]!.deadlineAt, `order at ${i}`);
  for (const e of expired) t.true(performance.now() >= e.deadlineAt - 1, 'not expired early');
  t.is(queue.size, 0);
  t.true(entries.every((e) => e.heapIndex === -1));
});

test('a new earlier deadline re-arms the timer; removing twice or an unqueued entry is a no-op', async (t) => {
  const order: number[] = [];
  let done!: () => void;
  const allDone = new Promise<void>((resolve) => (done = resolve));
  const queue = new DeadlineQueue<Entry>((e) => {
    order.push(e.name);
    if (order.length === 2) done();
  });
  const late = entry(1);
  const early = entry(2);
  const gone = entry(3);
  queue.add(late, 60);
  queue.add(gone, 1);
  queue.add(early, 20);
  queue.remove(gone);
  queue.remove(gone);
  queue.remove(entry(4));
  await allDone;
  t.deepEqual(order, [2, 1]);
});

test('re-adding an entry moves its deadline; clear() drops everything without expiring it', async (t) => {
  const order: number[] = [];
  let done!: () => void;
  const allDone = new Promise<void>((resolve) => (done = resolve));
  const queue = new DeadlineQueue<Entry>((e) => {
    order.push(e.name);
    done();
  });
  const a = entry(1);
  queue.add(a, 1);
  queue.add(a, 15);
  t.is(queue.size, 1);
  const b = entry(2);
  queue.add(b, 5);
  queue.remove(b);
  await allDone;
  t.deepEqual(order, [1]);
  const c = entry(3);
  queue.add(c, 1);
  queue.clear();
  t.is(queue.size, 0);
  t.is(c.heapIndex, -1);
});
