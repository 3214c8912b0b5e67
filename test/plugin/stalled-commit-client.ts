// Worker thread of commit-before-250.test.ts. The delivery server runs on the test's main
// thread, whose SQLite commit is about to wait on busy_timeout (and so block that whole
// thread), so the two things the test needs while it waits live here, on a thread of their
// own: a second connection holding the database's write lock (BEGIN IMMEDIATE), and the SMTP
// client that watches for a reply to DATA while the commit cannot happen.
//
// Steps: take the lock; send one message; when the main thread flags that the delivery has
// reached the store's commit, keep the lock for a while and record every reply that arrives
// (there must be none); release the lock (flagging it first); then wait for the reply to
// DATA, QUIT, and post what was seen.

import { connect, type Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface StalledCommitJob {
  /** The store's SQLite file. */
  file: string;
  port: number;
  from: string;
  to: string;
  /** The message, CRLF line endings, without the final dot. */
  message: string;
  /** Int32Array over it: [AT_COMMIT] set by the main thread, [RELEASED] by this one. */
  flags: SharedArrayBuffer;
  /** How long the lock is held once the delivery is at its commit. */
  stallMs: number;
}

export interface StalledCommitReport {
  /** Replies that arrived after the final dot and before the lock was released: none is right. */
  beforeCommit: string[];
  /** Whether the delivery reached the store's commit while the lock was held. */
  reachedCommit: boolean;
  /** The reply to DATA (the first one after the final dot). */
  dataReply: string;
  transcript: string[];
}

export const AT_COMMIT = 0;
export const RELEASED = 1;
/** workerData.role of this worker. */
export const ROLE = 'stalled-commit-client';

const STEP_MS = 30_000;

/** Reads whole SMTP replies (the last line of a multi-line one: "250 ...") off the socket. */
class Replies {
  private buffer = '';
  private lines: string[] = [];
  private readonly ready: string[] = [];
  private waiting: ((reply: string) => void) | null = null;
  private ended = false;
  readonly transcript: string[] = [];

  constructor(socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let eol: number;
      while ((eol = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, eol);
        this.buffer = this.buffer.slice(eol + 2);
        this.transcript.push(`<- ${line}`);
        this.lines.push(line);
        if (/^\d{3}(?: |$)/.test(line)) {
          const reply = this.lines.join('\n');
          this.lines = [];
          this.ready.push(reply);
          this.wake();
        }
      }
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  /** Replies received and not taken yet. */
  get pending(): number {
    return this.ready.length;
  }

  take(): string[] {
    return this.ready.splice(0);
  }

  async next(what: string): Promise<string> {
    const deadline = Date.now() + STEP_MS;
    while (this.ready.length === 0) {
      if (this.ended) throw new Error(`connection closed waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`no reply to ${what}`);
      await new Promise<void>((resolve) => {
        this.waiting = () => resolve();
        setTimeout(resolve, 100);
      });
      this.waiting = null;
    }
    return this.ready.shift()!;
  }

  private wake(): void {
    this.waiting?.('');
  }
}

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function run(job: StalledCommitJob): Promise<StalledCommitReport> {
  const flags = new Int32Array(job.flags);
  const lock = new Database(job.file);
  lock.exec('BEGIN IMMEDIATE');
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    Atomics.store(flags, RELEASED, 1);
    lock.exec('ROLLBACK');
    lock.close();
  };

  const socket = connect(job.port, '127.0.0.1');
  try {
    const replies = new Replies(socket);
    const send = (line: string): void => {
      replies.transcript.push(`-> ${line}`);
      socket.write(`${line}\r\n`);
    };
    const expect = async (code: string, what: string): Promise<void> => {
      const reply = await replies.next(what);
      if (!reply.startsWith(code)) throw new Error(`${what}: expected ${code}, got ${reply}\n${replies.transcript.join('\n')}`);
    };

    await expect('220', 'the greeting');
    send('EHLO client.test');
    await expect('250', 'EHLO');
    send(`MAIL FROM:<${job.from}>`);
    await expect('250', 'MAIL FROM');
    send(`RCPT TO:<${job.to}>`);
    await expect('250', 'RCPT TO');
    send('DATA');
    await expect('354', 'DATA');
    socket.write(`${job.message}\r\n.\r\n`);
    replies.transcript.push('-> (message) .');

    // Until the delivery reaches the commit, any reply to DATA is one sent before it.
    const deadline = Date.now() + STEP_MS;
    while (Atomics.load(flags, AT_COMMIT) === 0 && Date.now() < deadline) await turn();
    const reachedCommit = Atomics.load(flags, AT_COMMIT) === 1;
    // The main thread is now stuck in the commit. Bytes it wrote before are already in this
    // socket's receive buffer (loopback): two turns of this loop read them. Then hold on a
    // little longer, for anything slower.
    await turn();
    await turn();
    await new Promise((resolve) => setTimeout(resolve, job.stallMs));
    const beforeCommit = replies.take();

    release();
    const dataReply = beforeCommit[0] ?? (await replies.next('the end of DATA'));
    send('QUIT');
    await replies.next('QUIT').catch(() => '');
    return { beforeCommit, reachedCommit, dataReply, transcript: replies.transcript };
  } finally {
    release();
    socket.destroy();
  }
}

const data = workerData as { role?: string; job: StalledCommitJob } | null;
if (parentPort && data?.role === ROLE) {
  const port = parentPort;
  run(data.job).then(
    (report) => port.postMessage({ report }),
    (err: unknown) => port.postMessage({ error: err instanceof Error ? err.stack ?? err.message : String(err) }),
  );
}
