// Imported mail and parked phones (docs/push.md rule 12): `mail import` without --push does not
// wake a Ping parked on the folder, though the server has looked at the import's commits; the
// phone's next Sync gets the mail all the same. With --push the import's commit answers the Ping
// (Status 2, that folder), as a delivery would.

import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../cli/run.js';
import { parked, ping, pushWorld, readPing, syncAll, syncOnce, until } from '../push/helpers.js';
import { place } from './harness.js';

/** Beyond any test's time: only a wake can answer the Ping. */
const NEVER = 3000;

function mbox(file: string, subjects: string[]): void {
  writeFileSync(file, subjects.map((s, i) => `From bob@example.org Mon Jan  1 10:0${i}:00 2024\nFrom: bob@example.org\nSubject: ${s}\n\nbody\n\n`).join(''));
}

test('an import wakes parked phones only with --push; without it the mail comes at the next Sync', async (t) => {
  const w = await pushWorld(t);
  const p = await place(t, false);
  const { syncKey } = await syncAll(w.phone, w.inbox);
  const answer = ping(w.phone, NEVER, [w.inbox]);
  await until(async () => await parked(w, w.phone), 'the phone\'s Ping parked');

  const quiet = join(p.dir, 'quiet.mbox');
  mbox(quiet, ['quiet one', 'quiet two']);
  const r = await runCli(['mail', 'import', 'alice@example.com', quiet, ...w.ts.storeArgs]);
  t.is(r.code, 0, r.stderr);
  // The server's look at other processes' commits, run now rather than waited for.
  await w.ts.store.publishExternalCommits();
  await new Promise((resolve) => setImmediate(resolve));
  t.true(await parked(w, w.phone), 'the Ping is still parked after the quiet import');

  const loud = join(p.dir, 'loud.mbox');
  mbox(loud, ['pushed one']);
  const pushed = await runCli(['mail', 'import', 'alice@example.com', loud, '--push', ...w.ts.storeArgs]);
  t.is(pushed.code, 0, pushed.stderr);
  t.regex(pushed.stdout, /imported 1 message into Inbox .*, pushed\n$/);
  const woken = readPing(await answer);
  t.is(woken.status, 2);
  t.deepEqual(woken.folders, [w.inbox]);

  // The next Sync brings all three, the quiet ones included.
  const next = await syncOnce(w.phone, w.inbox, syncKey);
  t.is(next.status, 1);
  t.deepEqual(next.adds.map((a) => a.subject).sort(), ['pushed one', 'quiet one', 'quiet two']);
});
