// The parse pool keeps working when the app is bundled by esbuild into one CommonJS file (the
// planned single-binary build): the bundle starts itself as the worker (parse-worker.ts).

import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ENTRY = fileURLToPath(new URL('../fixtures/plugin/bundle-entry.ts', import.meta.url));
const MESSAGE = fileURLToPath(new URL('../fixtures/mail/attachments.eml', import.meta.url));

test('bundled into one CJS file, the app parses on a worker started from its own file', async (t) => {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-bundle-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const outfile = join(dir, 'app.cjs');
  await build({ entryPoints: [ENTRY], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent' });

  // Plain node, no tsx: what a user of the bundle runs.
  const { stdout } = await run(process.execPath, [outfile, MESSAGE], { env: { PATH: process.env.PATH ?? '' } });
  t.deepEqual(JSON.parse(stdout), { size: 1, same: true, attachments: 4, warnings: [] });
});
