// Loaded into the push benchmark's server process only (bench/push-server.ts, `--import`):
// SIGUSR2 runs a full garbage collection, so that both RSS readings of bench/push.ts count what
// is alive (the parked Pings) rather than garbage V8 has not collected yet. Never in the product.
// It also reports the memory the young generation holds then: V8 shrinks it when the process
// is idle and grows it back (to two 16 MB semi-spaces) under load, whatever K is, so bench/push.ts
// keeps that apart from what the parked Pings cost.

import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
process.on('SIGUSR2', () => {
  gc();
  gc();
  // The JS heap after the GC, as one line of the server's log (its stdout) for bench/push.ts.
  const { heapUsed, external } = process.memoryUsage();
  const youngGeneration = getHeapSpaceStatistics()
    .filter((s) => s.space_name === 'new_space' || s.space_name === 'new_large_object_space')
    .reduce((sum, s) => sum + s.physical_space_size, 0);
  process.stdout.write(JSON.stringify({ msg: 'bench gc', heapUsed, external, youngGeneration }) + '\n');
});
