// The composition root: one process runs the store, the SMTP/LMTP delivery hook and the EAS
// HTTP endpoint, wired together here and nowhere else (docs/architecture.md). The CLI's `serve`
// and the tests both start the server through createServer().

import type { AddressInfo } from 'node:net';
import { hostname as machineName } from 'node:os';
import { createEasApp } from '../eas/app.js';
import { createAdminMetrics, tapDeliveryLog, tapHistory, tapLoginThrottle } from '../eas/admin/metrics.js';
import { startAdminConsole } from './admin-console.js';
import { createItemClasses } from '../eas/classes/index.js';
import type { EasConfig, EasDeps, PushConfig } from '../eas/deps.js';
import { createLoginThrottle, createSharedLoginThrottle } from '../eas/http/login-throttle.js';
import { createEasHttpServer } from '../eas/http/server.js';
import { createPushRegistry } from '../eas/push/registry.js';
import { createMeetingPlanner } from '../eas/imip/planner.js';
import { createDeliverLocal, createDeliveryServer, createLocalDelivery, createParsePool, defaultParseWorkers, type DeliveryServer } from '../plugin/index.js';
import type { Store } from '../store/index.js';
import { openStoreAt } from '../store/open.js';
import type { Logger } from '../eas/log.js';
import { storeLocation } from './data-dir.js';
import { stopHttp } from './http-stop.js';
import { ListenError, listenOn } from './listen.js';
import { scheduleMaintenance } from './maintenance.js';
import { checkPlainHttp } from './plain-http.js';
import { silentLogger } from './logger.js';
import { createSmarthostRelay, type SmarthostRelay } from './relay.js';
import { DEFAULTS, type ListenAddress, type RunningServer, type ServerOptions } from './server-defaults.js';

export { DEFAULTS } from './server-defaults.js';
export type { ListenAddress, RunningServer, ServerOptions } from './server-defaults.js';

/** Room for the WBXML around a message a phone sends (SendMail, SmartReply). */
const REQUEST_OVERHEAD_BYTES = 1024 * 1024;
/**
 * How often the server looks for commits of other processes (the CLI's imports): a look is one
 * pragma, so a parked phone hears of an import within this, not at its next heartbeat.
 */
const EXTERNAL_COMMIT_CHECK_MS = 200;

