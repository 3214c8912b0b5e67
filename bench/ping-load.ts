// The K other parked Pings of the push benchmarks (bench/push.ts, bench/invite.ts), held by a
// child process of their own (bench/ping-load-child.ts), as other phones are other machines.
// Held in the measuring client, their K sockets and requests made its every young-generation
// collection take several ms (6.5 ms at the median with 10,000), and one falling between the
// server's answer and the client reading it would be booked to the server. The measuring
// process now holds one phone and one SMTP connection (its collections: about 1 ms).

import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LoadPing {
  port: number;
  user: string;
  password: string;
  deviceId: string;
  body: Buffer;
  localAddress?: string;
}

/** How the parked Pings ended: answered with Ping Status 1, and every other outcome counted. */
export interface LoadOutcome {
  status1: number;
  failures: Record<string, number>;
}

/** Messages between bench/ping-load.ts and bench/ping-load-child.ts. */
export type ToChild = { park: (Omit<LoadPing, 'body'> & { body: string })[] } | { settle: true };
export type FromChild = { outcome: LoadOutcome } | { error: string };

export interface PingLoad {
  /** Sends these Pings (each on a socket of its own); the caller watches them park. */
  park(pings: LoadPing[]): void;
  /** Once every Ping has its answer (after the server's SIGTERM): how they ended. */
  settle(): Promise<LoadOutcome>;
  /** Ends the child (after settle, or on a failed run). */
  close(): void;
}

export function startPingLoad(): PingLoad {
  // The child inherits this process's open-file limit (raised by the npm script or the caller).
  const child: ChildProcess = fork(join(dirname(fileURLToPath(import.meta.url)), 'ping-load-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exited: string | null = null;
  child.once('exit', (code, signal) => (exited = `the Ping load process exited (${signal ?? code})`));
  const send = (msg: ToChild): void => {
    if (exited) throw new Error(exited);
    child.send(msg);
  };
  return {
    park(pings) {
      send({ park: pings.map((p) => ({ ...p, body: p.body.toString('base64') })) });
    },
    settle() {
      return new Promise<LoadOutcome>((resolve, reject) => {
        const onExit = (): void => reject(new Error(exited ?? 'the Ping load process exited'));
        child.once('exit', onExit);
        child.once('message', (msg: FromChild) => {
          child.off('exit', onExit);
          if ('outcome' in msg) resolve(msg.outcome);
          else reject(new Error(`Ping load process: ${msg.error}`));
        });
        send({ settle: true });
      });
    },
    close() {
      if (!exited) child.kill();
    },
  };
}
