// Loaded into the push benchmark's server process only (bench/push-server.ts, `--import`):
// SIGUSR2 runs a full garbage collection, so that both RSS readings of bench/push.ts count what
// is alive (the parked Pings) rather than garbage V8 has not collected yet. Never in the product.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
process.on('SIGUSR2', () => {
  gc();
  gc();
  // The JS heap after the GC, as one line of the server's log (its stdout) for bench/push.ts.
  const { heapUsed, external } = process.memoryUsage();
  process.stdout.write(JSON.stringify({ msg: 'bench gc', heapUsed, external }) + '\n');
});
