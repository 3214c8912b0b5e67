// The heartbeat deadlines of every parked request in one place (docs/push.md rule 11): a binary
// min-heap ordered by deadline, with ONE Node timer armed for the earliest. Measured against a
// setTimeout per waiter by `npm run bench -- deadlines` (README "Benchmarks"): each entry costs
// two numbers on its owner and a heap slot instead of a Timeout object and its argument array.
// Entries carry their heap index, so removing one (answered, superseded, gone) is O(log n) and
// nothing stays queued, or reachable, after its request has been answered.

import { performance } from 'node:perf_hooks';

/** What an entry carries: the queue writes both fields; -1 means "not queued". */
export interface DeadlineEntry {
  deadlineAt: number;
  heapIndex: number;
}

/**
 * A timer fires on Node's millisecond loop clock, which can run slightly ahead of
 * performance.now(); an entry due within this margin is expired on that firing.
 */
const SLACK_MS = 1;

export class DeadlineQueue<T extends DeadlineEntry> {
  private readonly heap: T[] = [];
  private readonly onExpire: (entry: T) => void;
  private timer: NodeJS.Timeout | null = null;
  /** The deadline the timer is armed for (Infinity: none). */
  private armedAt = Infinity;
  private readonly fire = (): void => this.expireDue();

  /** `onExpire` is called once per entry whose deadline has passed, after it left the queue. */
  constructor(onExpire: (entry: T) => void) {
    this.onExpire = onExpire;
  }

  get size(): number {
    return this.heap.length;
  }

  /** Queues `entry` to expire `ms` from now (performance.now() clock). */
  add(entry: T, ms: number): void {
    if (entry.heapIndex >= 0) this.remove(entry);
    entry.deadlineAt = performance.now() + ms;
    entry.heapIndex = this.heap.length;
    this.heap.push(entry);
    this.up(entry.heapIndex);
    if (entry.deadlineAt < this.armedAt) this.arm();
  }

  /** Takes `entry` out; a no-op when it is not queued (already expired or removed). */
  remove(entry: T): void {
    const i = entry.heapIndex;
    if (i < 0 || this.heap[i] !== entry) return;
    entry.heapIndex = -1;
    const last = this.heap.pop()!;
    if (i < this.heap.length) {
      this.place(last, i);
      this.down(i);
      this.up(last.heapIndex);
    }
    // Nothing left: no timer keeps the process alive. Otherwise a timer armed for an earlier
    // deadline finds nothing due when it fires and re-arms: cheaper than re-arming per removal.
    if (this.heap.length === 0) this.disarm();
  }

  /** Empties the queue without expiring anything (shutdown answers each entry itself). */
  clear(): void {
    for (const e of this.heap) e.heapIndex = -1;
    this.heap.length = 0;
    this.disarm();
  }

  private expireDue(): void {
    this.timer = null;
    this.armedAt = Infinity;
    const now = performance.now() + SLACK_MS;
    try {
      while (this.heap.length > 0 && this.heap[0]!.deadlineAt <= now) {
        const entry = this.heap[0]!;
        this.remove(entry);
        this.onExpire(entry);
      }
    } finally {
      // Also when onExpire threw: the other entries still expire.
      if (this.heap.length > 0 && this.timer === null) this.arm();
    }
  }

  private arm(): void {
    const first = this.heap[0];
    if (first === undefined) return this.disarm();
    if (this.timer !== null) clearTimeout(this.timer);
    this.armedAt = first.deadlineAt;
    this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(first.deadlineAt - performance.now())));
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = Infinity;
  }

  private place(entry: T, i: number): void {
    this.heap[i] = entry;
    entry.heapIndex = i;
  }

  private up(i: number): void {
    const heap = this.heap;
    const entry = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.deadlineAt <= entry.deadlineAt) break;
      this.place(heap[parent]!, i);
      i = parent;
    }
    this.place(entry, i);
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const entry = heap[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1]!.deadlineAt < heap[child]!.deadlineAt) child++;
      if (heap[child]!.deadlineAt >= entry.deadlineAt) break;
      this.place(heap[child]!, i);
      i = child;
    }
    this.place(entry, i);
  }
}
