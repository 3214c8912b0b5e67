// --durability normal|full (EAS_PUSH_DURABILITY): chosen from flag or environment, reported at
// start, documented in --help, and a wrong value is one usage line.

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startServe } from '../cli/run.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-dur-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('serve --help explains both durability levels', async (t) => {
  const help = await runCli(['serve', '--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /--durability normal\|full/);
  t.regex(help.stdout, /crash/);
  t.regex(help.stdout, /power loss/);
});

test('the level comes from EAS_PUSH_DURABILITY unless the flag says otherwise; the default is normal', async (t) => {
  const dataDir = tempDir(t);
  const base = ['--data-dir', dataDir, '--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0'];
  for (const [args, env, expected] of [
    [[], {}, 'normal'],
    [[], { EAS_PUSH_DURABILITY: 'full' }, 'full'],
    [['--durability', 'normal'], { EAS_PUSH_DURABILITY: 'full' }, 'normal'],
  ] as const) {
    const serve = await startServe([...base, ...args], env);
    t.teardown(() => void serve.child.kill('SIGKILL'));
    t.is((serve.listening as unknown as Record<string, unknown>).durability, expected, JSON.stringify({ args, env }));
    serve.child.kill('SIGTERM');
    t.is((await serve.exited).code, 0);
  }
});

test('a wrong level is one usage line, exit 2', async (t) => {
  const res = await runCli(['serve', '--data-dir', tempDir(t), '--durability', 'extra']);
  t.is(res.code, 2);
  t.is(res.stderr, 'eas-push: invalid value for --durability: "extra" (expected one of normal, full)\n');
});
