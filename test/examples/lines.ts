// Reading a child process's output line by line and waiting for a line, for tests of the
// runnable examples. A wait ends when the line comes, or fails when the process exits first
// (with everything it printed, so the failure explains itself).

import type { ChildProcess } from 'node:child_process';

export interface LineWatcher {
  /** Everything printed so far (stdout and stderr, interleaved). */
  readonly output: () => string;
  /** Resolves with the first line (past or future) matching; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<string>;
  /** Resolves with the exit code (null: killed by a signal). */
  exited: Promise<number | null>;
}

export function watchLines(child: ChildProcess): LineWatcher {
  let text = '';
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  let partial = '';
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    partial += chunk.toString('utf8');
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters) {
        if (w.pattern.test(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    output: () => text,
    exited,
    waitFor(pattern) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const waiter = { pattern, resolve };
        waiters.add(waiter);
        void exited.then((code) => {
          if (!waiters.delete(waiter)) return;
          reject(new Error(`exited (${code}) before printing ${pattern}:\n${text}`));
        });
      });
    },
  };
}
