// MIME parsing on worker threads. At delivery the main thread speaks SMTP, writes SQLite and
// answers 250 after COMMIT; the parse (mailparser, about a third of that thread's time for a
// 4 KB message) runs beside it on another core. The result is the same ParsedMessage the
// in-thread parseMessage() returns, so what is stored does not change.
//
// A small message that arrives while nothing else is being parsed, and (when the caller says so,
// ParseHint) no other delivery is being worked on, is parsed on the calling thread instead:
// handing it to a worker and back costs more than parsing it (a 4 KB message: about 0.4 ms
// in-thread against 1.3 ms through a worker on 2 cores, measured with `npm run bench --
// invite`), and that time is the push latency of a quiet server. As soon as parses
// overlap, or deliveries do, the parses go to the workers: under load the calling thread keeps
// to SMTP and commits, and throughput is the workers' as before.
//
// Never a way to lose mail: when a worker cannot start, dies, or the pool is closed, the
// message is parsed on the calling thread instead (what happens without a pool). A worker
// that fails before it ever answered turns the pool off (its entry script is unusable) rather
// than being restarted in a loop.
//
// The worker script (`entry`) is plugin/parse-worker.ts beside this file when running from
// source under tsx (workers inherit node's --import tsx) or parse-worker.js when compiled. A
// single-file bundle passes its own path and starts with `if (isParseWorker()) …` (see
// parse-worker.ts); in a CommonJS bundle import.meta.url is empty, so there is no default.

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ParsedMessage } from '../store/types.js';
import { siblingEntry, startWorkerThread } from '../store/worker-start.js';
import { describeError } from './errors.js';
import { parseMessage, type ParseHint, type ParseMessage } from './parse.js';
import { PARSE_WORKER_ROLE, type ParseRequest, type ParseResponse } from './parse-worker.js';
import type { DeliveryLogger } from './types.js';

export interface ParsePoolOptions {
  /** Worker threads; 0 parses on the calling thread. See defaultParseWorkers(). */
  workers: number;
  /** Script each worker runs; default: parse-worker.ts/.js beside this module. */
  entry?: string | URL | null;
  log: DeliveryLogger;
  /** Parses when no worker can; default parseMessage (the same code the workers run). */
  fallback?: ParseMessage;
  /** Node flags for the workers; default inherited (carries tsx's loader when running from source). */
  execArgv?: string[];
  /**
   * Messages smaller than this many bytes are parsed on the calling thread when no other parse
   * is in flight and the caller's ParseHint does not say otherwise; default INLINE_BELOW. 0 sends
   * every message to the workers.
   */
  inlineBelow?: number;
}

/** See the file comment: below this size, a worker's round trip costs more than the parse. */
export const INLINE_BELOW = 32 * 1024;

export interface ParsePool {
  parse: ParseMessage;
  /** Workers running now (for the log and tests). */
  readonly size: number;
  /** Lets parses in flight finish, then stops the workers; later parses run in-thread. */
  close(): Promise<void>;
}

