// Benchmark (not a test): the heartbeat timers of N parked requests, a setTimeout per waiter
// (what eas/push/registry.ts did) against one shared deadline queue (eas/push/deadlines.ts).
// Memory is the JS heap after a forced GC, per entry, with a waiter-like owner object in both;
// time is adding N entries, then cancelling them all in random order (as answers arrive).
//
//   npm run bench -- deadlines [--n 15000] [--runs 3]

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance } from 'node:perf_hooks';
import { DeadlineQueue } from '../eas/push/deadlines.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The heartbeats phones ask for, spread as a fleet of mixed clients would (seconds). */
const HEARTBEATS = [480, 540, 900, 1200, 1680, 1740, 2700, 3540];

interface TimerOwner {
  id: number;
  timer: NodeJS.Timeout | null;
}
interface QueueOwner {
  id: number;
  deadlineAt: number;
  heapIndex: number;
}

interface Result {
  bytesPerEntry: number;
  addUs: number;
  cancelUs: number;
}

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function perTimeouts(n: number): Result {
  const owners: TimerOwner[] = [];
  const expire = (o: TimerOwner): void => void o;
  for (let i = 0; i < n; i++) owners.push({ id: i, timer: null });
  const withOwners = heapUsed();
  const t0 = performance.now();
  for (const o of owners) o.timer = setTimeout(expire, HEARTBEATS[o.id % HEARTBEATS.length]! * 1000, o);
  const t1 = performance.now();
  const withTimers = heapUsed();
  const order = shuffled(n);
  const t2 = performance.now();
  for (const i of order) {
    const o = owners[i]!;
    if (o.timer) clearTimeout(o.timer);
    o.timer = null;
  }
  const t3 = performance.now();
  return { bytesPerEntry: (withTimers - withOwners) / n, addUs: ((t1 - t0) * 1000) / n, cancelUs: ((t3 - t2) * 1000) / n };
}

function sharedQueue(n: number): Result {
  const owners: QueueOwner[] = [];
  const queue = new DeadlineQueue<QueueOwner>((o) => void o);
  // The two fields the queue needs live on the owner: counted as the queue's cost.
  for (let i = 0; i < n; i++) owners.push({ id: i } as QueueOwner);
  const withOwners = heapUsed();
  const t0 = performance.now();
  for (const o of owners) {
    o.heapIndex = -1;
    queue.add(o, HEARTBEATS[o.id % HEARTBEATS.length]! * 1000);
  }
  const t1 = performance.now();
  const withQueue = heapUsed();
  const order = shuffled(n);
  const t2 = performance.now();
  for (const i of order) queue.remove(owners[i]!);
  const t3 = performance.now();
  return { bytesPerEntry: (withQueue - withOwners) / n, addUs: ((t1 - t0) * 1000) / n, cancelUs: ((t3 - t2) * 1000) / n };
}

export async function run(argv: string[]): Promise<void> {
  let n = 15000;
  let runs = 3;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--n' && argv[i + 1]) n = Number(argv[++i]);
    else if (argv[i] === '--runs' && argv[i + 1]) runs = Number(argv[++i]);
  }
  console.log(`heartbeat deadlines of ${n} parked requests (${HEARTBEATS.length} different heartbeats), ${runs} runs, node ${process.version}`);
  console.log('way | bytes per entry (JS heap) | add µs per entry | cancel µs per entry');
  for (let r = 0; r < runs; r++) {
    for (const [name, fn] of [['setTimeout per waiter', perTimeouts], ['one deadline queue', sharedQueue]] as const) {
      const res = fn(n);
      console.log(`${name} | ${res.bytesPerEntry.toFixed(0)} | ${res.addUs.toFixed(3)} | ${res.cancelUs.toFixed(3)}`);
    }
  }
}
