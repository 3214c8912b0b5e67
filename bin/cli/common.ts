// Options every command shares, and the terminal the CLI talks to (injected, so tests and
// the binary use the same code).

import type { OptionSpec } from './options.js';
import { text } from './values.js';

export interface Io {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Everything on standard input (for --password-stdin). */
  readStdin: () => Promise<string>;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT). */
  stopSignal: () => Promise<string>;
  /** Where the worker threads (MIME parse, WAL checkpoints) start from, when not beside their modules (the binary: the bundle is its own worker). */
  workerEntry?: string;
}

export const DATA_DIR: OptionSpec = {
  name: 'data-dir',
  kind: 'value',
  metavar: 'DIR',
  help: 'where the mailbox database lives (default ./data)',
  parse: text,
};

export const DEFAULT_DATA_DIR = './data';

export const STORE: OptionSpec = {
  name: 'store',
  kind: 'value',
  metavar: 'URL',
  help: 'the store: sqlite:PATH, a file path, or postgres://user@host/db (default sqlite:DATA_DIR/eas-push.sqlite)',
  parse: text,
};
