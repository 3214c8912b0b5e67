// The V8 setting the serving process runs with (`eas-push serve` as a process: bin/process-io.ts
// and the single binary), set before the first request. Tests that run the server inside their
// own process keep V8's defaults.
//
// Allocation-site pretenuring off. V8 starts allocating an allocation site's objects straight
// into the old generation once enough of them were seen surviving a young collection. This
// server's objects live for one delivery or one request, so those that merely were in flight
// when a collection came teach V8 the wrong lesson (mailparser's parser objects are the main
// case). Each pretenured object then dies in the old generation, where only a full collection
// finds it dead, and until then it keeps every young object it points to alive through each
// young collection: those are copied, then promoted, and the collections that stop the thread
// take longer and come with more full ones. Measured in the invitation benchmark's measured
// rounds (docs/push.md "Young collections"): a young collection kept 1.4% of what was allocated
// instead of 7.9 to 9.6%, and stopped the thread for 1.3 to 1.4 ms instead of 3.6 to 6.2 ms at
// the median.

import { setFlagsFromString } from 'node:v8';

const SERVING_V8_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring'];

export function tuneV8ForServing(): void {
  for (const flag of SERVING_V8_FLAGS) setFlagsFromString(flag);
}
