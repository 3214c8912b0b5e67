// `eas-push serve` as a process: accounts added by another process receive mail at once over
// SMTP and LMTP; a 250 survives kill -9; SIGTERM stops cleanly; startup errors are one line.

import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { FolderType } from '../../store/types.js';
import { sendMail } from '../helpers/swaks.js';
import { runCli, startServe } from './run.js';
import { mail } from '../helpers/items.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function inboxSubjects(dataDir: string, address: string): Promise<string[]> {
  const store = openStore(join(dataDir, 'eas-push.sqlite'));
  try {
    const account = await store.findAccount(address);
    if (!account) return [];
    const inbox = (await store.folderByType(account.id, FolderType.Inbox))!;
    return (await store.listItems(account.id, inbox.id)).map((item) => mail(item).summary.subject);
  } finally {
    await store.close();
  }
}

test('configured from the environment, a user added by another process gets SMTP and LMTP mail; a 250 survives kill -9', async (t) => {
  const dataDir = tempDir(t);
  // Everything from EAS_PUSH_* except the log level, where the flag must win over the env.
  const serve = await startServe(['--log-level', 'info'], {
    EAS_PUSH_DATA_DIR: dataDir,
    EAS_PUSH_SMTP: '127.0.0.1:0',
    EAS_PUSH_LMTP: '127.0.0.1:0',
    EAS_PUSH_HTTP: '127.0.0.1:0',
    EAS_PUSH_LOG_LEVEL: 'error',
  });
  t.teardown(() => void serve.child.kill('SIGKILL'));

  const added = await runCli(['user', 'add', 'Dana@Example.com', '--password-stdin', '--data-dir', dataDir], { input: 'hunter2-secret\n' });
  t.is(added.code, 0, added.stderr);
  t.is(added.stdout, 'added dana@example.com\n');

  const smtp = await sendMail({ port: serve.port('smtp'), to: 'dana@example.com', subject: 'over smtp', body: 'one' });
  t.is(smtp.code, 0, smtp.stdout);
  const lmtp = await sendMail({ port: serve.port('lmtp'), lmtp: true, to: 'dana+tag@example.com', subject: 'over lmtp', body: 'two' });
  t.is(lmtp.code, 0, lmtp.stdout);

  const delivered = await serve.waitForLog((r) => r.msg === 'delivered' && r.via === 'lmtp');
  t.like(delivered, { level: 'info', from: 'sender@example.org', recipients: ['dana+tag@example.com'] });
  t.is(typeof delivered.size, 'number');
  t.is(typeof delivered.ms, 'number');

  // The process dies the moment after the 250: the message must already be on disk.
  const last = await sendMail({ port: serve.port('smtp'), to: 'dana@example.com', subject: 'right before the crash', body: 'three' });
  t.is(last.code, 0);
  serve.child.kill('SIGKILL');
  const exit = await serve.exited;
  t.is(exit.signal, 'SIGKILL');

  t.deepEqual((await inboxSubjects(dataDir, 'dana@example.com')).sort(), ['over lmtp', 'over smtp', 'right before the crash']);
  t.false(exit.stdout.includes('hunter2-secret'), 'no password in the log');
  t.is(exit.stderr, '');
});

test('SIGTERM: stops accepting, closes the database and exits 0', async (t) => {
  const dataDir = tempDir(t);
  const serve = await startServe(['--data-dir', dataDir, '--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0']);
  t.teardown(() => void serve.child.kill('SIGKILL'));
  const port = serve.port('smtp');

  serve.child.kill('SIGTERM');
  const exit = await serve.exited;
  t.is(exit.code, 0, exit.stderr);
  t.regex(exit.stdout, /"msg":"stopped"/);
  await t.throwsAsync(
    new Promise((resolve, reject) => net.connect(port, '127.0.0.1').once('connect', resolve).once('error', reject)),
    { code: 'ECONNREFUSED' },
  );
});

test('a port in use is one clear line and a non-zero exit', async (t) => {
  const dataDir = tempDir(t);
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => blocker.close());
  const { port } = blocker.address() as net.AddressInfo;

  for (const [flag, what] of [['--smtp', 'SMTP'], ['--http', 'HTTP']] as const) {
    const args = ['serve', '--data-dir', dataDir, '--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0', flag, `127.0.0.1:${port}`];
    const res = await runCli(args);
    t.is(res.code, 1);
    t.is(res.stderr, `eas-push: cannot listen for ${what} on 127.0.0.1:${port}: address already in use\n`);
    t.is(res.stdout, '', 'nothing else: the one line says it all');
  }
});

test('an unusable data directory is one clear line and a non-zero exit', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'not-a-dir');
  writeFileSync(file, 'x');

  const under = await runCli(['serve', '--data-dir', join(file, 'data'), '--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0']);
  t.is(under.code, 1);
  t.is(under.stderr, `eas-push: cannot create data directory ${join(file, 'data')}: a parent is not a directory\n`);

  const user = await runCli(['user', 'list', '--data-dir', file]);
  t.is(user.code, 1);
  t.is(user.stderr, `eas-push: data directory ${file} is not a directory\n`);

  // Permission bits do not stop root, so this part only means something for other users.
  if (process.getuid?.() !== 0) {
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o500 });
    const denied = await runCli(['user', 'list', '--data-dir', locked]);
    t.is(denied.code, 1);
    t.is(denied.stderr, `eas-push: data directory ${locked} is not writable: permission denied\n`);
  }
});
