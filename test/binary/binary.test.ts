// The single-file binary. The bundle step (esbuild, about a second) runs in every suite: the
// CLI bundled to one CommonJS file must run from an empty directory with no node_modules.
// Building the whole 100 MB executable takes longer and is CI's job (.ci/run: build:binary,
// then scripts/smoke-binary.ts); EAS_PUSH_TEST_BINARY=1 runs that here too.

import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ROOT, bundleCli } from '../../build/bundle.js';

function run(command: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: typeof err?.code === 'number' ? err.code : err ? -1 : 0, stdout, stderr });
    });
  });
}

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

test('the CLI bundle runs --version and --help on its own, with no node_modules around it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-bundle-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const built = join(dir, 'built.cjs');
  await bundleCli(built);
  const alone = mkdtempSync(join(tmpdir(), 'eas-push-bundle-run-'));
  t.teardown(() => rmSync(alone, { recursive: true, force: true }));
  copyFileSync(built, join(alone, 'eas-push.cjs'));

  const v = await run(process.execPath, ['eas-push.cjs', '--version'], alone);
  t.is(v.code, 0, v.stderr);
  t.is(v.stdout, `eas-push ${version}\n`);
  const help = await run(process.execPath, ['eas-push.cjs', 'serve', '--help'], alone);
  t.is(help.code, 0, help.stderr);
  t.regex(help.stdout, /--public-url URL/);
});

const full = process.env.EAS_PUSH_TEST_BINARY === '1' ? test : test.skip;

full('npm run build:binary makes dist/eas-push, and it passes the smoke test', async (t) => {
  const build = await run('npm', ['run', '--silent', 'build:binary'], ROOT);
  t.is(build.code, 0, build.stdout + build.stderr);
  const smoke = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'smoke-binary.ts'), join(ROOT, 'dist', 'eas-push')], ROOT);
  t.is(smoke.code, 0, smoke.stdout + smoke.stderr);
  t.regex(smoke.stdout, /smoke: passed/);
});
