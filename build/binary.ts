// `npm run build:binary`: one self-contained executable, dist/eas-push, with Node's Single
// Executable Applications (SEA, Node 20.12+):
//   1. esbuild bundles the CLI into one CommonJS file (build/bundle.ts); `bindings` is swapped
//      for build/sea-bindings.cjs so better-sqlite3 loads its addon from an SEA asset;
//   2. `node --experimental-sea-config` turns the bundle + the addon into a blob (the bundle
//      also rides along as an asset: parse worker threads start from a copy of it);
//   3. postject injects the blob into a copy of this very node binary (blob and runtime must
//      come from the same Node build).
// The result needs no node_modules and no Node install: copy it anywhere and run it.

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { ROOT, bundleCli } from './bundle.js';
import { ADDON_ASSET, BUNDLE_ASSET } from './sea-assets.js';

const OUT_DIR = join(ROOT, 'dist');
const WORK_DIR = join(OUT_DIR, 'sea');
const BINARY = join(OUT_DIR, 'eas-push');
/** The fuse Node's SEA support looks for; postject flips it to say "a blob is inside". */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const require = createRequire(import.meta.url);

function step(message: string): void {
  process.stdout.write(`build:binary: ${message}\n`);
}

function fail(message: string): never {
  process.stderr.write(`build:binary: ${message}\n`);
  process.exit(1);
}

function checkPlatform(): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  // sea.getAsset() (the native addon travels as an asset) arrived in 20.12.
  if (major < 20 || (major === 20 && minor < 12)) fail(`Node ${process.versions.node} is too old: SEA assets need 20.12 or later`);
  if (process.platform !== 'linux') fail(`only Linux binaries are built here (this is ${process.platform})`);
}

function addonPath(): string {
  const file = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', ADDON_ASSET);
  if (!existsSync(file)) fail(`${file} is missing: run npm ci first`);
  return file;
}

/** Runs a tool quietly; its output is shown only when it fails. */
function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    fail(`${[command, ...args].join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`);
  }
}

async function main(): Promise<void> {
  checkPlatform();
  const addon = addonPath();
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });

  const script = join(WORK_DIR, 'eas-push.cjs');
  step(`bundling ${relative(ROOT, script)}`);
  const { warnings } = await bundleCli(script);
  for (const w of warnings) step(`warning: ${w}`);

  const blob = join(WORK_DIR, 'sea-prep.blob');
  const config = join(WORK_DIR, 'sea-config.json');
  const seaConfig = { main: script, output: blob, disableExperimentalSEAWarning: true, assets: { [ADDON_ASSET]: addon, [BUNDLE_ASSET]: script } };
  writeFileSync(config, JSON.stringify(seaConfig, null, 2));
  step('writing the SEA blob');
  run(process.execPath, ['--experimental-sea-config', config]);

  step(`injecting it into a copy of ${process.execPath}`);
  rmSync(BINARY, { force: true });
  copyFileSync(process.execPath, BINARY);
  chmodSync(BINARY, 0o755);
  run(process.execPath, [require.resolve('postject/dist/cli.js'), BINARY, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);

  // From the output directory, where no node_modules can help it.
  const version = execFileSync(BINARY, ['--version'], { encoding: 'utf8', cwd: WORK_DIR }).trim();
  const mb = (statSync(BINARY).size / 1024 / 1024).toFixed(0);
  step(`${relative(ROOT, BINARY)}: ${version}, ${mb} MB`);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