function watchExternalCommits(store: Store, log: Logger): () => void {
  // One look at a time: a store whose look takes longer than the period skips a beat.
  let looking = false;
  const timer = setInterval(async () => {
    if (looking) return;
    looking = true;
    try {
      await store.publishExternalCommits();
    } catch (err) {
      log.warn('checking for other processes\' commits failed', { error: String(err) });
    } finally {
      looking = false;
    }
  }, EXTERNAL_COMMIT_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

export async function createServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? silentLogger;
  const maxMessageSize = options.maxMessageSize ?? DEFAULTS.maxMessageSize;
  const hostname = options.hostname ?? machineName();
  const pushConfig: PushConfig = {
    heartbeatMin: options.heartbeatMin ?? DEFAULTS.heartbeatMin,
    heartbeatMax: options.heartbeatMax ?? DEFAULTS.heartbeatMax,
    maxPingFolders: options.maxPingFolders ?? DEFAULTS.maxPingFolders,
    pushOn: options.pushOn ?? DEFAULTS.pushOn,
    maxParkedPerAccount: options.maxParkedPerAccount ?? DEFAULTS.maxParkedPerAccount,
  };
  if (pushConfig.heartbeatMin > pushConfig.heartbeatMax) {
    throw new Error(`heartbeat minimum (${pushConfig.heartbeatMin} s) is above the maximum (${pushConfig.heartbeatMax} s)`);
  }
  const config: EasConfig = {
    push: pushConfig,
    enforceProvisioning: options.enforceProvisioning ?? false,
    maxRequestBytes: maxMessageSize + REQUEST_OVERHEAD_BYTES,
    serverName: hostname,
    gal: options.gal ?? DEFAULTS.gal,
  };

  const httpAt = options.http ?? DEFAULTS.http;
  // Before anything is opened: a refused configuration leaves nothing behind.
  checkPlainHttp(httpAt, options.tls != null, options.insecureHttp ?? false);
  if (options.admin) checkPlainHttp(options.admin, options.tls != null, options.insecureHttp ?? false);

  const store = await openStoreAt(storeLocation(options.store, options.dataDir), {
    durability: options.durability ?? DEFAULTS.durability,
    log,
    // SQLite: checkpoints off the delivery thread, so the commit that crosses 1,000 WAL pages
    // no longer holds up the SMTP reply and the Ping answers waiting on it (docs/store.md).
    ...(options.checkpointWorker === false
      ? {}
      : {
          checkpoints: {
            ...(options.workerEntry ? { entry: options.workerEntry } : {}),
            onActive: () => log.info('WAL checkpoints on a worker thread'),
            onFallback: (reason: string) => log.warn('WAL checkpoints back on the serving connection', { reason }),
          },
        }),
  });
  const cleanups: Array<() => Promise<void> | void> = [async () => await store.close()];
  // The store closes last (cleanups run in reverse), after the schedule that uses it stopped.
  cleanups.push(scheduleMaintenance(store, log));
  cleanups.push(watchExternalCommits(store, log));
  const stopAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };

  try {
    // The MIME parse runs beside the delivery thread (headers and bodies alike); a pool that
    // cannot start parses in this thread instead, so nothing depends on it.
    const parsePool = createParsePool({
      workers: options.parseWorkers ?? defaultParseWorkers(),
      ...(options.workerEntry ? { entry: options.workerEntry } : {}),
      log,
    });
    cleanups.push(() => parsePool.close());
    const parse = parsePool.parse;
    const classes = createItemClasses(options.extraClasses);
    // Meeting messages: eas/imip plans what each recipient's copy carries (plugin/types.ts Schedule).
    const schedule = createMeetingPlanner({ classes, log, policy: options.calendarInvitations ?? DEFAULTS.calendarInvitations });
    // With the console on, its metrics count deliveries, push latency and failed logins off the push path (docs/admin.md §3).
    const metrics = options.admin ? createAdminMetrics() : null;
    const deliver = createLocalDelivery({ store, parse, log: metrics ? tapDeliveryLog(log, metrics) : log, schedule });
    let smarthost: SmarthostRelay | null = null;
    if (options.smarthost) {
      smarthost = createSmarthostRelay(options.smarthost);
      const relay = smarthost;
      cleanups.push(() => relay.close());
    }
    // Also closes the push-history entries a previous process left open (crash, kill).
    // presence: one parked request per device across the nodes of a shared store (docs/push.md rule 3).
    const push = createPushRegistry({ config: pushConfig, log, feed: store.feed, history: metrics ? tapHistory(store, metrics) : store, presence: store });
    // The stale entries are closed before the first request is taken (on PostgreSQL a query).
    await push.ready?.();
    const deps: EasDeps = {
      store,
      config,
      log,
      parse,
      deliverLocal: createDeliverLocal(deliver),
      relay: smarthost ? smarthost.relay : null,
      push,
      classes,
    };

    const startDelivery = async (lmtp: boolean, at: ListenAddress): Promise<{ server: DeliveryServer; address: AddressInfo }> => {
      const server = createDeliveryServer({ store, parse, deliver, lmtp, maxMessageSize, hostname, log, ...(options.tls ? { tls: options.tls } : {}) });
      try {
        const address = await server.listen(at.port, at.host);
        cleanups.push(() => server.close());
        return { server, address };
      } catch (err) {
        throw new ListenError(lmtp ? 'LMTP' : 'SMTP', at.host, at.port, err);
      }
    };
    const smtpAt = options.smtp === undefined ? DEFAULTS.smtp : options.smtp;
    const smtp = smtpAt ? await startDelivery(false, smtpAt) : null;
    const lmtp = options.lmtp ? await startDelivery(true, options.lmtp) : null;

    const { maxHeaderBytes, ...timeouts } = options.httpLimits ?? {};
    // Nodes sharing a store count failed logins together (docs/postgres.md "Rules across nodes").
    const throttle = store.shared
      ? createSharedLoginThrottle(store.shared.loginFailures, options.loginThrottle)
      : createLoginThrottle(options.loginThrottle);
    const loginThrottle = metrics ? tapLoginThrottle(throttle, metrics) : throttle;
    const app = createEasApp(deps, {
      loginThrottle,
      trustProxy: options.trustProxy ?? false,
      publicUrl: options.publicUrl ?? null,
    });
    const httpServer = createEasHttpServer(app, {
      ...(options.tls ? { tls: options.tls } : {}),
      ...(maxHeaderBytes !== undefined ? { maxHeaderBytes } : {}),
      timeouts,
    });
    const http = await listenOn(httpServer, options.tls ? 'HTTPS' : 'HTTP', httpAt.host, httpAt.port);
    // The port closes, then the parked requests are answered: their devices reconnect to the
    // next process (bin/http-stop.ts).
    cleanups.push(() => stopHttp(httpServer, () => push.shutdown()));
    let admin: Awaited<ReturnType<typeof startAdminConsole>> | null = null;
    if (options.admin && metrics) {
      admin = await startAdminConsole({ store, push, metrics, throttle: loginThrottle, log }, options.admin, options.tls ?? null, options.adminTickMs, options.trustProxy ?? false);
      const running = admin;
      cleanups.push(() => running.close());
    }

    log.info('listening', {
      smtp: smtp ? `${smtp.address.address}:${smtp.address.port}` : undefined,
      lmtp: lmtp ? `${lmtp.address.address}:${lmtp.address.port}` : undefined,
      http: `${http.address}:${http.port}`,
      admin: admin ? `${admin.address.address}:${admin.address.port}` : undefined,
      tls: options.tls ? true : undefined,
      durability: options.durability ?? DEFAULTS.durability,
      dataDir: options.dataDir,
      publicUrl: options.publicUrl ?? undefined,
    });

    let closing: Promise<void> | null = null;
    return {
      store,
      push,
      deps,
      smtp: smtp?.address ?? null,
      lmtp: lmtp?.address ?? null,
      http,
      admin: admin?.address ?? null,
      close() {
        closing ??= (async () => {
          // Listeners stop together (HTTP answers its parked requests, SMTP finishes what is
          // in DATA); the database closes only after all of them are done with it.
          const [dbClose, ...servers] = cleanups.splice(0);
          await Promise.all(servers.map((cleanup) => cleanup()));
          await dbClose?.();
          log.info('stopped');
        })();
        return closing;
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
