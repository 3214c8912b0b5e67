// Graceful shutdown of the real CLI process under load: on SIGTERM it stops accepting, answers
// the parked Ping, lets the SMTP transaction already in DATA finish with its 250, closes the
// database (the WAL is checkpointed away) and exits 0; every message that got a 250 is stored
// exactly once.

import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databasePath } from '../../bin/data-dir.js';
import { openSession, transaction } from '../../scripts/lib/raw-smtp.js';
import { openStore } from '../../store/index.js';
import { FolderType } from '../../store/types.js';
import { el } from '../../eas/wbxml/tree.js';
import { runCli, startServe } from '../cli/run.js';
import { createEasClient } from '../helpers/eas-client.js';
import { until } from '../push/helpers.js';
import { mail } from '../helpers/items.js';
import { refused } from '../helpers/net.js';
import { sqliteOnly } from '../helpers/server.js';

const USER = 'kim@example.com';
const PW = 'shutdown-pw';

const test = sqliteOnly('it checks the SQLite file and its WAL after the shutdown (the checkpoint at close)');

test('SIGTERM under load: parked Ping answered, the message in DATA gets its 250, nothing acknowledged lost, DB closed, exit 0', async (t) => {
  t.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-term-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.is((await runCli(['user', 'add', USER, '--password', PW, '--data-dir', dir])).code, 0);

  const serve = await startServe(['--data-dir', dir, '--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0', '--heartbeat-min', '1']);
  t.teardown(() => void serve.child.kill('SIGKILL'));
  const smtpPort = serve.port('smtp');
  const httpPort = serve.port('http');

  // A phone with a Ping parked for ten minutes on Sent Items, where the load below lands nothing.
  const phone = createEasClient({ port: httpPort, user: USER, password: PW, deviceId: 'KIMPHONE' });
  const sent = await phone.folderIdOfType(5);
  const ping = phone.post('Ping', el('Ping:Ping', [el('Ping:HeartbeatInterval', 600), el('Ping:Folders', [el('Ping:Folder', [el('Ping:Id', sent), el('Ping:Class', 'Email')])])]));
  const watch = openStore(databasePath(dir));
  try {
    await until(async () => (await watch.getDevice((await watch.findAccount(USER))!.id, 'KIMPHONE'))?.pingHeartbeat === 600, 'Ping parked', 20_000);
  } finally {
    await watch.close();
  }

  // Three connections delivering as fast as they can, recording every 250.
  const acked: string[] = [];
  let stop = false;
  const loaders = Array.from({ length: 3 }, async (_, c) => {
    const smtp = await openSession(smtpPort);
    for (let i = 0; !stop; i++) {
      const tag = `load-${c}-${i}`;
      try {
        const reply = await transaction(smtp, 'load@example.org', [USER], `Subject: ${tag}\r\n\r\nbody\r\n`);
        if (reply.code === 250) acked.push(tag);
      } catch {
        return; // closed by the shutdown (421 or the socket end)
      }
    }
    smtp.close();
  });
  // And one client in the middle of DATA when the signal comes.
  const slow = await openSession(smtpPort);
  t.is((await slow.command('MAIL FROM:<slow@example.org>')).code, 250);
  t.is((await slow.command(`RCPT TO:<${USER}>`)).code, 250);
  t.is((await slow.command('DATA')).code, 354);
  slow.write('Subject: in DATA at SIGTERM\r\n\r\nfirst half\r\n');
  await until(() => acked.length >= 20, 'load running', 20_000);

  serve.child.kill('SIGTERM');
  await serve.waitForLog((r) => r.msg === 'shutting down');
  const answered = await ping;
  t.is(answered.status, 200);
  t.is(answered.body?.textOf('Status'), '1', 'the parked Ping is answered (no changes) so the phone reconnects');
  // The listeners were closed in the same turn as the parked requests were answered.
  t.true(await refused(httpPort), 'no new HTTP connections');
  t.true(await refused(smtpPort), 'no new SMTP connections');

  slow.write('second half\r\n.\r\n');
  const final = await slow.reply();
  t.is(final.code, 250, 'the transaction in DATA completes');
  stop = true;
  await Promise.all(loaders);

  const exit = await serve.exited;
  t.is(exit.code, 0, exit.stderr);
  t.regex(exit.stdout, /"msg":"stopped"/);
  const wal = `${databasePath(dir)}-wal`;
  t.true(!existsSync(wal) || statSync(wal).size === 0, 'database closed cleanly: WAL checkpointed');

  const db = new Database(databasePath(dir), { readonly: true });
  t.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
  db.close();
  const store = openStore(databasePath(dir));
  const account = (await store.findAccount(USER))!;
  const subjects = (await store.listItems(account.id, (await store.folderByType(account.id, FolderType.Inbox))!.id)).map((i) => mail(i).summary.subject);
  await store.close();
  const counts = new Map<string, number>();
  for (const s of subjects) counts.set(s, (counts.get(s) ?? 0) + 1);
  t.is(counts.get('in DATA at SIGTERM'), 1);
  const missing = acked.filter((tag) => counts.get(tag) !== 1);
  t.deepEqual(missing, [], `every one of ${acked.length} acknowledged messages is stored exactly once`);
});
