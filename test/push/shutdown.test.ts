// docs/push.md rule 8: on SIGTERM every parked request is answered (Status 1) before the process
// exits. The CLI runs as a child process, as a service manager runs it.

import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databasePath } from '../../bin/data-dir.js';
import { FolderType } from '../../store/index.js';
import { openStoreAt } from '../../store/open.js';
import { createEasClient } from '../helpers/eas-client.js';
import { testStoreFor } from '../helpers/server.js';
import { ping, readPing, until } from './helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

test('SIGTERM answers every parked Ping before the process exits', async (t) => {
  t.timeout(45_000);
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-sigterm-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // The data dir's SQLite file, or under EAS_PUSH_TEST_STORE=postgres a database of its own.
  const store = await testStoreFor(dir);
  t.teardown(() => store.drop());
  const location = store.location ?? `sqlite:${databasePath(dir)}`;
  // The account is made before the server starts, as `eas-push user add` would.
  const setup = await openStoreAt(location);
  const alice = await setup.createAccount('alice@example.com', 'secret');
  const inbox = String((await setup.folderByType(alice.id, FolderType.Inbox))!.id);
  await setup.close();

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bin/eas-push.ts'), 'serve', ...store.args, '--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0', '--heartbeat-min', '1'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let output = '';
  const port = await new Promise<number>((resolvePort, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      const m = /"msg":"listening".*?"http":"127\.0\.0\.1:(\d+)"/.exec(output);
      if (m) resolvePort(Number(m[1]));
    });
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });

  const devices = ['PHONEA', 'PHONEB', 'PHONEC'];
  const answers = devices.map((deviceId) =>
    ping(createEasClient({ port, user: 'alice@example.com', password: 'secret', deviceId }), 3000, [inbox]),
  );
  // Ping caches its parameters on the device row right before it parks, so once all three rows
  // show the 3000 s heartbeat all three are parked or parking; one still parking when SIGTERM
  // comes is answered the same way (docs/push.md rule 8).
  const watch = await openStoreAt(location);
  try {
    await until(
      async () => {
        for (const d of devices) if ((await watch.getDevice(alice.id, d))?.pingHeartbeat !== 3000) return false;
        return true;
      },
      'three Pings parked',
      20_000,
    );
  } finally {
    await watch.close();
  }

  child.kill('SIGTERM');
  const results = await Promise.all(answers);
  for (const r of results) t.is(readPing(r).status, 1);
  t.is(await exited, 0);
  const ended = output.split('\n').filter((l) => l.includes('parked request ended') && l.includes('"outcome":"shutdown"'));
  t.is(ended.length, 3, output);
});
