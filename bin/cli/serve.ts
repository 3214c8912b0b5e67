// `eas-push serve`: runs SMTP (and LMTP), the store and the EAS endpoint in one process until
// SIGTERM/SIGINT, then stops cleanly (parked requests answered, deliveries finished, DB closed).

import { createLogger } from '../logger.js';
import { createServer } from '../server.js';
import type { Io } from './common.js';
import { parseOptions } from './options.js';
import { SERVE_OPTIONS, serveOptions } from './serve-options.js';
import { redactUrl } from './values.js';

export async function serve(args: readonly string[], io: Io): Promise<number> {
  const { values } = parseOptions(args, SERVE_OPTIONS, io.env, 'serve');
  const { logLevel: level, ...options } = serveOptions(values);
  const log = createLogger({ level, write: io.stdout });
  if (options.smarthost) log.info('smarthost', { url: redactUrl(options.smarthost) });
  // Listen for the signal before starting, so a SIGTERM during startup still stops cleanly.
  const stopped = io.stopSignal();
  const server = await createServer({ ...options, ...(io.workerEntry ? { workerEntry: io.workerEntry } : {}), log });
  const signal = await stopped;
  log.info('shutting down', { signal, parked: server.push.size() });
  await server.close();
  return 0;
}
