// Entry of the single-file binary (Node SEA, built by build/binary.ts). An SEA main script is
// CommonJS, so there is no top-level await here; otherwise it is bin/eas-push.ts.
// In an SEA process.argv is [binary, binary, ...args], the same shape as [node, script, ...args].
//
// The same bundle is what the worker threads run (plugin/parse-pool.ts, store/checkpointer.ts):
// importing parse-worker.ts and checkpoint-worker.ts makes such a thread serve its role by
// itself, and the CLI must then stay out of the way. A worker needs a script file, and inside the binary the bundle is only
// an SEA asset: the main thread writes it to a private temporary file for the workers and
// removes it when the process exits.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAsset } from 'node:sea';
import { runCli } from '../bin/process-io.js';
import { isParseWorker } from '../plugin/parse-worker.js';
import { isCheckpointWorker } from '../store/checkpoint-worker.js';
import { BUNDLE_ASSET } from './sea-assets.js';

/** The bundle as a file for worker threads, or undefined (workers off) when it cannot be written. */
function workerScript(): string | undefined {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'eas-push-worker-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, BUNDLE_ASSET);
    writeFileSync(file, Buffer.from(getAsset(BUNDLE_ASSET)), { mode: 0o600 });
    return file;
  } catch {
    return undefined;
  }
}

if (!isParseWorker() && !isCheckpointWorker()) {
  const entry = process.argv[2] === 'serve' ? workerScript() : undefined;
  runCli(process.argv.slice(2), entry ? { workerEntry: entry } : {}).catch((err: unknown) => {
    process.stderr.write(`eas-push: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
