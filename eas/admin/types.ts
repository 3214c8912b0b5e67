// What the console is given (docs/admin.md): the store, the push registry, its metrics, the
// login throttle shared with EAS, and the log. Passed in by bin/server.ts.

import type { Store } from '../../store/types.js';
import type { LoginThrottle } from '../http/login-throttle.js';
import type { Logger } from '../log.js';
import type { PushRegistry } from '../push/types.js';
import type { AdminMetrics } from './metrics.js';

export interface ConsoleDeps {
  store: Store;
  push: Pick<PushRegistry, 'size'>;
  metrics: AdminMetrics;
  throttle: LoginThrottle;
  log: Logger;
}

export interface ConsoleOptions {
  /** Served over HTTPS: the session cookie is marked Secure. */
  secure: boolean;
  /** Behind the operator's own TLS proxy: client address, scheme and host from X-Forwarded-*. */
  trustProxy?: boolean;
  /** How often open pages refresh even when no push event came (ms). Default 5000. */
  tickMs?: number;
  /** A session unused this long is over (ms). Default 30 minutes. */
  sessionIdleMs?: number;
}
