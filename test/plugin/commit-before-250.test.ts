// "250 is sent only after the SQLite commit" (README, Delivery), checked while the commit is
// really held up: a second SQLite connection holds the write lock (BEGIN IMMEDIATE), as the
// CLI writing at the same moment would, so the delivery's transaction waits on busy_timeout.
// While it waits, no reply to DATA may reach the client; once the lock goes, the 250 comes
// and the message is in the store. A server that answered 250 before its commit (answering
// on receipt, committing in the background or in a later turn) fails here.
//
// The wait blocks the server's thread (better-sqlite3 is synchronous, as in production), so
// the lock holder and the SMTP client run on a worker thread (stalled-commit-client.ts).

import { Worker } from 'node:worker_threads';
import test from 'ava';
import type { Store } from '../../store/types.js';
import { startDelivery } from './setup.js';
import { AT_COMMIT, RELEASED, ROLE, type StalledCommitJob, type StalledCommitReport } from './stalled-commit-client.js';

/** How long the lock is held once the delivery is at its commit (well under busy_timeout, 5 s). */
const STALL_MS = 300;

/** The worker, from TypeScript source: Node 20 does not apply `--import tsx` to a worker's entry. */
function runClient(job: StalledCommitJob): Promise<StalledCommitReport> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./stalled-commit-client.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(boot, { eval: true, workerData: { role: ROLE, job } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { report?: StalledCommitReport; error?: string }) => {
      void worker.terminate();
      if (m.report) resolve(m.report);
      else reject(new Error(`stalled-commit client failed: ${m.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`stalled-commit client exited (${code}) without a report`)));
  });
}

test('SMTP: no reply to DATA while the commit waits for the database; 250 once it is committed', async (t) => {
  const flags = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  const commits: { waitedForRelease: boolean }[] = [];
  // The store the delivery server gets: the real one, flagging to the client thread when the
  // delivery reaches its commit (which the held lock then stalls).
  const atCommit = (store: Store): Store => ({
    ...store,
    async deliver(deliveries, parsed) {
      Atomics.store(flags, AT_COMMIT, 1);
      const items = await store.deliver(deliveries, parsed);
      commits.push({ waitedForRelease: Atomics.load(flags, RELEASED) === 1 });
      return items;
    },
  });
  const f = await startDelivery({ wrapStore: atCommit });
  t.teardown(() => f.close());
  const bob = await f.store.createAccount('bob@example.com', 'secret');

  const report = await runClient({
    file: f.file,
    port: f.port,
    from: 'alice@example.org',
    to: 'bob@example.com',
    message: ['From: alice@example.org', 'To: bob@example.com', 'Subject: held at the commit', '', 'Committed first, then 250.'].join('\r\n'),
    flags: flags.buffer as SharedArrayBuffer,
    stallMs: STALL_MS,
  });
  const transcript = report.transcript.join('\n');

  t.true(report.reachedCommit, `the delivery reached the store's commit while the lock was held\n${transcript}`);
  t.deepEqual(report.beforeCommit, [], `no reply to DATA before the commit\n${transcript}`);
  t.deepEqual(commits, [{ waitedForRelease: true }], 'one commit, made after the lock was released');
  t.regex(report.dataReply, /^250 2\.6\.0 Delivered/, transcript);
  const inbox = await f.inbox(bob);
  t.is(inbox.length, 1);
  t.regex((await f.store.getBody(bob.id, inbox[0]!.id))?.raw.toString() ?? '', /\r\nSubject: held at the commit\r\n/);
});
