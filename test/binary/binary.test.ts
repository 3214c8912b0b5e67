// The single-file binary. The bundle step (esbuild, about a second) runs in every suite: the
// CLI bundled to one CommonJS file must run from an empty directory with no node_modules.
// Building the whole 100 MB executable takes longer and is CI's job (.ci/run: build:binary,
// then scripts/smoke-binary.ts, which serves from an empty directory and sees a mail pushed).

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