interface Job {
  raw: Buffer;
  receivedAt: Date;
  resolve: (parsed: ParsedMessage) => void;
  reject: (err: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  jobs: Map<number, Job>;
}

/** One fewer than the cores (the main thread has one), at most 4: parsing is not all there is. */
export function defaultParseWorkers(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

export function defaultParseWorkerEntry(): URL | null {
  // Empty in a CommonJS bundle (esbuild leaves import.meta as {}).
  return siblingEntry((import.meta as { url?: string }).url, 'parse-worker');
}

/** Restarts after this many crashes in a row (no parse answered between) are given up. */
const MAX_CONSECUTIVE_CRASHES = 5;

/** Structured clone turns Buffers into plain Uint8Arrays; the store wants Buffers. */
function revive(parsed: ParsedMessage): ParsedMessage {
  for (const a of parsed.attachments) {
    const c = a.content as Uint8Array;
    a.content = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  }
  return parsed;
}

export function createParsePool(options: ParsePoolOptions): ParsePool {
  const { log } = options;
  const fallback = options.fallback ?? parseMessage;
  const entry = options.entry === undefined ? defaultParseWorkerEntry() : options.entry;
  const slots = new Set<Slot>();
  const inFlight = new Set<Promise<ParsedMessage>>();
  let nextId = 1;
  let closed = false;
  let disabled = options.workers <= 0 || entry === null;
  let crashes = 0;

  if (options.workers > 0 && entry === null) log.warn('parse workers off: no worker entry script; parsing in the main thread');

  const inThread = (job: Job): void => {
    // parseMessage never rejects; if a custom fallback does, the delivery answers 451.
    fallback(job.raw, job.receivedAt).then(job.resolve, job.reject);
  };

  const disable = (reason: string): void => {
    if (disabled) return;
    disabled = true;
    log.error('parse workers off; parsing in the main thread', { reason });
  };

  function spawn(): Slot {
    const worker = startWorkerThread(entry!, PARSE_WORKER_ROLE, options.execArgv);
    // An idle worker must not keep the process alive (a forgotten close() would hang exit);
    // it is referenced while it has messages to answer.
    worker.unref();
    const slot: Slot = { worker, ready: false, jobs: new Map() };
    slots.add(slot);
    let failure: string | null = null;
    worker.on('message', (msg: ParseResponse) => {
      if ('ready' in msg) {
        slot.ready = true;
        return;
      }
      const job = slot.jobs.get(msg.id);
      if (!job) return;
      slot.jobs.delete(msg.id);
      if (slot.jobs.size === 0) worker.unref();
      if ('parsed' in msg) {
        crashes = 0;
        job.resolve(revive(msg.parsed));
      } else {
        log.warn('parse worker failed a message; parsing it in the main thread', { error: msg.error });
        inThread(job);
      }
    });
    worker.on('error', (err) => {
      failure = describeError(err);
    });
    worker.on('exit', (code) => {
      slots.delete(slot);
      const orphans = [...slot.jobs.values()];
      slot.jobs.clear();
      if (!closed) {
        const reason = failure ?? `exit code ${code}`;
        if (!slot.ready) disable(`worker did not start: ${reason}`);
        else if (++crashes >= MAX_CONSECUTIVE_CRASHES) disable(`${crashes} worker crashes in a row, last: ${reason}`);
        else log.warn('parse worker stopped; starting another', { reason, inFlight: orphans.length });
      }
      // Whatever the worker had not answered is parsed here: the sender is still waiting.
      for (const job of orphans) inThread(job);
    });
    return slot;
  }

  function pick(): Slot | null {
    if (disabled || closed) return null;
    while (slots.size < options.workers) {
      try {
        spawn();
      } catch (err) {
        disable(`worker did not start: ${describeError(err)}`);
        return null;
      }
    }
    let best: Slot | null = null;
    for (const s of slots) if (!best || s.jobs.size < best.jobs.size) best = s;
    return best;
  }

  const inlineBelow = options.inlineBelow ?? INLINE_BELOW;

  const parse: ParseMessage = (raw, receivedAt = new Date(), hint: ParseHint = {}) => {
    const alone = (hint.alone ?? true) && inFlight.size === 0 && raw.byteLength < inlineBelow;
    const work = new Promise<ParsedMessage>((resolve, reject) => {
      const job: Job = { raw, receivedAt, resolve, reject };
      if (alone) return inThread(job);
      const slot = pick();
      if (!slot) return inThread(job);
      const id = nextId++;
      slot.jobs.set(id, job);
      if (slot.jobs.size === 1) slot.worker.ref();
      // A copy of exactly the message (raw may be a view into a larger buffer) that the worker
      // then owns: one copy, no second one on the way.
      const bytes = new Uint8Array(raw.byteLength);
      bytes.set(raw);
      const request: ParseRequest = { id, raw: bytes, receivedAt: receivedAt.getTime() };
      slot.worker.postMessage(request, [bytes.buffer]);
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  };

  // Start the workers now, so the first message does not wait for one to load.
  pick();

  return {
    parse,
    get size() {
      return slots.size;
    },
    async close() {
      if (closed) return;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      closed = true;
      await Promise.all([...slots].map((s) => s.worker.terminate()));
    },
  };
}
