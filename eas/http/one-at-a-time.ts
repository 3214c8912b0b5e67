// Runs jobs that share a key one after another, in arrival order; jobs with other keys run
// alongside. The authenticator uses it per source address: login checks hash asynchronously,
// and without it concurrent guesses from one source would all pass the throttle's check before
// any of their failures were counted (and could fill libuv's whole thread pool).
// Memory: one entry per key with a job running or waiting, dropped when its queue empties.

export type OneAtATime = <T>(key: string, job: () => Promise<T>) => Promise<T>;

export function createOneAtATime(): OneAtATime {
  /** The promise the next job of a key waits for: settled when the last queued job is done. */
  const tails = new Map<string, Promise<void>>();
  return async (key, job) => {
    const previous = tails.get(key);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    tails.set(key, mine);
    try {
      if (previous) await previous;
      return await job();
    } finally {
      done();
      if (tails.get(key) === mine) tails.delete(key);
    }
  };
}
