// Entry of the single-file binary (Node SEA, built by build/binary.ts). An SEA main script is
// CommonJS, so there is no top-level await here; otherwise it is bin/eas-push.ts.
// In an SEA process.argv is [binary, binary, ...args], the same shape as [node, script, ...args].
//
// The same bundle is what a parse-pool worker thread runs when the pool is given this bundle as
// its entry (plugin/parse-pool.ts): importing parse-worker.ts makes such a thread serve parse
// requests by itself, and the CLI must then stay out of the way.

import { runCli } from '../bin/process-io.js';
import { isParseWorker } from '../plugin/parse-worker.js';

if (!isParseWorker()) {
  runCli(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`eas-push: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
