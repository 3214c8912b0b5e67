// The crash test on PostgreSQL, short form (scripts/crash-test.ts --store postgres runs 20
// rounds): kill -9 a `serve` node under SMTP load, restart it on the same database, and every
// message that got a 250 is there exactly once, none half-delivered, every delivery's rows whole
// (scripts/lib/crash-pg.ts). And those whole-row checks do find a half-written delivery.

import { pgCrashStore, pgIntegrity, messageWithAttachment } from '../../scripts/lib/crash-pg.js';
import { runCrashTest } from '../../scripts/lib/crash-round.js';
import { pgDatabase, pgTest as test } from '../helpers/postgres.js';
import { startTestServer } from '../helpers/server.js';
import { sendWireMessage } from '../helpers/swaks.js';

test('acknowledged mail survives kill -9 of the node exactly once, every delivery whole', async (t) => {
  t.timeout(180_000);
  const db = await pgDatabase(t, { migrated: true });
  const report = await runCrashTest({ rounds: 2, connections: 3, killAfterMs: [200, 700], store: pgCrashStore(db.url) });
  t.deepEqual(report.failures, []);
  t.is(report.rounds.length, 2);
  // Every round must have had acknowledged mail in flight when it was killed, or it proved nothing.
  for (const r of report.rounds) t.true(r.acknowledged > 0, `round ${r.round}`);
});

test('the PostgreSQL integrity checks find each kind of half-written delivery', async (t) => {
  const db = await pgDatabase(t, { migrated: true });
  const store = pgCrashStore(db.url);
  await store.setup();
  const server = await startTestServer({ store: db.url, parseWorkers: 0 });
  t.teardown(() => server.stop());
  for (let i = 1; i <= 6; i++) {
    await sendWireMessage(server.smtpPort, Buffer.from(messageWithAttachment(`m${i}`, store.recipients)), {
      from: 'load@example.org',
      to: store.recipients,
    });
  }
  t.deepEqual(await pgIntegrity(db.url, store.recipients), [], 'whole deliveries pass');

  const sql = await db.client();
  const first = (await sql.query<{ id: number }>('SELECT id FROM accounts WHERE address = $1', [store.recipients[0]])).rows[0]!.id;
  const m = (await sql.query<{ id: number; subject: string }>('SELECT id, subject FROM messages WHERE account_id = $1 ORDER BY id', [first])).rows;
  const id = (subject: string) => m.find((r) => r.subject === subject)!.id;
  await sql.query('DELETE FROM attachments WHERE message_id = $1', [id('m1')]);
  await sql.query('UPDATE messages SET raw = substring(raw from 1 for 10) WHERE id = $1', [id('m2')]);
  await sql.query('DELETE FROM items WHERE message_id = $1', [id('m3')]);
  await sql.query('DELETE FROM messages_fts WHERE message_id = $1', [id('m4')]);
  await sql.query(
    'UPDATE items SET created_modseq = (SELECT created_modseq FROM items WHERE message_id = $2) WHERE message_id = $1',
    [id('m5'), id('m6')],
  );
  await sql.query('UPDATE attachments SET content = $2 WHERE message_id = $1', [id('m6'), Buffer.from('short')]);
  await sql.query('UPDATE accounts SET modseq = 1 WHERE id = $1', [first]);

  const found = (await pgIntegrity(db.url, store.recipients)).map((f) => f.slice(0, f.indexOf(':')));
  t.deepEqual(found.sort(), [
    '"add" journal row of the run without its item',
    'account whose modseq is behind its own items',
    'account whose modseq is behind its own journal',
    'attachment whose content is not the recorded size',
    'message no item refers to (a delivery left half-written)',
    'message whose attachment rows are not all there',
    'message without its full-text entry',
    'message without its raw bytes, or raw of another size than recorded',
    'modseq taken by two deliveries of one account (each delivery is one modseq of its own)',
  ]);
});
