// The real process behind the CLI's injected Io: stdin, stdout/stderr and stop signals. Shared by
// bin/eas-push.ts (run by tsx/node) and the single-file binary's entry (build/sea-entry.ts), so
// both behave the same.

import type { Io } from './cli/common.js';
import { main } from './cli/main.js';
import { tuneV8ForServing } from './v8-serving.js';

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.once('error', reject);
  });
}

function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

export function processIo(extra: Pick<Io, 'workerEntry'> = {}): Io {
  return {
    ...extra,
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin,
    stopSignal,
  };
}

/** Runs the CLI with these arguments and sets the process exit code. */
export async function runCli(argv: readonly string[], extra: Pick<Io, 'workerEntry'> = {}): Promise<void> {
  if (argv[0] === 'serve') tuneV8ForServing();
  process.exitCode = await main(argv, processIo(extra));
  // Everything is closed by now; if some handle still holds the loop open, do not hang a
  // service manager waiting on us.
  setTimeout(() => process.exit(), 2_000).unref();
}
